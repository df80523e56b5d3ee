"""Opening hours: the OSM expression evaluated in Brussels (core.hours) and written per language (i18n.hours)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.hours import is_valid, openings, parsed
from i18n import t
from i18n.hours import week

BRUSSELS = ZoneInfo("Europe/Brussels")
MONDAY_AFTERNOON = datetime(2026, 12, 21, 15, 0, tzinfo=BRUSSELS)  # the week of Christmas (Friday 25)


@pytest.mark.parametrize(
    "expression",
    ["Mo-Fr 09:00-17:00", "Tu-Fr 13:00-18:00; Sa 09:00-12:00; PH off", '"by appointment"', "Sep-Jun Tu 12:00-17:00"],
)
def test_osm_expressions_are_valid(expression: str) -> None:
    assert is_valid(expression)


@pytest.mark.parametrize("expression", ["", "   ", "tous les jours", "9h-17h", "Mo-Fr 25:00-26:00 <b>"])
def test_texts_outside_the_syntax_are_not(expression: str) -> None:
    assert not is_valid(expression)
    assert week(expression, "fr", MONDAY_AFTERNOON) is None


def test_belgian_public_holidays_close_a_place_that_says_ph_off() -> None:
    hours = parsed("Mo-Fr 10:00-12:00; PH off")
    assert hours is not None
    days = {o.start.date() for o in openings(hours, date(2026, 12, 21), 7)}
    assert days == {date(2026, 12, d) for d in (21, 22, 23, 24)}  # Friday 25 December is Christmas


def test_an_evening_past_midnight_is_one_stretch_on_the_day_it_starts() -> None:
    shown = week("Fr 20:00-02:00", "en", datetime(2027, 1, 4, 9, 0, tzinfo=BRUSSELS))
    assert shown is not None
    by_day = {d.day: d.hours for d in shown.days}
    assert by_day[date(2027, 1, 8)] == "20:00–02:00"
    assert by_day[date(2027, 1, 9)] == t("hours.closed", "en")


@pytest.mark.parametrize(
    ("lang", "monday", "closed"), [("fr", "lundi 21 décembre", "fermé"), ("nl", "maandag 21 december", "gesloten")]
)
def test_the_week_names_days_in_the_visitors_language(lang: str, monday: str, closed: str) -> None:
    shown = week("Mo-Th 09:00-12:30,13:30-17:00", lang, MONDAY_AFTERNOON)
    assert shown is not None
    assert shown.days[0].label == monday
    assert [d.hours for d in shown.days] == ["09:00–12:30, 13:30–17:00"] * 4 + [closed] * 3


def test_the_status_now_says_when_it_closes_or_opens() -> None:
    open_now = week("Mo 10:00-18:00; We 11:00-19:00", "en", MONDAY_AFTERNOON)
    assert open_now is not None
    assert open_now.now == t("hours.open_until", "en", when=t("hours.at_time", "en", time="18:00"))
    closed_now = week("Mo 10:00-12:00; We 11:00-19:00", "nl", MONDAY_AFTERNOON)
    assert closed_now is not None
    opens = t("hours.on_day_at", "nl", day="woensdag", time="11:00")
    assert closed_now.now == t("hours.closed_opens", "nl", when=opens)


def test_a_comment_of_the_source_is_kept_for_the_day_and_the_status() -> None:
    shown = week('Mo-Su "by appointment"', "fr", MONDAY_AFTERNOON)
    assert shown is not None
    assert {d.hours for d in shown.days} == {"by appointment"}
    assert shown.now.endswith("(by appointment)")
