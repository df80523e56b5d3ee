"""Opening hours written for people: the coming week day by day, and whether the place is open now.

`core.hours` evaluates the OSM expression (public holidays included); this module only writes what
it found in the visitor's language: day names and times by Babel, the words by the catalogs. A stretch
belongs to the day it starts on, so "Fr 18:00-01:00" reads "18:00–01:00" on Friday. Comments of the
source ("by appointment") are kept as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from babel import dates
from opening_hours import OpeningHours

from core.hours import BRUSSELS, Opening, openings, parsed, state_at
from i18n import t as _t
from i18n.formats import format_time as _time
from i18n.formats import locale

WEEK_DAYS = 7
DAY_PATTERN = "EEEE d MMMM"  # lundi 21 décembre, maandag 21 december, Monday 21 December


@dataclass(frozen=True)
class Day:
    """One row of the week: the day ("lundi 21 décembre") and its hours ("09:00–12:30, 13:00–17:00")."""

    day: date
    label: str
    hours: str


@dataclass(frozen=True)
class Week:
    """What the page shows: the status now and the coming days."""

    now: str
    days: list[Day]


def _stretch(opening: Opening, day_start: datetime, lang: str) -> str:
    """One stretch as shown on the day it starts (or on the first day shown, when it began before)."""
    day_end = day_start + timedelta(days=1)
    if opening.start <= day_start and opening.end >= day_end:
        return opening.comment or _t("hours.all_day", lang)
    start = max(opening.start, day_start)
    text = f"{_time(start, lang)}–{_time(opening.end, lang)}"
    note = opening.comment or (_t("hours.to_confirm", lang) if opening.state == "unknown" else "")
    return f"{text} ({note})" if note else text


def _day_hours(found: list[Opening], day: date, first: bool, lang: str) -> str:
    day_start = datetime.combine(day, time(0), tzinfo=BRUSSELS)
    day_end = day_start + timedelta(days=1)
    shown = [
        _stretch(o, day_start, lang)
        for o in found
        if day_start <= o.start < day_end  # starts this day
        or (o.start < day_start and o.end >= day_end)  # covers it
        or (first and o.start < day_start < o.end)  # began before the first day shown
    ]
    return ", ".join(shown) if shown else _t("hours.closed", lang)


def _next(moment: datetime, change: datetime, lang: str) -> str:
    """When a change comes: "at 13:00" today, "Tuesday at 13:00" within the week, else its date."""
    change = change.astimezone(BRUSSELS)
    days_ahead = (change.date() - moment.date()).days
    at = _time(change, lang)
    if days_ahead == 0:
        return _t("hours.at_time", lang, time=at)
    day = dates.format_date(change, "EEEE" if days_ahead < WEEK_DAYS else DAY_PATTERN, locale=locale(lang))
    return _t("hours.on_day_at", lang, day=day, time=at)


def _now(hours: OpeningHours, moment: datetime, lang: str) -> str:
    """The status line, with the source's comment for now ("by appointment") when it has one."""
    state, change, comment = state_at(hours, moment)
    if state == "unknown":
        status = _t("hours.unknown_now", lang)
    elif change is None:
        status = _t("hours.open_now" if state == "open" else "hours.closed_now", lang)
    else:
        key = "hours.open_until" if state == "open" else "hours.closed_opens"
        status = _t(key, lang, when=_next(moment, change, lang))
    return f"{status} ({comment})" if comment else status


def week(expression: str, lang: str, moment: datetime) -> Week | None:
    """The status at `moment` and the seven days from its day, in `lang`; None when not in the syntax.

    `moment` is timezone-aware (the page passes now); the days are Brussels days.
    """
    hours = parsed(expression)
    if hours is None:
        return None
    local = moment.astimezone(BRUSSELS)
    found = openings(hours, local.date(), WEEK_DAYS)
    days = []
    for offset in range(WEEK_DAYS):
        day = local.date() + timedelta(days=offset)
        label = dates.format_date(day, DAY_PATTERN, locale=locale(lang))
        days.append(Day(day, label, _day_hours(found, day, offset == 0, lang)))
    return Week(_now(hours, local, lang), days)
