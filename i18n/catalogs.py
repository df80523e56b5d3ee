"""Where the gettext catalogs live, and the compiled ones (.mo) that `i18n.t` reads.

One `.po` per language under `i18n/locales/<lang>/LC_MESSAGES/`, keyed by stable message ids;
`make messages` compiles each to a `.mo` (git-ignored). A catalog that was not compiled, or was
compiled before its `.po` last changed, is refused: the pages would show old or missing texts.
"""

from __future__ import annotations

import functools
from pathlib import Path

from babel.messages.mofile import read_mo

from core.errors import CatalogError

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"
TEMPLATE = LOCALES_DIR / f"{DOMAIN}.pot"
SOURCE_LANGUAGE = "en"


def po_path(lang: str) -> Path:
    """The editable catalog of `lang`."""
    return LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    """The compiled catalog of `lang`, built from `po_path(lang)` by `make messages`."""
    return po_path(lang).with_suffix(".mo")


@functools.cache
def compiled(lang: str) -> dict[str, str]:
    """Message id -> text in `lang`, read once from the compiled catalog.

    Untranslated and fuzzy entries are not compiled, so they are absent here.

    Raises
    ------
    CatalogError
        When the `.mo` is missing or older than its `.po`.
    """
    po, mo = po_path(lang), mo_path(lang)
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        state = "is missing" if not mo.exists() else f"is older than {po.name}"
        raise CatalogError(f"{mo} {state}: run `make messages` to compile the translations")
    with mo.open("rb") as file:
        catalog = read_mo(file)
    return {str(message.id): str(message.string) for message in catalog if message.id}
