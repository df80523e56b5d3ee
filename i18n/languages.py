"""The app's three languages and the Babel locale each one formats numbers and dates with.

English readers in Brussels expect English numbers (12,345.6), not Belgian ones: `en_BE` would write
12.345,6, which an English reader takes for twelve. `en_GB` keeps the English separators and the
day-month-year order Belgium uses.
"""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("fr", "nl", "en")
DEFAULT_LANGUAGE = "fr"
LANGUAGE_NAMES = {"fr": "Français", "nl": "Nederlands", "en": "English"}
LOCALES = {"fr": "fr_BE", "nl": "nl_BE", "en": "en_GB"}


def known(lang: str) -> str:
    """`lang` if the app speaks it, else the default language (FR)."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE
