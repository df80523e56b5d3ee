"""Opening hours in OpenStreetMap's `opening_hours` syntax, read by the `opening_hours` library.

The syntax has dozens of forms (weekday and month ranges, public holidays, times past midnight,
comments such as "by appointment"); the library parses all of it and evaluates it on a calendar with
Belgian public holidays, so this module never interprets the text itself. It gives the opening
intervals of the coming days in Brussels time, from which the pages write a readable week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from opening_hours import OpeningHours, State, validate

from core.settings import TIMEZONE as BRUSSELS

COUNTRY = "BE"  # public holidays (`PH`) follow Belgium's calendar


@dataclass(frozen=True)
class Opening:
    """One stretch of time with one state: open, or unknown ("by appointment"), with its comment."""

    start: datetime
    end: datetime
    state: str  # "open" or "unknown"
    comment: str


def parsed(expression: str) -> OpeningHours | None:
    """The expression read for a place in Brussels, or None when it is not in the OSM syntax.

    Parameters
    ----------
    expression : str
        An `opening_hours` value as OSM and our imports carry it ("Mo-Fr 09:00-17:00; PH off").

    Returns
    -------
    OpeningHours or None
        None for an empty text or one the syntax does not allow, which the pages then show as given.
    """
    if not is_valid(expression):
        return None
    return OpeningHours(expression, timezone=BRUSSELS, country=COUNTRY, auto_country=False, auto_timezone=False)


def is_valid(expression: str) -> bool:
    """Whether `expression` is in the OSM `opening_hours` syntax (checked without evaluating it)."""
    return bool(expression.strip()) and validate(expression)


def openings(hours: OpeningHours, first_day: date, days: int) -> list[Opening]:
    """The open (or unknown) stretches from midnight of `first_day` for `days` days, in Brussels time.

    Stretches that meet (the library cuts some at midnight) are joined, so an evening until 01:00
    stays one stretch of the day it starts on.

    Parameters
    ----------
    hours : OpeningHours
        From `parsed`.
    first_day : date
        The first day shown (its wall-clock midnight in Brussels).
    days : int
        How many days.

    Returns
    -------
    list of Opening
        In time order; closed time is what lies between them.
    """
    start = datetime.combine(first_day, time(0), tzinfo=BRUSSELS)
    end = datetime.combine(first_day + timedelta(days=days), time(0), tzinfo=BRUSSELS)
    found: list[Opening] = []
    for begin, finish, state, comment in hours.intervals(start, end):
        if state == State.CLOSED:
            continue
        label = "open" if state == State.OPEN else "unknown"
        last = found[-1] if found else None
        if last and last.end == begin and last.state == label and last.comment == comment:
            found[-1] = Opening(last.start, finish, label, comment)
        else:
            found.append(Opening(begin, finish, label, comment))
    return found


def state_at(hours: OpeningHours, moment: datetime) -> tuple[str, datetime | None, str]:
    """The state at `moment` ("open", "closed" or "unknown"), when it next changes (None: not within
    a year), and the source's comment for that moment ("by appointment", or empty)."""
    state, comment = hours.state(moment)
    label = "open" if state == State.OPEN else "closed" if state == State.CLOSED else "unknown"
    return label, hours.next_change(moment), comment
