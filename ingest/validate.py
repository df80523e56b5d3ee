"""Turn a read table into initiative records: trimmed, checked, categorised, placed in WGS84.

Nothing is lost: every non-empty data row becomes one record, whose `status` says what happened
(`published`; `pending` when it has no usable coordinates; `rejected` when it has no usable name;
`duplicate` when it repeats an earlier row of the file), with the reason in `status_reason`.
Every problem, whether it cost the row or only one field, is also listed in `rejections` with
its row number. Empty rows are counted in `skipped_empty`. Checks run over whole columns; string
checks run once per distinct value, so 100,000 rows take about two seconds.

`source_key` is the file's own id column when it has one; otherwise it is derived from the
normalised name and the postcode (or, without one, the normalised locality), e.g.
`maison de quartier bruyn|1020`. Within a file a repeated key gets `|2`, `|3`... in row order, so
re-reading the same file gives the same keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from core.hours import is_valid as is_hours
from core.record import RECORD_COLUMNS
from core.taxonomy import match_category
from core.text import ADDRESS_PARTS, fold, http_url, is_missing, per_unique, split_addresses
from ingest.coordinates import coordinates
from ingest.readers import CANONICAL_COLUMNS, RawTable

LIMITS: dict[str, int] = {
    "source_key": 200,
    "name": 200,
    "name_fr": 200,
    "name_nl": 200,
    "name_en": 200,
    "description": 5000,
    "category": 200,
    "address": 300,
    "street": 200,
    "housenumber": 20,
    "box": 20,
    "postcode": 20,
    "locality": 100,
    "website": 2000,
    "image_url": 2000,
    "story": 5000,
    "opening_hours": 500,
    "contact": 320,
}
EXCERPT_CHARS = 80

_BARE_DOMAIN = re.compile(r"(?i)^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:/\S*)?$")
_EMAIL = re.compile(r"(?i)(?<![\w.+-])[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?![\w-])")
_PHONE = re.compile(r"(?:\d[\s./()-]*){8,}")
_POSTCODE = re.compile(r"(?<!\d)([1-9]\d{3})(?!\d)")


@dataclass(frozen=True)
class Rejection:
    """A problem in one row. `field` None (duplicate) or "name" (no usable name): the record is not
    published; any other field: only that value was dropped and the record kept."""

    source_row: int
    field: str | None
    reason: str
    value: str = ""


@dataclass
class Validated:
    """Records with exactly `core.record.RECORD_COLUMNS`, the problems found, and the empty rows skipped."""

    records: pd.DataFrame
    rejections: list[Rejection] = field(default_factory=list)
    skipped_empty: int = 0
    # Category texts read through a close word, not an exact one: "'Kunstcentra' read as culture ...".
    category_readings: list[str] = field(default_factory=list)


def validate(raw: RawTable, source_name: str, licence: str = "") -> Validated:
    """Check and normalise every row of `raw`; `id`, the join codes and the times are left empty.

    `source_name` and `licence` apply to rows that do not name their own (our exports do).

    Rows with coordinates are `published` with `geocode_source` "file", precision "given" and
    score 100; rows without are `pending` / "not geocoded" (precision "none") for a geocoder to
    place later. Field problems (bad website, e-mail, number; too long) drop that value only and
    are noted in `status_reason`; an unrecognised category becomes "other", noted too.
    """
    table = _trimmed(raw.frame)
    content = [c for c in CANONICAL_COLUMNS if c in raw.frame.columns]
    empty = table[content].isna().all(axis=1) if content else pd.Series(True, index=table.index)
    table = table[~empty].reset_index(drop=True)
    problems = _Problems(table["source_row"])
    category, readings, lon, lat = _checked_fields(table, problems, raw.crs)
    status, source_key = _statuses(table, problems, content, "source_key" in raw.frame.columns, lon.notna())
    records = _records(table, category, lon, lat, status, source_key, source_name, licence)
    records["status_reason"] = problems.reasons().astype(object)
    rejections = sorted(problems.rejections, key=lambda r: r.source_row)
    return Validated(records, rejections, int(empty.sum()), readings)


def _checked_fields(
    table: pd.DataFrame, problems: _Problems, crs: dict[str, str]
) -> tuple[pd.Series, list[str], pd.Series, pd.Series]:
    """Each field checked and normalised in `table`; the category, its readings and the coordinates
    are returned beside it, as the duplicate check reads the values as the file wrote them."""
    table["name"] = _coalesce(table, ("name", "name_fr", "name_nl", "name_en"))
    _apply_limits(table, problems)
    _split_address(table)
    _append_box(table)
    table["postcode"] = per_unique(table["postcode"], _postcode)
    table["website"] = _check_urls(table["website"], "website", problems)
    table["image_url"] = _check_urls(table["image_url"], "image_url", problems)
    _note_hours(table["opening_hours"], problems)
    table["contact"] = _check_contacts(table["contact"], problems)
    category, readings = _categorise(table["category"], problems)
    lon, lat = coordinates(table, problems, crs)
    return category, readings, lon, lat


def _statuses(
    table: pd.DataFrame, problems: _Problems, content: list[str], explicit_key: bool, placed: pd.Series
) -> tuple[np.ndarray, pd.Series]:
    """Each row's status (no name, a duplicate, a repeated id, not placed, else published) and key."""
    no_name = table["name"].isna()
    problems.reject(no_name, "name", "no name (nom/naam/name)")
    duplicate_of = _duplicate_of(table, content)
    is_duplicate = duplicate_of.notna() & ~no_name
    problems.reject(is_duplicate, None, "duplicate of row " + duplicate_of[is_duplicate].astype(int).astype(str))
    source_key, same_key_as = _source_keys(table, explicit=explicit_key)
    clash = same_key_as.notna() & ~is_duplicate & ~no_name
    problems.reject(clash, None, "same id as row " + same_key_as[clash].astype(int).astype(str))
    status = np.select(
        [problems.row_rejected, is_duplicate | clash, ~placed],
        ["rejected", "duplicate", "pending"],
        "published",
    )
    problems.note(~placed & ~no_name & ~is_duplicate & ~clash, "not geocoded", first=True)
    return status, source_key


