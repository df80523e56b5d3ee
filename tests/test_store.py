"""The store, on both backends: stable ids, exact upserts, moderation audit, concurrency."""

from __future__ import annotations

import dataclasses
import multiprocessing

import pandas as pd
import pytest
import sqlalchemy as sa

from core import settings
from core.errors import RecordNotFoundError, StoreError
from core.record import RECORD_COLUMNS
from ingest.store import Store, open_store, stable_id
from ingest.store.migrations import CURRENT_VERSION


def make_records(n: int, source: str = "test", start: int = 0) -> pd.DataFrame:
    """n valid, published records in Brussels (built directly, as validate would)."""
    rows = [
        {
            "name": f"Initiative {i}",
            "category": "community",
            "street": "Rue de la Loi",
            "housenumber": str(i),
            "postcode": "1000",
            "lon": 4.35 + i * 1e-5,
            "lat": 50.846,
            "nis_code": "21004",
            "geocode_source": "file",
            "geocode_precision": "given",
            "geocode_score": 100.0,
            "contact": f"person{i}@example.org",
            "status": "published",
            "source_name": source,
            "source_row": i + 1,
            "source_key": f"key-{i}",
            "licence": "CC0",
        }
        for i in range(start, start + n)
    ]
    return pd.DataFrame(rows).reindex(columns=list(RECORD_COLUMNS))


def test_upsert_inserts_then_leaves_unchanged(store: Store) -> None:
    records = make_records(5)
    first = store.upsert(records)
    again = store.upsert(records)
    assert (first.new, first.updated, first.unchanged) == (5, 0, 0)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 5)
    assert store.count() == 5


def test_ids_are_stable_uuid5_of_source_and_key(store: Store) -> None:
    summary = store.upsert(make_records(2))
    assert summary.ids == (stable_id("test", "key-0"), stable_id("test", "key-1"))
    assert set(store.read()["id"]) == set(summary.ids)


def test_changed_row_updates_and_keeps_created_at(store: Store) -> None:
    records = make_records(3)
    store.upsert(records)
    before = store.get(stable_id("test", "key-1"))
    changed = records.copy()
    changed.loc[1, "name"] = "Renamed"
    summary = store.upsert(changed)
    after = store.get(stable_id("test", "key-1"))
    assert (summary.new, summary.updated, summary.unchanged) == (0, 1, 2)
    assert summary.outcomes == ("unchanged", "updated", "unchanged")
    assert after["name"] == "Renamed"
    assert after["created_at"] == before["created_at"]


def test_dry_run_writes_nothing(store: Store) -> None:
    summary = store.upsert(make_records(4), dry_run=True)
    assert summary.new == 4
    assert store.count() == 0


def test_read_filters_and_hides_contact(store: Store) -> None:
    records = make_records(4)
    records.loc[0, "status"] = "pending"
    records.loc[1, "nis_code"] = "21015"
    records.loc[2, "category"] = "culture"
    store.upsert(records)
    assert "contact" not in store.read().columns
    assert len(store.read()) == 3
    assert len(store.read(status=None)) == 4
    assert store.read(nis_codes=["21015"])["name"].tolist() == ["Initiative 1"]
    assert store.read(categories=["culture"])["name"].tolist() == ["Initiative 2"]
    private = store.read(status=None, include_private=True)
    assert list(private.columns) == list(RECORD_COLUMNS)
    assert private["contact"].str.endswith("@example.org").all()


def test_read_round_trips_values(store: Store) -> None:
    store.upsert(make_records(1))
    record = store.read().iloc[0]
    assert record["lon"] == pytest.approx(4.35) and record["source_row"] == 1
    assert record["created_at"].endswith("Z")


def test_duplicate_ids_in_one_upsert_are_refused(store: Store) -> None:
    records = pd.concat([make_records(1), make_records(1)])
    with pytest.raises(StoreError, match="same source and key"):
        store.upsert(records)
    assert store.count() == 0


def test_failed_upsert_writes_nothing(store: Store) -> None:
    records = make_records(3)
    records.loc[2, "source_key"] = None  # no id can be made: the whole batch is refused
    with pytest.raises(StoreError):
        store.upsert(records)
    assert store.count() == 0


def test_moderation_writes_the_audit_log(store: Store) -> None:
    record_id = store.upsert(make_records(1)).ids[0]
    store.set_status(record_id, "rejected", "spam", actor="moderator@example.org")
    store.update_fields(record_id, {"name": "Corrected"}, actor="moderator@example.org")
    record = store.get(record_id)
    assert (record["status"], record["status_reason"], record["name"]) == ("rejected", "spam", "Corrected")
    trail = store.audit_trail(record_id)
    assert [(e["action"], e["before"], e["after"]) for e in trail] == [
        ("set_status", {"status": "published", "status_reason": None}, {"status": "rejected", "status_reason": "spam"}),
        ("update_fields", {"name": "Initiative 0"}, {"name": "Corrected"}),
    ]
    assert trail[0]["actor"] == "moderator@example.org"


def test_moderation_refuses_unknown_ids_statuses_and_fields(store: Store) -> None:
    record_id = store.upsert(make_records(1)).ids[0]
    with pytest.raises(RecordNotFoundError):
        store.set_status("no-such-id", "published", "", actor="m")
    with pytest.raises(StoreError, match="unknown status"):
        store.set_status(record_id, "deleted", "", actor="m")
    with pytest.raises(StoreError, match="cannot update fields id"):
        store.update_fields(record_id, {"id": "other"}, actor="m")


