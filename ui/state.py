"""Language and filter state, kept in the URL (`st.query_params`) so that a link reproduces a view.

The URL wins when it names a value; otherwise the last value of this session; otherwise the
default. Page changes drop the query string, so each page writes its state back on every run.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from i18n import LANGUAGE_NAMES, LANGUAGES, browser_language, t

LANG_KEY = "lang"
_SAVED = "saved:"  # prefix of the session copies of widget values (widget state is dropped off-page)


def language() -> str:
    """The UI language: `?lang=`, else this session's choice, else the browser's, else FR."""
    requested = st.query_params.get("lang")
    if requested in LANGUAGES:
        lang = requested
    elif st.session_state.get(LANG_KEY) in LANGUAGES:
        lang = st.session_state[LANG_KEY]
    else:
        lang = browser_language(st.context.headers.get("Accept-Language") or st.context.locale)
    st.session_state[LANG_KEY] = lang
    st.query_params["lang"] = lang
    return lang


def _language_chosen() -> None:
    st.session_state[LANG_KEY] = st.session_state["lang_widget"]
    st.query_params["lang"] = st.session_state["lang_widget"]


def language_selector(lang: str) -> None:
    """The language menu (sidebar); a change is written to the URL before the rerun."""
    st.session_state["lang_widget"] = lang
    st.sidebar.selectbox(
        t("app.language", lang),
        LANGUAGES,
        format_func=LANGUAGE_NAMES.__getitem__,
        key="lang_widget",
        on_change=_language_chosen,
    )


def widget_key(name: str, lang: str) -> str:
    """A filter widget's key: per language, because a widget keeps the option labels it was made with."""
    return f"{name}:{lang}"


def init_list(name: str, lang: str, param: str, allowed: Iterable[str]) -> str:
    """Give filter `name` its starting list from `?param=a,b` (or this session's last value); its key."""
    key = widget_key(name, lang)
    if key not in st.session_state:
        allowed = list(allowed)
        if param in st.query_params:
            st.session_state[key] = [v for v in st.query_params[param].split(",") if v in allowed]
        else:
            st.session_state[key] = st.session_state.get(_SAVED + name, [])
    return key


def init_value(name: str, lang: str, param: str, default: str = "", allowed: Iterable[str] | None = None) -> str:
    """Give filter `name` its starting value from `?param=` (or this session's last value); its key."""
    key = widget_key(name, lang)
    if key not in st.session_state:
        value = st.query_params.get(param, st.session_state.get(_SAVED + name, default))
        st.session_state[key] = value if allowed is None or value in allowed else default
    return key


def write_param(name: str, lang: str, param: str) -> object:
    """Write filter `name`'s value to `?param=` (dropped when empty), keep a session copy; the value."""
    value = st.session_state.get(widget_key(name, lang))
    st.session_state[_SAVED + name] = value
    text = ",".join(value) if isinstance(value, list) else (value or "")
    if text:
        st.query_params[param] = text
    elif param in st.query_params:
        del st.query_params[param]
    return value
