"""Translations as gettext catalogs (one .po per language, compiled to .mo), numbers and dates by Babel."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from core.errors import CatalogError
from i18n import (
    LANGUAGES,
    catalogs,
    format_date,
    format_datetime,
    format_number,
    format_percent,
    metric_value,
    t,
    template,
    tn,
)
from i18n.template import english, placeholders

TEMPLATE = template.read(catalogs.TEMPLATE)
IDS = [message.id for message in TEMPLATE if message.id]
CATALOGS = {lang: template.read(catalogs.po_path(lang)) for lang in LANGUAGES}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_of_the_template_is_translated_in_each_language(lang: str) -> None:
    catalog = CATALOGS[lang]
    untranslated = [key for key in IDS if key not in catalog or not catalog[key].string]
    fuzzy = [key for key in IDS if key in catalog and catalog[key].fuzzy]
    assert not untranslated, f"{catalogs.po_path(lang)}: no {lang} text for {untranslated}"
    assert not fuzzy, f"{catalogs.po_path(lang)}: fuzzy, to review: {fuzzy}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_language_has_a_message_the_template_lacks(lang: str) -> None:
    extra = [message.id for message in CATALOGS[lang] if message.id and message.id not in TEMPLATE]
    assert not extra, f"{catalogs.po_path(lang)}: {extra} are not in the English catalog"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_translation_keeps_the_placeholders_of_the_template(lang: str) -> None:
    wrong = {
        message.id: sorted(placeholders(CATALOGS[lang][message.id].string))
        for message in TEMPLATE
        if message.id in CATALOGS[lang]
        and placeholders(CATALOGS[lang][message.id].string) != placeholders(english(message.auto_comments))
    }
    assert not wrong, f"{catalogs.po_path(lang)}: placeholders differ from the English text: {wrong}"


def test_the_template_is_the_one_written_from_the_english_catalog() -> None:
    expected = template.render(template.template(CATALOGS[catalogs.SOURCE_LANGUAGE]))
    assert catalogs.TEMPLATE.read_bytes() == expected, "stale template: run `python -m i18n.template`"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_compiled_catalog_holds_the_texts_of_the_po(lang: str) -> None:
    expected = {m.id: m.string for m in CATALOGS[lang] if m.id and m.string and not m.fuzzy}
    assert catalogs.compiled(lang) == expected


def _write(locales: Path, lang: str, texts: dict[str, str], compiled: bool = True) -> Path:
    """A catalog of `texts` in `locales`, as a .po file and (when `compiled`) its .mo."""
    catalog = Catalog(locale=lang, domain=catalogs.DOMAIN, fuzzy=False)
    for key, text in texts.items():
        catalog.add(key, text)
    po = locales / lang / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_bytes(template.render(catalog))
    if compiled:
        with po.with_suffix(".mo").open("wb") as file:
            write_mo(file, catalog)
    return po


@pytest.fixture
def tmp_locales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A locales folder of our own, read in place of the project's (the compiled-catalog cache emptied)."""
    monkeypatch.setattr(catalogs, "LOCALES_DIR", tmp_path)
    catalogs.compiled.cache_clear()
    yield tmp_path
    catalogs.compiled.cache_clear()


def test_a_catalog_never_compiled_is_refused_with_the_command_that_compiles_it(tmp_locales: Path) -> None:
    _write(tmp_locales, "fr", {"page.map": "Carte"}, compiled=False)
    with pytest.raises(CatalogError, match=r"fr/LC_MESSAGES/messages\.mo is missing: run `make messages`"):
        t("page.map", "fr")


def test_a_catalog_compiled_before_its_po_changed_is_refused(tmp_locales: Path) -> None:
    po = _write(tmp_locales, "fr", {"page.map": "Carte"})
    compiled_at = po.with_suffix(".mo").stat().st_mtime
    os.utime(po, (compiled_at + 1, compiled_at + 1))
    with pytest.raises(CatalogError, match=r"messages\.mo is older than messages\.po: run `make messages`"):
        t("page.map", "fr")


