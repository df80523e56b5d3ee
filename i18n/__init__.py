"""FR/NL/EN strings: every label and message of the app, category labels and commune names.

`t(key, lang)` looks a message up in `i18n.messages.MESSAGES`; category labels come from
`core.taxonomy.CATEGORIES`, commune names from `data/boroughs/communes.csv`.
"""

from __future__ import annotations

import functools

from core.taxonomy import CATEGORIES
from geo.reference import commune_names as _commune_table
from i18n.messages import MESSAGES

LANGUAGES: tuple[str, ...] = ("fr", "nl", "en")
DEFAULT_LANGUAGE = "fr"
LANGUAGE_NAMES = {"fr": "Français", "nl": "Nederlands", "en": "English"}


def t(key: str, lang: str, **values: object) -> str:
    """The message `key` in `lang` (FR when `lang` is unknown), formatted with `values`."""
    text = MESSAGES[key].get(lang, MESSAGES[key][DEFAULT_LANGUAGE])
    return text.format(**values) if values else text


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
    return _names().get(lang, _names()[DEFAULT_LANGUAGE])


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


_SEPARATORS = {"fr": ("\u202f", ","), "nl": (".", ","), "en": (",", ".")}  # thousands, decimal


def number(value: float, lang: str, decimals: int = 0) -> str:
    """A number written the way `lang` readers expect: 12 345,6 (FR), 12.345,6 (NL), 12,345.6 (EN)."""
    thousands, decimal = _SEPARATORS.get(lang, _SEPARATORS[DEFAULT_LANGUAGE])
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def metric_value(value: float, metric: str, lang: str) -> str:
    """A coverage metric as shown on the pages: shares in percent, counts whole, densities to 0.01."""
    if metric.startswith("share_"):
        return f"{number(value * 100, lang, 1)} %"
    return number(value, lang, 0 if metric == "initiatives" else 2)
