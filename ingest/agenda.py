"""Event files: `python -m ingest events import FILE` (CSV or XLSX with initiative_id, title, start,
end, description, url; a per-row report like initiative imports) and the agenda's exports, iCalendar
(RFC 5545, by the icalendar library, times in Europe/Brussels with its VTIMEZONE) or CSV.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import openpyxl
import pandas as pd
import sqlalchemy as sa
from icalendar import Calendar, Event

from core.errors import InputFileError
from ingest import events
from ingest.export import spreadsheet_safe
from ingest.readers import cell_text, decode, sniff_delimiter
from ingest.store import Store

COLUMNS = ("initiative_id", "title", "start", "end", "description", "url")
OPTIONAL = ("end", "description", "url", "place")
REPORT_COLUMNS = ("source_row", "id", "title", "outcome", "reason")
Format = Literal["ics", "csv"]
CSV_COLUMNS = ("id", "initiative_id", "initiative_name", "title", "starts_at", "ends_at", "place", "description", "url")


@dataclass
class EventReport:
    """What an events import did, row by row (outcome: new, unchanged or rejected, with the reason)."""

    path: Path
    dry_run: bool
    rows: pd.DataFrame  # REPORT_COLUMNS

    def count(self, outcome: str) -> int:
        return int((self.rows["outcome"] == outcome).sum())

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        lines = [f"{self.path}: {len(self.rows)} event rows" + (" — dry run, nothing written" if self.dry_run else "")]
        lines.append(f"  new {self.count('new')}, unchanged {self.count('unchanged')} ({verb} stored)")
        lines.append(f"  rejected {self.count('rejected')}")
        rejected = self.rows[self.rows["outcome"] == "rejected"]
        lines += [f"    row {r.source_row}: {r.reason}" for r in rejected.itertuples()]
        return "\n".join(lines)

    def to_csv(self, path: Path) -> None:
        spreadsheet_safe(self.rows).to_csv(path, index=False, encoding="utf-8")


def read_file(path: Path) -> pd.DataFrame:
    """The rows of an events CSV or XLSX (first sheet, first row the header), as text, with `source_row`.

    Raises InputFileError for an unreadable file or a missing required column.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputFileError(path, f"cannot be read ({exc.strerror or exc})") from exc
    if data.startswith(b"PK\x03\x04"):
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        cells = [[cell_text(v) for v in r] for r in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
        frame = pd.DataFrame(cells[1:], columns=[str(c or "").strip() for c in cells[0]] if cells else [], dtype=object)
    else:
        text, _encoding = decode(Path(path), data)
        delimiter = sniff_delimiter(text.split("\n", 1)[0])
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=object, keep_default_na=False)
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in ("initiative_id", "title", "start") if c not in frame.columns]
    if missing:
        raise InputFileError(path, f"no column {', '.join(missing)} (expected: {', '.join(COLUMNS)})", row=0)
    unknown = [c for c in frame.columns if c not in (*COLUMNS, "place")]
    if unknown:
        raise InputFileError(path, f"unknown columns {', '.join(unknown)} (expected: {', '.join(COLUMNS)})", row=0)
    frame = frame.reindex(columns=[*COLUMNS, "place"]).astype(object).where(frame.notna(), None)
    frame.insert(0, "source_row", range(1, len(frame) + 1))
    return frame[frame[list(COLUMNS)].apply(lambda r: any(v not in (None, "") for v in r), axis=1)]


def import_file(store: Store, path: Path, actor: str = "import", dry_run: bool = False) -> EventReport:
    """Check every row, then store the good ones (published, as a moderator's import) in one transaction."""
    frame = read_file(path)
    known = set(store.read(status=None)["id"])
    table = store.tables.events
    report: list[tuple[object, ...]] = []
    new_rows: list[dict[str, object]] = []
    with store.backend.write() as conn:
        stored = {r.id for r in conn.execute(sa.select(table.c.id))}
        for r in frame.itertuples(index=False):
            values, problems = events.checked(
                events.EventInput(r.title, r.start, r.end, r.place or "", r.description or "", r.url or "")
            )
            if r.initiative_id not in known:
                problems["initiative_id"] = "unknown initiative"
            if problems:
                reason = "; ".join(f"{field}: {code}" for field, code in sorted(problems.items()))
                report.append((r.source_row, None, r.title, "rejected", reason))
                continue
            row = events.row(store, r.initiative_id, values, actor, "import")
            outcome = "unchanged" if row["id"] in stored else "new"
            if outcome == "new":
                stored.add(row["id"])
                new_rows.append(row)
            report.append((r.source_row, row["id"], r.title, outcome, None))
        if new_rows and not dry_run:
            conn.execute(sa.insert(table), new_rows)
    return EventReport(Path(path), dry_run, pd.DataFrame(report, columns=list(REPORT_COLUMNS)))


def _local(value: str) -> datetime:
    return datetime.strptime(value, events.LOCAL_FORMAT).replace(tzinfo=events.BRUSSELS)


def to_ics(listed: pd.DataFrame, name: str = "Brussels initiatives") -> bytes:
    """An iCalendar file of `events.listed(...)` rows: TZID=Europe/Brussels times and its VTIMEZONE."""
    calendar = Calendar()
    calendar.add("prodid", "-//brussels-initiatives-map//agenda//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = datetime.now(UTC)
    for e in listed.itertuples(index=False):
        event = Event()
        event.add("uid", f"{e.id}@brussels-initiatives-map")
        event.add("dtstamp", stamp)
        event.add("dtstart", _local(e.starts_at))
        if e.ends_at:
            event.add("dtend", _local(e.ends_at))
        event.add("summary", e.title)
        for prop, value in (("location", e.place), ("description", e.description), ("url", e.url)):
            if value:
                event.add(prop, value)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def to_csv(listed: pd.DataFrame) -> bytes:
    """The same events as CSV (local Brussels times), safe to open in a spreadsheet."""
    return spreadsheet_safe(listed.reindex(columns=list(CSV_COLUMNS))).to_csv(index=False).encode()


def export(store: Store, fmt: Format, out_path: Path, since: str | None = None) -> int:
    """Write the published events (from `since`, a local time) as `fmt`; returns how many."""
    listed = events.listed(store, since=since)
    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
    Path(out_path).write_bytes(to_ics(listed) if fmt == "ics" else to_csv(listed))
    return len(listed)