def test_a_message_missing_in_one_language_falls_back_to_french(tmp_locales: Path) -> None:
    _write(tmp_locales, "fr", {"page.map": "Carte", "page.data": "Données"})
    _write(tmp_locales, "nl", {"page.map": "Kaart"})
    assert t("page.map", "nl") == "Kaart"
    assert t("page.data", "nl") == "Données"


def test_messages_fill_their_placeholders() -> None:
    assert t("map.count", "en", shown="3", total="10") == "**3** initiatives shown (of 10)"
    assert "{" not in t("contribute.found", "nl", precision="straat", commune="Elsene")


def test_each_language_gets_its_own_text_and_an_unknown_one_gets_french() -> None:
    texts = {lang: t("page.coverage", lang) for lang in LANGUAGES}
    assert len(set(texts.values())) == len(LANGUAGES)
    assert t("page.coverage", "de") == texts["fr"]


def test_an_unknown_message_is_a_key_error_naming_it() -> None:
    with pytest.raises(KeyError, match=r"no message .map\.no_such_message. in .*fr/LC_MESSAGES/messages\.po"):
        t("map.no_such_message", "nl")


def test_a_reworded_english_text_makes_its_translations_fuzzy_until_reviewed(tmp_path: Path) -> None:
    english_v1 = Catalog(locale="en", domain=catalogs.DOMAIN, fuzzy=False)
    english_v1.add("greet", "Hello {name}")
    english_v1.add("bye", "Goodbye")
    english_v1.add("thanks", "Thank you")
    french = Catalog(locale="fr", domain=catalogs.DOMAIN, fuzzy=False)
    template.merge(french, template.template(english_v1), english_v1)
    for key, text in {"greet": "Bonjour {name}", "bye": "Au revoir", "thanks": "Merci"}.items():
        french[key].string = text
    po = tmp_path / "fr.po"
    po.write_bytes(template.render(french))

    english_v2 = Catalog(locale="en", domain=catalogs.DOMAIN, fuzzy=False)
    english_v2.add("greet", "Hello {name}, welcome to the map of the citizen initiatives of the nineteen communes")
    english_v2.add("thanks", "Thank you")
    english_v2.add("new.key", "New")
    merged = template.read(po)
    template.merge(merged, template.template(english_v2), english_v2)

    assert merged["greet"].fuzzy and merged["greet"].string == "Bonjour {name}"
    assert not merged["thanks"].fuzzy and merged["thanks"].string == "Merci"
    assert not merged["new.key"].string and "bye" not in merged and "bye" in merged.obsolete
    assert '#, fuzzy, python-brace-format\nmsgid "greet"' in template.render(merged).decode()


@pytest.mark.parametrize(
    ("lang", "number", "share"),
    [
        # fr_BE: digits grouped by a narrow no-break space (U+202F), decimal comma, "#,##0 %" with U+00A0.
        ("fr", "12\u202f345,7", "52,3\u00a0%"),
        # nl_BE: groups by a dot, decimal comma, "#,##0%".
        ("nl", "12.345,7", "52,3%"),
        # en_GB: groups by a comma, decimal point, "#,##0%".
        ("en", "12,345.7", "52.3%"),
        # A language the app does not speak is written as French.
        ("de", "12\u202f345,7", "52,3\u00a0%"),
    ],
)
def test_numbers_and_shares_follow_the_locale(lang: str, number: str, share: str) -> None:
    assert format_number(12345.67, lang, 1) == number
    assert format_percent(0.5234, lang) == share


def test_numbers_are_rounded_to_the_decimals_asked() -> None:
    assert format_number(1234.4, "nl") == "1.234"
    assert format_number(2, "en", 2) == "2.00"
    assert format_percent(0.0566, "en", 0) == "6%"
    assert format_number(-1234.56, "fr", 1) == "-1\u202f234,6"
    # Half to even, on the decimal value written: 0.125 -> 0.12, 0.135 -> 0.14.
    assert (format_number(0.125, "en", 2), format_number(0.135, "en", 2)) == ("0.12", "0.14")


