"""Numbers, percentages and dates written the way each language's readers expect, by Babel (CLDR data).

French and Dutch follow the Belgian locales (fr_BE: 12 345,6 with a narrow no-break space and 52,3 %;
nl_BE: 12.345,6 and 52,3%), English follows en_GB (see `i18n.languages`). Times are shown in Brussels
time; a naive datetime is taken as UTC, the store's convention.
"""

from __future__ import annotations

import copy
import functools
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal

from babel import Locale, dates
from babel.numbers import NumberPattern, get_plus_sign_symbol

from core.settings import TIMEZONE
from i18n.languages import LOCALES, known


@functools.cache
def locale(lang: str) -> Locale:
    """Babel's locale for `lang` (fr_BE, nl_BE, en_GB)."""
    return Locale.parse(LOCALES[known(lang)])


def _apply(pattern: NumberPattern, value: float, lang: str, decimals: int, signed: bool) -> str:
    """`value` through the locale's own pattern (grouping, signs, spacing) with exactly `decimals` decimals.

    Rounded half to even on the decimal value, as Babel rounds; what rounds to zero loses its minus
    sign ("0,0", not "-0,0"), and `signed` puts a plus sign before what is above zero.
    """
    where = locale(lang)
    fixed = copy.copy(pattern)
    fixed.frac_prec = (decimals, decimals)
    scaled = Decimal(str(value)).scaleb(fixed.scale)
    rounded = scaled.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)
    if rounded.is_zero():
        rounded = abs(rounded)
    elif signed and rounded > 0:
        fixed.prefix = (get_plus_sign_symbol(where) + fixed.prefix[0], fixed.prefix[1])
    fixed.scale = 0
    return fixed.apply(rounded, where)


def format_number(value: float, lang: str, decimals: int = 0, signed: bool = False) -> str:
    """`value` rounded to `decimals` decimals, with `lang`'s digit grouping and decimal mark.

    `signed` writes a plus sign before a positive value, as a difference is shown (+1,5).
    """
    return _apply(locale(lang).decimal_formats[None], value, lang, decimals, signed)


def format_percent(share: float, lang: str, decimals: int = 1) -> str:
    """A share (0.523) as a percentage in `lang` (52,3 % in French), with `decimals` decimals."""
    return _apply(locale(lang).percent_formats[None], share, lang, decimals, signed=False)


def format_date(value: date | str, lang: str) -> str:
    """A day with the month in words: 7 mars 2026, 7 maart 2026, 7 March 2026.

    A moment (a datetime, or an ISO 8601 string as the store keeps them) gives its day in Brussels.
    """
    if isinstance(value, str):
        value = _parsed(value)
    if isinstance(value, datetime):
        value = _in_brussels(value).date()
    return dates.format_date(value, "long", locale=locale(lang))


def format_datetime(value: datetime | str, lang: str) -> str:
    """A moment in Brussels time, to the minute: 7 mars 2026 à 14:05, 7 maart 2026 om 14:05.

    `value` may be an ISO 8601 string, as the store and the build metadata keep them.
    """
    moment = _in_brussels(_parsed(value) if isinstance(value, str) else value)
    pattern = str(dates.get_datetime_format("long", locale=locale(lang)))
    return pattern.format(format_time(moment, lang), format_date(moment, lang))


def format_time(moment: datetime, lang: str) -> str:
    """A wall-clock time to the minute as `lang` writes it (14:05), in the zone `moment` carries."""
    return dates.format_time(moment, "short", locale=locale(lang))


def _parsed(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError as error:
        raise ValueError(f"not an ISO 8601 date and time: {text!r}") from error


def _in_brussels(value: datetime) -> datetime:
    aware = value if value.tzinfo else value.replace(tzinfo=dates.UTC)
    return aware.astimezone(TIMEZONE)


def metric_value(value: float, metric: str, lang: str) -> str:
    """A coverage metric as shown on the pages: shares in percent, counts whole, densities to 0.01."""
    if metric.startswith("share_"):
        return format_percent(value, lang, 1)
    return format_number(value, lang, 0 if metric == "initiatives" else 2)
