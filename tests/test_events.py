"""Events: checked Brussels times (DST), reviewed like edits, imported from CSV/XLSX with a per-row
report, exported as iCalendar that the icalendar library parses with the same wall-clock times."""

from __future__ import annotations

import calendar
import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from icalendar import Calendar

from core.errors import InputFileError, StoreError
from ingest import agenda, events
from ingest.__main__ import main
from ingest.store import Store, stable_id
from tests.test_store import make_records

RECORD = stable_id("test", "key-0")
YEAR = date.today().year + 1


def last_sunday(year: int, month: int) -> date:
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - 6) % 7)


def test_times_are_brussels_wall_clock_and_impossible_ones_are_refused() -> None:
    spring = last_sunday(YEAR, 3)
    assert events.local_time(f"{spring} 10:00") == f"{spring}T10:00"
    assert events.local_time(datetime(YEAR, 7, 1, 8, 0, tzinfo=UTC)) == f"{YEAR}-07-01T10:00"  # summer: UTC+2
    _, problems = events.checked(events.EventInput("Fête", f"{spring} 02:30", url="javascript:x"))
    assert problems == {"start": events.NO_SUCH_TIME, "url": events.NOT_HTTP}
    _, problems = events.checked(events.EventInput("", "tomorrow", end=f"{YEAR}-01-01"))
    assert problems == {"title": events.REQUIRED, "start": events.NOT_A_TIME}
    _, problems = events.checked(events.EventInput("Fête", f"{YEAR}-05-02 18:00", end=f"{YEAR}-05-02 17:00"))
    assert problems == {"end": events.ENDS_BEFORE}


def test_an_owners_event_shows_only_once_approved_at_the_initiatives_address(store: Store) -> None:
    store.upsert(make_records(1))
    values, problems = events.checked(events.EventInput("Repair day", f"{YEAR}-05-02 14:00", f"{YEAR}-05-02 17:00"))
    assert problems == {}
    event = events.add(store, RECORD, values, "owner", "owner")
    assert events.listed(store).empty
    assert events.listed(store, status="pending")["id"].tolist() == [event]
    events.decide(store, event, approve=True, moderator="Bob")
    [shown] = events.listed(store).to_dict("records")
    assert (shown["title"], shown["place"], shown["initiative_name"]) == (
        "Repair day",
        "Rue de la Loi 0, 1000",
        "Initiative 0",
    )
    assert events.listed(store, since=f"{YEAR}-05-02T16:00")["id"].tolist() == [event]  # still on
    assert events.listed(store, since=f"{YEAR}-05-02T17:01").empty
    with pytest.raises(StoreError, match="no pending event"):
        events.decide(store, event, approve=False, moderator="Bob")


def test_the_ics_export_keeps_brussels_times_across_both_dst_changes(store: Store, tmp_path: Path) -> None:
    store.upsert(make_records(1))
    spring, autumn = last_sunday(YEAR, 3), last_sunday(YEAR, 10)
    for title, start in (("Spring walk", f"{spring} 10:00"), ("Autumn talk", f"{autumn} 19:30")):
        values, _ = events.checked(events.EventInput(title, start, description="Bring a friend"))
        events.add(store, RECORD, values, "Bob", "moderator")
    assert agenda.export(store, "ics", tmp_path / "agenda.ics") == 2
    parsed = Calendar.from_ical((tmp_path / "agenda.ics").read_bytes())
    assert [tz["tzid"] for tz in parsed.walk("VTIMEZONE")] == ["Europe/Brussels"]
    starts = {e["summary"]: e.decoded("dtstart") for e in parsed.walk("VEVENT")}
    walk, talk = starts["Spring walk"], starts["Autumn talk"]
    assert (walk.date(), walk.hour, walk.minute, str(walk.tzinfo)) == (spring, 10, 0, "Europe/Brussels")
    assert (talk.date(), talk.hour, talk.minute, str(talk.tzinfo)) == (autumn, 19, 30, "Europe/Brussels")
    assert walk.astimezone(UTC).hour == 8 and talk.astimezone(UTC).hour == 18  # CEST, then CET
    assert all(e["location"] == "Rue de la Loi 0, 1000" for e in parsed.walk("VEVENT"))


def test_events_import_reports_each_row_and_reimports_nothing(
    store: Store, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    store.upsert(make_records(1))
    monkeypatch.setenv("BIM_DATABASE_URL", database_url)
    path = tmp_path / "events.csv"
    rows = [
        (RECORD, "Potluck", f"{YEAR}-06-01 12:00", f"{YEAR}-06-01 15:00", "Bring food", "https://example.org/p"),
        (RECORD, "Night", f"{YEAR}-03-{last_sunday(YEAR, 3).day} 02:15", "", "", ""),
        ("no-such-initiative", "Lost", f"{YEAR}-06-02 12:00", "", "", ""),
    ]
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out, delimiter=";").writerows([agenda.COLUMNS, *rows])
    assert main(["events", "import", str(path), "--report", str(tmp_path / "report.csv")]) == 0
    printed = capsys.readouterr().out
    assert "new 1, unchanged 0" in printed and "rejected 2" in printed
    with (tmp_path / "report.csv").open(encoding="utf-8") as report:
        found = [(r["source_row"], r["outcome"], r["reason"]) for r in csv.DictReader(report)]
    assert found == [
        ("1", "new", ""),
        ("2", "rejected", f"start: {events.NO_SUCH_TIME}"),
        ("3", "rejected", "initiative_id: unknown initiative"),
    ]
    assert main(["events", "import", str(path)]) == 0
    assert "new 0, unchanged 1" in capsys.readouterr().out
    assert main(["events", "export", "--format", "csv", "--out", str(tmp_path / "out.csv")]) == 0
    with (tmp_path / "out.csv").open(encoding="utf-8") as exported:
        [event] = list(csv.DictReader(exported))
    assert (event["title"], event["starts_at"], event["ends_at"]) == (
        "Potluck",
        f"{YEAR}-06-01T12:00",
        f"{YEAR}-06-01T15:00",
    )


def test_an_xlsx_of_events_with_date_cells_imports(store: Store, tmp_path: Path) -> None:
    store.upsert(make_records(1))
    book = openpyxl.Workbook()
    book.active.append(list(agenda.COLUMNS))
    book.active.append([RECORD, "Market", datetime(YEAR, 9, 5, 9, 30), None, None, None])
    book.save(tmp_path / "events.xlsx")
    report = agenda.import_file(store, tmp_path / "events.xlsx")
    assert report.rows["outcome"].tolist() == ["new"]
    assert events.listed(store)["starts_at"].tolist() == [f"{YEAR}-09-05T09:30"]


def test_a_file_without_the_required_columns_is_refused_naming_them(tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text("initiative_id,when\nx,y\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="no column title, start"):
        agenda.read_file(tmp_path / "bad.csv")