def test_what_rounds_to_zero_has_no_minus_sign() -> None:
    assert format_number(-0.04, "fr", 1) == "0,0"
    assert format_percent(-0.0004, "nl") == "0,0%"


def test_a_signed_number_shows_plus_above_zero_only() -> None:
    assert format_number(1.25, "en", 1, signed=True) == "+1.2"
    assert format_number(-3.46, "nl", 1, signed=True) == "-3,5"
    assert format_number(0.01, "fr", 1, signed=True) == "0,0"
    assert format_number(12345, "fr", signed=True) == "+12\u202f345"


def test_metrics_are_shown_as_the_pages_show_them() -> None:
    assert metric_value(0.5234, "share_within_500m", "nl") == "52,3%"
    assert metric_value(1234, "initiatives", "en") == "1,234"
    assert metric_value(3.14159, "per_10k", "fr") == "3,14"


@pytest.mark.parametrize(
    ("lang", "day"),
    # CLDR's long date, "d MMMM y", in the three languages.
    [("fr", "7 mars 2026"), ("nl", "7 maart 2026"), ("en", "7 March 2026")],
)
def test_dates_are_written_with_the_month_in_words(lang: str, day: str) -> None:
    assert format_date(date(2026, 3, 7), lang) == day


@pytest.mark.parametrize(
    ("lang", "winter", "summer"),
    # CLDR's long date-time pattern "{1}, {0}": the long date, a comma, the short time (HH:mm).
    [
        ("fr", "7 mars 2026, 14:05", "1 juillet 2026, 14:00"),
        ("nl", "7 maart 2026, 14:05", "1 juli 2026, 14:00"),
        ("en", "7 March 2026, 14:05", "1 July 2026, 14:00"),
    ],
)
def test_moments_are_shown_in_brussels_time(lang: str, winter: str, summer: str) -> None:
    # 13:05 UTC is 14:05 in Brussels in winter (CET, UTC+1); 12:00 UTC is 14:00 in summer (CEST, UTC+2).
    assert format_datetime(datetime(2026, 3, 7, 13, 5, tzinfo=UTC), lang) == winter
    assert format_datetime("2026-07-01T12:00:00+00:00", lang) == summer
    assert format_datetime(datetime(2026, 7, 1, 12, 0), lang) == summer


def test_a_moment_at_midnight_utc_is_dated_in_brussels() -> None:
    assert format_date(datetime(2026, 3, 6, 23, 30, tzinfo=UTC), "en") == "7 March 2026"


def test_a_malformed_moment_is_refused_with_its_text() -> None:
    with pytest.raises(ValueError, match="not an ISO 8601 date and time: 'yesterday'"):
        format_datetime("yesterday", "fr")


def test_a_stored_moment_gives_its_day_in_brussels() -> None:
    # 23:30 UTC on 31 March 2026 is already 1 April in Brussels (UTC+2 in summer time).
    assert format_date("2026-03-31T23:30:00+00:00", "en") == "1 April 2026"
    assert format_date("2026-03-31T21:30:00+00:00", "fr") == "31 mars 2026"


@pytest.mark.parametrize(
    ("lang", "count", "expected"),
    [
        ("fr", 0, "0 événement à venir"),  # French counts zero as one
        ("fr", 1, "1 événement à venir"),
        ("fr", 2, "2 événements à venir"),
        ("nl", 0, "0 komende evenementen"),
        ("nl", 1, "1 komend evenement"),
        ("en", 1, "1 upcoming event"),
        ("en", 1234, "1,234 upcoming events"),
    ],
)
def test_counted_messages_follow_each_languages_plural_rule(lang: str, count: int, expected: str) -> None:
    assert tn("agenda.count", count, lang) == expected


def test_every_counted_message_has_its_other_form() -> None:
    for lang in LANGUAGES:
        keys = set(catalogs.compiled(lang))
        assert {k.removesuffix(".one") + ".other" for k in keys if k.endswith(".one")} <= keys
