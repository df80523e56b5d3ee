"""Query parameters of the API, the feeds and the embed, read strictly, and the records they select.

Every parameter is checked: an unknown one, a repeated single value, a category or commune that
does not exist, a malformed box, date, limit or cursor raises ParameterError naming it (answered
as a 400 problem), never a silent default. Filters are the map page's own (ui.data.filtered: the
same categories, communes and accent-insensitive text search), plus a box and a date.
Pages follow the order (name, id) with a keyset cursor: the name and id of the last record
given, so a walk returns every record once even when records are added meanwhile.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from starlette.datastructures import QueryParams

from core.errors import ParameterError
from core.taxonomy import CATEGORIES
from i18n import LANGUAGES, commune_codes
from ui import data
from web import urls

DEFAULT_LIMIT = 1000
MAX_LIMIT = 5000
MAX_TEXT_CHARS = 200
MAX_CURSOR_CHARS = 2000


@dataclass(frozen=True)
class Filters:
    """What to select among the published initiatives (empty: no condition)."""

    categories: tuple[str, ...] = ()
    nis_codes: tuple[str, ...] = ()
    text: str = ""
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north (WGS84)
    updated_since: datetime | None = None


def check_known(params: QueryParams, known: Collection[str]) -> None:
    """Raise ParameterError for the first parameter not in `known`."""
    for name in params:
        if name not in known:
            raise ParameterError(name, f"unknown parameter; this URL takes {', '.join(sorted(known))}")


def single(params: QueryParams, name: str) -> str | None:
    """The one value of `name`, stripped (None when absent)."""
    values = params.getlist(name)
    if len(values) > 1:
        raise ParameterError(name, "given more than once; it takes one value")
    return values[0].strip() if values else None


def listed(params: QueryParams, name: str, allowed: Collection[str], what: str) -> tuple[str, ...]:
    """The values of `name`, repeated (`a=x&a=y`) or comma-separated (`a=x,y`), each one of `allowed`."""
    values = [v.strip() for raw in params.getlist(name) for v in raw.split(",")]
    for value in values:
        if not value:
            raise ParameterError(name, f"an empty value; give {what}")
        if value not in allowed:
            raise ParameterError(name, f"{value[:40]!r} is not {what}")
    return tuple(dict.fromkeys(values))


def text(params: QueryParams, name: str = "q") -> str:
    value = single(params, name) or ""
    if len(value) > MAX_TEXT_CHARS:
        raise ParameterError(name, f"longer than {MAX_TEXT_CHARS} characters")
    return value


def language(params: QueryParams, name: str = "lang") -> str:
    value = single(params, name)
    if value is None:
        return LANGUAGES[0]
    if value not in LANGUAGES:
        raise ParameterError(name, f"use one of {', '.join(LANGUAGES)}")
    return value


def bbox(params: QueryParams, name: str = "bbox") -> tuple[float, float, float, float] | None:
    """`west,south,east,north` in WGS84 degrees."""
    value = single(params, name)
    if value is None:
        return None
    try:
        west, south, east, north = (float(part) for part in value.split(","))
    except ValueError:
        raise ParameterError(name, "give four numbers: west,south,east,north (WGS84 degrees)") from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise ParameterError(name, "the numbers must be finite")
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise ParameterError(name, "needs -180 <= west <= east <= 180 and -90 <= south <= north <= 90")
    return west, south, east, north


def updated_since(params: QueryParams, name: str = "updated_since") -> datetime | None:
    """An ISO 8601 date or date-time; without a time zone, UTC."""
    value = single(params, name)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ParameterError(name, "not an ISO 8601 date or date-time (e.g. 2026-01-31T12:00:00Z)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def limit(params: QueryParams, name: str = "limit") -> int:
    value = single(params, name)
    if value is None:
        return DEFAULT_LIMIT
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise ParameterError(name, f"a whole number from 1 to {MAX_LIMIT}")
    return int(value)


def filters(params: QueryParams, category: str = "category") -> Filters:
    """The filters of a request; the map's own URLs name the category parameter `cat`."""
    return Filters(
        categories=listed(params, category, CATEGORIES, "a category key (see /api/v1/categories)"),
        nis_codes=listed(params, "commune", commune_codes(), "the NIS code of a Brussels commune"),
        text=text(params),
        bbox=bbox(params) if "bbox" in params else None,
        updated_since=updated_since(params) if "updated_since" in params else None,
    )


def map_view(params: QueryParams) -> tuple[Filters, str]:
    """The filters and language of a map URL's parameters (and of its embed and feed)."""
    check_known(params, urls.MAP_PARAMETERS)
    return filters(params, category="cat"), language(params)


def select(snap: data.Snapshot, chosen: Filters) -> pd.DataFrame:
    """The published initiatives matching every filter, in the order (name, id)."""
    shown, _ = data.filtered(snap, list(chosen.categories), list(chosen.nis_codes), chosen.text)
    if chosen.bbox is not None:
        west, south, east, north = chosen.bbox
        shown = shown[shown["lon"].between(west, east) & shown["lat"].between(south, north)]
    if chosen.updated_since is not None:
        updated = pd.to_datetime(shown["updated_at"], utc=True, format="ISO8601")
        shown = shown[updated >= chosen.updated_since]
    return shown.assign(_name=shown["name"].fillna("")).sort_values(["_name", "id"]).drop(columns="_name")


def encode_cursor(record: pd.Series) -> str:
    """The cursor after `record`: its name and id, opaque to clients."""
    packed = json.dumps([record["name"] or "", record["id"]], ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode_cursor(params: QueryParams, name: str = "cursor") -> tuple[str, str] | None:
    """The name and id a cursor holds; None when absent or empty (the first page)."""
    value = single(params, name)
    if not value:
        return None
    try:
        if len(value) > MAX_CURSOR_CHARS:
            raise ValueError("too long")
        after = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ParameterError(name, "not a cursor this API gave (take it from the `next` link)") from None
    if not (isinstance(after, list) and len(after) == 2 and all(isinstance(part, str) for part in after)):
        raise ParameterError(name, "not a cursor this API gave (take it from the `next` link)")
    return after[0], after[1]


def page(records: pd.DataFrame, after: tuple[str, str] | None, size: int) -> tuple[pd.DataFrame, str | None]:
    """Up to `size` of `records` (ordered by name, id) after the cursor's record; the next cursor, if more."""
    if after is not None:
        names = records["name"].fillna("")
        records = records[(names > after[0]) | ((names == after[0]) & (records["id"] > after[1]))]
    shown = records.iloc[:size]
    return shown, encode_cursor(shown.iloc[-1]) if len(records) > size else None