def _records(
    table: pd.DataFrame,
    category: pd.Series,
    lon: pd.Series,
    lat: pd.Series,
    status: np.ndarray,
    source_key: pd.Series,
    source_name: str,
    licence: str,
) -> pd.DataFrame:
    """The records with exactly RECORD_COLUMNS: text as Python str or None, numbers as floats (NaN)
    and ints; `status_reason` is left for the caller, once every problem is noted."""
    placed = lon.notna()
    records = table.reindex(columns=[c for c in RECORD_COLUMNS if c in table.columns])
    records = records.assign(
        category=category,
        lon=lon,
        lat=lat,
        geocode_source=pd.Series("file", index=table.index, dtype=object).where(placed, None),
        geocode_precision=pd.Series(np.where(placed, "given", "none"), index=table.index, dtype=object),
        geocode_score=np.where(placed, 100.0, np.nan),
        status=pd.Series(status, index=table.index, dtype=object),
        source_name=table["source_name"].where(table["source_name"].notna(), source_name),
        source_row=table["source_row"].astype("int64"),
        source_key=source_key,
        licence=table["licence"].where(table["licence"].notna(), licence or None),
    )
    for column in RECORD_COLUMNS:
        if column not in records:
            records[column] = pd.Series(None, index=records.index, dtype=object)
        elif column not in ("lon", "lat", "geocode_score", "source_row"):
            records[column] = records[column].astype(object).where(records[column].notna(), None)
    return records[list(RECORD_COLUMNS)]


