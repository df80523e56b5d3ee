"""Import one file into the store: read → validate → geocode → join → upsert, losing nothing.

Every stage before the write works in memory; the write is one transaction. So a failure or a
Ctrl-C anywhere leaves the store as it was, and a failed import changes nothing. Rows that cannot
be placed are kept as `pending` with their reason; rows outside the 19 communes too.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import ConfigurationError
from core.settings import Settings
from geo.geocode import geocode as geocode_addresses
from geo.join import load_join
from ingest.columns import COORDINATES, ColumnReport
from ingest.export import spreadsheet_safe
from ingest.readers import read_table
from ingest.store import ImportRun, open_store
from ingest.validate import Rejection, validate

GEOCODERS: tuple[str, ...] = ("offline", "online", "none")
STAGES: tuple[str, ...] = ("read", "validate", "geocode", "join", "write")
OUTSIDE_REGION = "outside the Brussels region"
NOT_GEOCODED = "not geocoded"
UNUSED_COORDINATES = "placed on the street only, but the row's coordinates in the file were not used"
AWAITING_REVIEW = "awaiting review"  # rows held by `review=True` until a moderator approves them
PUBLISHED_PRECISIONS = ("given", "address", "street")  # a geocoded point coarser than these waits for review
STILL_OPEN = ("published", "pending")  # statuses the join may change (not rejected nor duplicate)
# A geocoder takes the rows to place (address columns) and returns, row for row, at least
# lon, lat, geocode_source, geocode_precision, geocode_score and geocode_note.
Geocoder = Callable[[pd.DataFrame, Settings], pd.DataFrame]
Progress = Callable[[str], None]
REPORT_COLUMNS = ("source_row", "id", "name", "outcome", "status", "reason")


@dataclass
class ImportReport:
    """What an import did, per row and in total; `to_csv` writes the per-row list."""

    path: Path
    source_name: str
    dry_run: bool
    rows: pd.DataFrame  # REPORT_COLUMNS, one row per non-empty source row
    rejections: list[Rejection] = field(default_factory=list)
    skipped_empty: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # per stage
    columns: ColumnReport = field(default_factory=ColumnReport)  # what became of every input column
    category_readings: list[str] = field(default_factory=list)  # categories read through a close word

    def _count(self, column: str, value: str) -> int:
        return int((self.rows[column] == value).sum())

    @property
    def new(self) -> int:
        return self._count("outcome", "new")

    @property
    def updated(self) -> int:
        return self._count("outcome", "updated")

    @property
    def unchanged(self) -> int:
        return self._count("outcome", "unchanged")

    @property
    def needs_review(self) -> int:
        return self._count("status", "pending")

    @property
    def rejected(self) -> int:
        return self._count("status", "rejected")

    @property
    def duplicates(self) -> int:
        return self._count("status", "duplicate")

    def reasons(self) -> pd.Series:
        """How many rows gave each reason (rows not published), most frequent first."""
        held = self.rows[self.rows["status"] != "published"]
        return held["reason"].fillna("").value_counts()

    def summary(self) -> str:
        """The lines the CLI prints at the end: warnings first, the counts, then every input column."""
        verb = "would be" if self.dry_run else "were"
        lines = [
            f"{self.path}: {len(self.rows)} rows as source {self.source_name!r}"
            + (f" ({self.skipped_empty} empty rows skipped)" if self.skipped_empty else "")
            + (" — dry run, nothing written" if self.dry_run else ""),
            *(f"  WARNING column {w}" for w in self.columns.warnings),
            f"  new {self.new}, updated {self.updated}, unchanged {self.unchanged} ({verb} stored)",
            f"  needs review (pending) {self.needs_review}, rejected {self.rejected}, duplicates {self.duplicates}",
        ]
        lines += [f"    {count:>6}  {reason or '(no reason)'}" for reason, count in self.reasons().items()]
        fixed = [r for r in self.rejections if r.field is not None and r.field != "name"]
        if fixed:
            lines.append(f"  {len(fixed)} field values dropped or corrected (see --report for each row)")
        lines += [f"  {reading}" for reading in self.category_readings]
        lines.append(f"  columns ({len(self.columns.uses)}):")
        lines += [f"    {use.header!r} -> {use.described()}" for use in self.columns.uses]
        return "\n".join(lines)

    def to_csv(self, path: Path) -> Path:
        """The per-row list (source row, id, outcome, status, reason) at `path`, and every input column
        with what it became beside it (`columns_path`); returns the latter."""
        spreadsheet_safe(self.rows).to_csv(path, index=False, encoding="utf-8")
        columns = columns_path(path)
        spreadsheet_safe(self.columns.to_frame()).to_csv(columns, index=False, encoding="utf-8")
        return columns


def columns_path(report: Path) -> Path:
    """Where the column report goes beside a per-row report: `x.csv` -> `x.columns.csv`."""
    report = Path(report)
    return report.with_name(report.stem + ".columns.csv")


def import_file(
    path: Path,
    settings: Settings,
    *,
    source_name: str | None = None,
    licence: str = "",
    column_map: dict[str, str] | None = None,
    dry_run: bool = False,
    geocoder: str | Geocoder = "none",
    progress: Progress | None = None,
    review: bool = False,
) -> ImportReport:
    """Import `path` into the store of `settings`; every row ends up stored with its status.

    `source_name` defaults to the file name without extension: with the row's key it makes
    the stable id, so re-importing a file under the same name updates in place. Rows that name
    their own source and licence (an export of several sources) keep them, and so their ids.
    `geocoder` is "offline", "online", "none" or a function (see `Geocoder`). With `review`
    (uploads on the moderation page) rows that would be published are held as pending, for a
    moderator to approve.
    Raises InputFileError for an unreadable file and ConfigurationError for an unknown geocoder,
    before anything is written.
    """
    path = Path(path)
    source_name = source_name or path.stem
    place = _geocoder(geocoder)
    stages = _Stages(progress)
    with stages("read"):
        raw = read_table(path, column_map)
    with stages("validate"):
        checked = validate(raw, source_name, licence)
        records = checked.records
    with stages("geocode"):
        if place is not None:
            records = geocode_missing(records, settings, place)
    with stages("join"):
        records = hold_unused(records, raw.report, checked.rejections)
        records = join_regions(records, settings)
        if review:
            records = _held_for_review(records)
    with stages("write"), open_store(settings) as store:
        status = records["status"]
        run = ImportRun(source_name, str(path), int((status == "rejected").sum()), int((status == "pending").sum()))
        summary = store.upsert(records, import_run=run, dry_run=dry_run)
    rows = pd.DataFrame(
        {
            "source_row": records["source_row"],
            "id": summary.ids,
            "name": records["name"],
            "outcome": summary.outcomes,
            "status": records["status"],
            "reason": records["status_reason"],
        },
        columns=list(REPORT_COLUMNS),
    )
    seconds = {**stages.seconds, "total": sum(stages.seconds.values())}
    return ImportReport(
        path, source_name, dry_run, rows, checked.rejections, checked.skipped_empty, seconds, raw.report,
        checked.category_readings,
    )  # fmt: skip


def _held_for_review(records: pd.DataFrame) -> pd.DataFrame:
    """Rows that would be published wait as pending, for a moderator to approve (uploads)."""
    held = records["status"] == "published"
    records = records.copy()
    records.loc[held, "status"] = "pending"
    records.loc[held, "status_reason"] = _with(records.loc[held, "status_reason"], AWAITING_REVIEW)
    return records


class _Stages:
    """Times each stage and tells `progress` when one starts."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        if self.progress is not None:
            self.progress(name)
        start = time.perf_counter()
        yield
        self.seconds[name] = time.perf_counter() - start