def test_submission_is_stored_once(store: Store) -> None:
    submission = {"name": "Potager collectif", "lon": 4.36, "lat": 50.85, "contact": "me@example.org"}
    first = store.add_submission(submission)
    second = store.add_submission(submission)
    assert first == second
    assert store.count() == 1
    assert store.get(first)["status"] == "pending"


def test_schema_version_is_recorded_and_reopening_keeps_data(store: Store, database_url: str) -> None:
    store.upsert(make_records(2))
    reopened = open_store(dataclasses.replace(settings.load(), database_url=database_url))
    assert reopened.version() == store.version() == CURRENT_VERSION
    assert reopened.count() == 2
    reopened.close()


def test_the_revision_moves_with_every_change_and_only_then(store: Store) -> None:
    records = make_records(3)
    seen = [store.revision()]
    store.upsert(records, dry_run=True)
    store.upsert(records)
    seen.append(store.revision())
    store.upsert(records)  # unchanged
    seen.append(store.revision())
    store.upsert(records.assign(name=records["name"] + " (renamed)"))
    seen.append(store.revision())
    record_id = store.read()["id"].iloc[0]
    store.set_status(record_id, "rejected", "test", actor="tester")
    seen.append(store.revision())
    store.set_status(record_id, "rejected", "test", actor="tester")  # no difference
    seen.append(store.revision())
    store.update_fields(record_id, {"description": "new text"}, actor="tester")
    seen.append(store.revision())
    store.add_submission({"name": "Submitted", "category": "garden", "lon": 4.36, "lat": 50.84, "source_key": "t"})
    seen.append(store.revision())
    assert seen == [0, 1, 1, 2, 3, 3, 4, 5]


def test_newer_schema_is_refused(store: Store, database_url: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(sa.insert(store.tables.schema_version), {"version": 99, "applied_at": "2030-01-01T00:00:00Z"})
    with pytest.raises(StoreError, match="newer than this code"):
        open_store(dataclasses.replace(settings.load(), database_url=database_url))


def test_a_file_that_is_no_database_is_refused_with_its_name(tmp_path) -> None:
    garbage = tmp_path / "initiatives.sqlite"
    garbage.write_bytes(b"not a database " * 100)
    with pytest.raises(StoreError, match=r"initiatives\.sqlite: cannot open the store: file is not a database"):
        open_store(dataclasses.replace(settings.load(), database_url=f"sqlite:///{garbage}"))


def test_postgis_store_has_an_indexed_geometry(store: Store) -> None:
    if not store.postgis:
        pytest.skip("PostGIS only")
    store.upsert(make_records(2))
    with store.engine.connect() as conn:
        srid, kind = conn.execute(sa.text("SELECT ST_SRID(geom), GeometryType(geom) FROM initiatives LIMIT 1")).one()
        indexes = conn.execute(sa.text("SELECT indexdef FROM pg_indexes WHERE tablename = 'initiatives'")).scalars()
        assert (srid, kind) == (4326, "POINT")
        assert any("gist" in d.lower() and "geom" in d for d in indexes)


def _write_concurrently(database_url: str, worker: int) -> None:
    """One of 20 processes: the same shared batch, its own batch, and a submission, each its own transaction."""
    store = open_store(dataclasses.replace(settings.load(), database_url=database_url))
    store.upsert(make_records(10, source="shared"))
    store.upsert(make_records(10, source=f"worker-{worker}"))
    store.add_submission({"name": "Same form, sent by everyone", "lon": 4.36, "lat": 50.85})
    store.close()


def test_twenty_processes_lose_and_duplicate_nothing(store: Store, database_url: str) -> None:
    context = multiprocessing.get_context("fork")  # children open their own store
    processes = [context.Process(target=_write_concurrently, args=(database_url, w)) for w in range(20)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
    assert [p.exitcode for p in processes] == [0] * 20
    frame = store.read(status=None)
    assert len(frame) == 10 + 20 * 10 + 1
    assert frame["id"].is_unique
    assert store.count(status="pending") == 1


def test_reimport_without_contact_keeps_the_stored_contact(store: Store) -> None:
    records = make_records(2)
    store.upsert(records)
    exported = records.assign(contact=None)  # exports never carry the contact
    summary = store.upsert(exported)
    assert (summary.updated, summary.unchanged) == (0, 2)
    changed = records.assign(contact=["new@example.org", "person1@example.org"])
    assert store.upsert(changed).outcomes == ("updated", "unchanged")
    assert store.get(stable_id("test", "key-0"))["contact"] == "new@example.org"


def test_moderator_edits_survive_reimporting_the_same_source(store: Store) -> None:
    records = make_records(2)
    record_id = store.upsert(records).ids[0]
    store.update_fields(record_id, {"name": "Corrected by a moderator"}, actor="m")
    assert store.upsert(records).unchanged == 2
    assert store.get(record_id)["name"] == "Corrected by a moderator"


@pytest.mark.timeout(30)
def test_opening_an_up_to_date_store_does_not_wait_for_a_writer(store: Store, database_url: str) -> None:
    with store._write():  # an import holding the write lock
        reader = open_store(dataclasses.replace(settings.load(), database_url=database_url))
        assert reader.count() == 0
        reader.close()


def test_the_audit_log_never_shows_the_contact(store: Store) -> None:
    record_id = store.upsert(make_records(1)).ids[0]
    store.update_fields(record_id, {"contact": "secret@example.org"}, actor="m")
    assert store.get(record_id)["contact"] == "secret@example.org"
    entry = store.audit_trail(record_id)[-1]
    assert (entry["before"], entry["after"]) == ({"contact": "(private)"}, {"contact": "(private)"})
    assert "example.org" not in str(store.audit_trail(record_id))