class _Problems:
    """Collects rejections (row-level or field-level) and notes for `status_reason`, vectorised by mask."""

    def __init__(self, source_row: pd.Series) -> None:
        self.source_row = source_row
        self.rejections: list[Rejection] = []
        self.row_rejected = pd.Series(False, index=source_row.index)
        self._notes: list[pd.Series] = []

    def reject(
        self, mask: pd.Series, column: str | None, reason: str | pd.Series, values: pd.Series | None = None
    ) -> None:
        """Report `mask` rows and note them in `status_reason`; a problem with the name rejects the record."""
        rows = mask.index[mask.to_numpy()]
        if rows.empty:
            return
        reasons = reason.loc[rows] if isinstance(reason, pd.Series) else pd.Series(reason, index=rows)
        shown = values.loc[rows] if values is not None else pd.Series("", index=rows)
        for row, why, value in zip(self.source_row.loc[rows], reasons, shown, strict=True):
            self.rejections.append(Rejection(int(row), column, why, _excerpt(value)))
        label = reasons if column is None else (column + ": " + reasons if column != "name" else reasons)
        self.note(mask, label)
        if column == "name":
            self.row_rejected |= mask

    def note(self, mask: pd.Series, text: str | pd.Series, first: bool = False) -> None:
        """Add `text` (a string, or a Series holding at least the `mask` rows) to those rows' reasons."""
        rows = mask.index[mask.to_numpy()]
        if rows.empty:
            return
        note = pd.Series(None, index=mask.index, dtype=object)
        note[rows] = text.loc[rows] if isinstance(text, pd.Series) else text
        if first:
            self._notes.insert(0, note)
        else:
            self._notes.append(note)

    def reasons(self) -> pd.Series:
        if not self._notes:
            return pd.Series(None, index=self.source_row.index, dtype=object)
        joined = self._notes[0]
        for note in self._notes[1:]:
            both = joined.notna() & note.notna()
            joined = joined.where(joined.notna(), note).where(~both, joined + "; " + note)
        return joined.astype(object).where(joined.notna(), None)


def _note_hours(hours: pd.Series, problems: _Problems) -> None:
    """Opening hours outside the OSM syntax stay, as text the page shows as given; the row says so."""
    outside = ~per_unique(hours, lambda v: is_hours(str(v)), missing=True).astype(bool)
    problems.note(outside, "opening_hours: not in the OpenStreetMap syntax, kept as text")


def _excerpt(value: object) -> str:
    text = "" if is_missing(value) else str(value)
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def _trimmed(frame: pd.DataFrame) -> pd.DataFrame:
    """Every canonical column (missing ones as None), stripped; in short texts whitespace runs become one space."""
    table = pd.DataFrame({"source_row": frame["source_row"].to_numpy()})
    for column in CANONICAL_COLUMNS:
        if column not in frame:
            table[column] = pd.Series(None, index=table.index, dtype=object)
            continue
        values = frame[column].astype(object).reset_index(drop=True)
        if column in ("description", "story"):
            table[column] = per_unique(values, lambda v: v.strip() or None)
        else:
            table[column] = per_unique(values, lambda v: " ".join(v.split()) or None)
    return table