def _geocoder(geocoder: str | Geocoder) -> Geocoder | None:
    """The function that places rows without coordinates, or None for "none"."""
    if callable(geocoder):
        return geocoder
    if geocoder not in GEOCODERS:
        raise ConfigurationError(f"unknown geocoder {geocoder!r}: use one of {', '.join(GEOCODERS)}")
    if geocoder == "none":
        return None
    online = geocoder == "online"
    return lambda addresses, settings: geocode_addresses(addresses, settings, online=online)


def geocode_missing(records: pd.DataFrame, settings: Settings, geocoder: Geocoder) -> pd.DataFrame:
    """Place the pending rows that have no coordinates.

    Rows placed at address or street precision become `published`; a point that only stands for
    a postcode or commune stays `pending` for a moderator, with the geocoder's note as reason.
    """
    todo = records.index[(records["status"] == "pending") & records["lon"].isna()]
    if todo.empty:
        return records
    found = geocoder(records.loc[todo, ["street", "housenumber", "postcode", "locality"]], settings)
    found.index = todo
    placed = todo[found["lon"].notna().to_numpy() & found["lat"].notna().to_numpy()]
    records = records.copy()
    for column in ("lon", "lat", "geocode_source", "geocode_precision", "geocode_score"):
        records.loc[placed, column] = found.loc[placed, column]
    precise = placed[found.loc[placed, "geocode_precision"].isin(PUBLISHED_PRECISIONS).to_numpy()]
    records.loc[precise, "status"] = "published"
    records.loc[placed, "status_reason"] = _without(records.loc[placed, "status_reason"], NOT_GEOCODED)
    rough = placed.difference(precise)
    rough_note = "placed at " + found.loc[rough, "geocode_precision"].astype(str) + " precision only"
    records.loc[rough, "status_reason"] = _with(records.loc[rough, "status_reason"], rough_note)
    note = found["geocode_note"].where(found["geocode_note"].notna(), "")
    records.loc[todo, "status_reason"] = _with(records.loc[todo, "status_reason"], note)
    return records


