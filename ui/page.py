"""The page context: what every page starts with (language, settings, title) and the one error guard.

How a page is written (a file in app_pages/, registered in navigation.py's PAGES):

    ctx = page.start("stories.title")        # language, settings, the page's title
    lang, config = ctx.lang, ctx.config
    st.caption(t("stories.intro", lang))
    with ctx.guard():                         # reads that can fail: the store, the reference data
        records = data.published(ctx.snapshot)
    components.initiative_list(records, lang)  # then compose ui/components.py

Everything a page reads from the store goes through one `ctx.snapshot` (ui/data.py: a run's count,
map, list and downloads then agree). Reading the store or the reference data can raise
`core.errors.BimError` (no reference build, an unreachable database): inside `ctx.guard()` the
visitor gets the message and the page stops there, instead of a traceback.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st

from core import settings
from core.errors import BimError
from i18n import t
from ui import data, state


@dataclass(frozen=True)
class PageContext:
    """One run of one page: its language and settings; the snapshot and layers it reads, once."""

    lang: str
    config: settings.Settings

    @functools.cached_property
    def snapshot(self) -> data.Snapshot:
        """The store as of this run (raises BimError: read it inside `guard()`)."""
        return data.snapshot(self.config)

    @functools.cached_property
    def layers(self) -> data.Layers:
        """The reference layers (raises BimError: read them inside `guard()`)."""
        return data.layers(self.config.data_dir)

    @contextmanager
    def guard(self, message_key: str | None = "app.unavailable") -> Iterator[None]:
        """Show a BimError raised inside as an error and stop the page.

        The message is `message_key` (formatted with `error`), or the error's own text when None.
        """
        try:
            yield
        except BimError as exc:
            st.error(t(message_key, self.lang, error=exc) if message_key else str(exc))
            st.stop()


def context() -> PageContext:
    """This run's context: the language navigation.py chose (ui/state.py), the settings."""
    return PageContext(lang=st.session_state[state.LANG_KEY], config=settings.load())


def start(title_key: str | None = None) -> PageContext:
    """Begin a page: its context, and its title when `title_key` names one."""
    ctx = context()
    if title_key is not None:
        st.title(t(title_key, ctx.lang))
    return ctx
