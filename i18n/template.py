"""Keeps the template and the other catalogs in step with the English one: `python -m i18n.template`.

English (`locales/en/LC_MESSAGES/messages.po`) is the source: a developer adds, rewords or removes a
message there, then runs this. It writes the template (`locales/messages.pot`: every id with its
English text as a translator comment) and merges it into the other languages: a new id arrives
untranslated, a removed one is kept as obsolete (`#~`), and a translation whose English text changed
is marked fuzzy, so the catalog test fails until a translator has reviewed it. Every entry with
`{placeholders}` carries the `python-brace-format` flag, which Weblate's placeholder check reads.

`pybabel update` merges the same way but cannot notice a reworded English text (the ids are keys),
and Babel drops the flag when it reads an entry whose msgid has no placeholder; hence this module.
"""

from __future__ import annotations

import io
import string
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from i18n.catalogs import DOMAIN, SOURCE_LANGUAGE, TEMPLATE, po_path
from i18n.languages import LANGUAGES

BRACE_FLAG = "python-brace-format"


def placeholders(text: str) -> set[str]:
    """The `{name}` fields of a message text."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def english(message_comments: list[str]) -> str:
    """A template entry's English text, from its translator comment (wrapped over several lines)."""
    return " ".join(" ".join(message_comments).split())


def read(path: Path) -> Catalog:
    """A catalog as stored in `path`."""
    with path.open("rb") as file:
        return read_po(file, domain=DOMAIN)


def render(catalog: Catalog) -> bytes:
    """A catalog as a .po/.pot file writes it (width 76, obsolete entries kept)."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76)
    return buffer.getvalue()


def flag_placeholders(catalog: Catalog, source: Catalog) -> None:
    """Flag `python-brace-format` on every entry whose English text in `source` has placeholders."""
    for message in catalog:
        if message.id and message.id in source and placeholders(str(source[message.id].string)):
            message.flags.add(BRACE_FLAG)


def template(source: Catalog) -> Catalog:
    """The template of the English catalog `source`: ids in its order, English texts as comments."""
    pot = Catalog(
        domain=DOMAIN,
        project=source.project,
        version=source.version,
        copyright_holder=source.copyright_holder,
        creation_date=source.creation_date,
        fuzzy=False,
    )
    pot.header_comment = (
        "# Messages of the Brussels initiatives map: the template, written from the\n"
        "# English catalog (en/LC_MESSAGES/messages.po)\n"
        "# by `python -m i18n.template`: do not edit it by hand."
    )
    for message in source:
        if message.id:
            pot.add(message.id, auto_comments=str(message.string).splitlines())
    flag_placeholders(pot, source)
    return pot


def merge(catalog: Catalog, pot: Catalog, source: Catalog) -> None:
    """Bring `catalog` to the ids of `pot`; a translation whose English text changed becomes fuzzy."""
    english_before = {message.id: english(message.auto_comments) for message in catalog if message.id}
    catalog.update(pot, no_fuzzy_matching=True)
    for message in catalog:
        before = english_before.get(message.id)
        if message.id and message.string and before and before != english(pot[message.id].auto_comments):
            message.flags.add("fuzzy")
    flag_placeholders(catalog, source)


def write_if_changed(path: Path, content: bytes) -> bool:
    """Write `content` to `path` unless it is already there (an unchanged catalog keeps its date)."""
    if path.exists() and path.read_bytes() == content:
        return False
    path.write_bytes(content)
    return True


def main() -> None:
    """Rewrite the template and merge it into every catalog but the English one."""
    source = read(po_path(SOURCE_LANGUAGE))
    flag_placeholders(source, source)
    pot = template(source)
    outputs = {po_path(SOURCE_LANGUAGE): source, TEMPLATE: pot}
    for lang in LANGUAGES:
        if lang != SOURCE_LANGUAGE:
            catalog = read(po_path(lang))
            merge(catalog, pot, source)
            outputs[po_path(lang)] = catalog
    for path, catalog in outputs.items():
        print(f"{path}: {'written' if write_if_changed(path, render(catalog)) else 'unchanged'}")


if __name__ == "__main__":
    main()