def hold_unused(records: pd.DataFrame, columns: ColumnReport, rejections: list[Rejection]) -> pd.DataFrame:
    """Rows placed on the street only wait for review when the file gave more than was used:
    an ignored column that looks like house numbers or coordinates, or the row's own coordinates."""
    street = (records["status"] == "published") & (records["geocode_precision"] == "street")
    if not street.any():
        return records
    records = records.copy()
    unused_rows = {r.source_row for r in rejections if r.field in COORDINATES}
    own = street & records["source_row"].isin(unused_rows)
    records.loc[own, "status"] = "pending"
    records.loc[own, "status_reason"] = _with(records.loc[own, "status_reason"], UNUSED_COORDINATES)
    evidence = columns.unused_evidence
    if evidence:
        named = ", ".join(f"{u.header!r} ({u.looks})" for u in evidence)
        held = street & ~own
        records.loc[held, "status"] = "pending"
        note = f"placed on the street only, but column(s) {named} of the file were not used"
        records.loc[held, "status_reason"] = _with(records.loc[held, "status_reason"], note)
    return records


def join_regions(records: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Fill commune, quartier and sector codes; published rows outside the region become pending."""
    located = load_join(settings.data_dir).locate(records["lon"].to_numpy(float), records["lat"].to_numpy(float))
    records = records.copy()
    for column in ("nis_code", "quartier_code", "sector_code"):
        records[column] = located[column].astype(object).where(located[column].notna(), None).to_numpy()
    status = records["status"].to_numpy()
    outside = records["lon"].notna().to_numpy() & ~located["in_region"].to_numpy() & np.isin(status, STILL_OPEN)
    records.loc[outside, "status"] = "pending"
    records.loc[outside, "status_reason"] = _with(records.loc[outside, "status_reason"], OUTSIDE_REGION)
    return records


def _with(reasons: pd.Series, note: str | pd.Series) -> pd.Series:
    """Reasons with `note` appended ("a; b"), empty notes ignored."""
    note = pd.Series(note, index=reasons.index) if isinstance(note, str) else note.astype(object)
    has_reason = reasons.notna() & (reasons != "")
    has_note = note.notna() & (note != "")
    one = reasons.where(has_reason, note).astype(object)
    joined = (reasons.astype(str) + "; " + note.astype(str)).where(has_reason & has_note, one)
    return joined.astype(object).where(has_reason | has_note, None)


def _without(reasons: pd.Series, note: str) -> pd.Series:
    """Reasons with one "; "-separated note removed."""
    kept = reasons.fillna("").map(lambda text: "; ".join(p for p in text.split("; ") if p and p != note))
    return kept.where(kept != "", None).astype(object)