def _coalesce(table: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    result = table[columns[0]]
    for column in columns[1:]:
        result = result.where(result.notna(), table[column])
    return result


def _apply_limits(table: pd.DataFrame, problems: _Problems) -> None:
    """Too long: a name rejects the row (kept truncated for review); any other field is dropped."""
    for column, limit in LIMITS.items():
        values = table[column]
        if values.isna().all():
            continue
        too_long = values.str.len().fillna(0) > limit
        if not too_long.any():
            continue
        problems.reject(too_long, column, f"longer than {limit} characters", values)
        table[column] = values.str.slice(0, limit) if column == "name" else values.where(~too_long, None)


def _split_address(table: pd.DataFrame) -> None:
    """Fill street, housenumber, postcode and locality from a one-column address where they are empty.

    Parsed by `core.text.split_address`: 'Rue Haute 12, 1000 Bruxelles', '12 rue Haute, B-1000 Bruxelles'.
    """
    todo = table["address"].notna()
    if not todo.any():
        return
    parts = split_addresses(table.loc[todo, "address"]).replace("", None)
    for column in ADDRESS_PARTS:
        current = table.loc[todo, column]
        table.loc[todo, column] = current.where(current.notna(), parts[column])


def _postcode(text: str) -> str:
    """'B-1000', '1000.0' -> '1000'; a value without four digits is kept as given."""
    match = _POSTCODE.search(text)
    return match.group(1) if match else text


def _website(text: str) -> str | None:
    """The first address of the text as an http(s) URL (a bare domain gets https://), else None."""
    first = re.split(r"[;\s]+", text.strip("; "))[0]
    if _BARE_DOMAIN.match(first):
        first = "https://" + first
    url = http_url(first)
    return url if url and "." in (urlsplit(url).hostname or "").strip(".") else None


def _check_urls(values: pd.Series, column: str, problems: _Problems) -> pd.Series:
    """http(s) only; a bare domain ('www.x.be') gets https://; anything else is dropped and reported.

    Of several addresses ('a.be; b.be', as OSM has) the first is kept.
    """
    url = per_unique(values, _website)
    problems.reject(values.notna() & url.isna(), column, "not an http(s) address", values)
    return url


def _check_contacts(contact: pd.Series, problems: _Problems) -> pd.Series:
    """A contact must hold a valid e-mail address or a phone number (8+ digits); else it is dropped."""
    bad = per_unique(contact, lambda v: not _EMAIL.search(v) and not _PHONE.search(v)).fillna(False).astype(bool)
    problems.reject(bad, "contact", "neither a valid e-mail address nor a phone number", contact)
    return contact.where(~bad, None)


def _categorise(text: pd.Series, problems: _Problems) -> tuple[pd.Series, list[str]]:
    """Category key per row (`match_category`, once per distinct text; an unrecognised one is noted),
    and a line per text read through a close word only (also noted on its rows)."""
    lookup = {value: match_category(value) for value in text.dropna().unique()}
    keys = text.map(lambda v: lookup[v].key if v in lookup else "other").astype(object)
    unrecognised = text.map(lambda v: v in lookup and not lookup[v].recognised).astype(bool)
    problems.note(unrecognised, "category '" + text[unrecognised] + "' not recognised: other")
    readings = []
    for value, found in lookup.items():
        if found.recognised and found.score < 100:
            line = f"category {value!r} read as {found.key} ({found.word!r}, score {found.score:.0f})"
            rows = text == value
            problems.note(rows, line)
            readings.append(f"{line}: {int(rows.sum())} rows")
    return keys, readings


def _append_box(table: pd.DataFrame) -> None:
    """A box column (bus/boîte) joins the house number: '12' and '3' give '12 bte 3'."""
    box = table["box"]
    both = box.notna() & table["housenumber"].notna()
    table.loc[both, "housenumber"] = table.loc[both, "housenumber"] + " bte " + box[both]


def _duplicate_of(table: pd.DataFrame, content: list[str]) -> pd.Series:
    """For a row identical to an earlier one (every read column), that row's number; else NA."""
    if not content:
        return pd.Series(np.nan, index=table.index)
    digest = pd.util.hash_pandas_object(table[content], index=False)
    first = table["source_row"].groupby(digest.to_numpy()).transform("first")
    return first.where(first != table["source_row"])


def _source_keys(table: pd.DataFrame, explicit: bool) -> tuple[pd.Series, pd.Series]:
    """The key per row (see module docstring) and, for an explicit id seen before, that row's number."""
    place = table["postcode"].where(table["postcode"].notna(), per_unique(table["locality"], fold))
    derived = per_unique(table["name"], fold).fillna("") + "|" + place.fillna("")
    key = table["source_key"].where(table["source_key"].notna(), derived) if explicit else derived
    repeat = key.groupby(key.to_numpy()).cumcount()
    first = table["source_row"].groupby(key.to_numpy()).transform("first")
    same_id = first.where((repeat > 0) & table["source_key"].notna())
    return key.where(repeat == 0, key + "|" + (repeat + 1).astype(str)).astype(object), same_id
