"""FR/NL/EN strings: every label and message of the app, category labels and commune names.

`t(key, lang)` looks a message up in the compiled gettext catalogs (`i18n.catalogs`); numbers and
dates are written by `i18n.formats`; category labels come from `core.taxonomy.CATEGORIES`, commune
names from `data/boroughs/communes.csv`.
"""

from __future__ import annotations

import functools

from babel import Locale
from babel.plural import PluralRule

from core.taxonomy import CATEGORIES
from geo.reference import commune_names as _commune_table
from i18n.catalogs import compiled, po_path
from i18n.formats import format_date, format_datetime, format_number, format_percent, metric_value
from i18n.languages import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, LOCALES, known

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "browser_language",
    "category_label",
    "commune_codes",
    "commune_name",
    "commune_names",
    "format_date",
    "format_datetime",
    "format_number",
    "format_percent",
    "metric_value",
    "t",
    "tn",
]


def t(key: str, lang: str, **values: object) -> str:
    """The message `key` in `lang` (FR when `lang` is unknown or lacks it), formatted with `values`.

    Raises KeyError when no catalog has `key`.
    """
    text = compiled(known(lang)).get(key)
    if text is None:
        text = compiled(DEFAULT_LANGUAGE).get(key)
    if text is None:
        raise KeyError(f"no message {key!r} in {po_path(DEFAULT_LANGUAGE)}")
    return text.format(**values) if values else text


def tn(key: str, count: int, lang: str, **values: object) -> str:
    """The message `key.one` or `key.other` for `count`, by CLDR's plural rules of `lang` (French
    counts 0 and 1 as one, Dutch and English only 1), with `n` the count written in `lang`."""
    form = _plural_rule(known(lang))(count)
    chosen = f"{key}.{form}" if form == "one" else f"{key}.other"
    return t(chosen, lang, n=format_number(count, lang), **values)


@functools.cache
def _plural_rule(lang: str) -> PluralRule:
    return Locale.parse(LOCALES[lang]).plural_form


def category_label(key: str, lang: str) -> str:
    """A category's label in `lang`; an unknown key is shown as is."""
    category = CATEGORIES.get(key)
    return category.label(lang) if category else key


@functools.cache
def _names() -> dict[str, dict[str, str]]:
    table = _commune_table()
    return {lang: dict(zip(table["nis_code"], table[f"name_{lang}"], strict=True)) for lang in LANGUAGES}


def commune_codes() -> list[str]:
    """The 19 NIS codes in NIS-code order (the order of `commune_names` in every language)."""
    return list(_names()[DEFAULT_LANGUAGE])


def commune_names(lang: str) -> dict[str, str]:
    """NIS code -> commune name in `lang`, in NIS-code order (all 19 communes)."""
    return _names()[known(lang)]


def commune_name(nis_code: object, lang: str) -> str:
    """One commune's name in `lang` ("" for a missing or unknown code)."""
    return commune_names(lang).get(str(nis_code), "")


def browser_language(accept_language: str | None) -> str:
    """The first of our languages in an Accept-Language header (by q-value), else FR."""
    ranked = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().lower().split("-")[0]))
    for _, _, lang in sorted(ranked):
        if lang in LANGUAGES:
            return lang
    return DEFAULT_LANGUAGE
