"""History and the version check, on both backends: every change is a version, reverts restore any
version, and of two saves based on the same version the later is refused (two store handles)."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from core import settings
from core.errors import ConflictError, RecordNotFoundError
from ingest import history
from ingest.store import ImportRun, Store, open_store, stable_id
from tests.test_store import make_records

RECORD = stable_id("test", "key-0")


def test_an_import_is_version_1_and_each_change_the_next_one(store: Store) -> None:
    store.upsert(make_records(2), import_run=ImportRun("town-hall", "a.csv"))
    store.update_fields(RECORD, {"description": "Ouvert le samedi"}, "Ann", based_on=1)
    changed = make_records(2)
    changed.loc[0, "name"] = "Renamed"
    store.upsert(changed, import_run=ImportRun("town-hall", "a.csv"))
    found = history.versions(store, RECORD)
    assert [(v.number, v.actor, v.actor_kind, v.changed) for v in found] == [
        (1, "town-hall", "import", found[0].changed),
        (2, "Ann", "moderator", ("description",)),
        (3, "town-hall", "import", ("name", "description")),  # a changed row is rewritten whole, edit included
    ]
    assert "name" in found[0].changed and "description" not in found[0].changed
    assert found[1].data["description"] == "Ouvert le samedi" and found[0].data["description"] is None
    assert found[2].data["name"] == "Renamed"
    assert all("contact" not in v.data and "person0@example.org" not in str(v.data) for v in found)
    assert history.current_version(store, RECORD) == 3
    assert history.current_version(store, stable_id("test", "key-1")) == 1
    assert history.last_updated(store, RECORD) == found[2].at


def test_a_revert_restores_any_version_as_a_new_one(store: Store) -> None:
    store.upsert(make_records(1))
    store.update_fields(RECORD, {"description": "first"}, "Ann")
    store.update_fields(RECORD, {"description": "second", "website": "https://example.org"}, "Ann")
    assert history.revert(store, RECORD, 2, "Bob", based_on=3)
    record = store.get(RECORD)
    assert (record["description"], record["website"]) == ("first", None)
    assert record["contact"] == "person0@example.org"
    latest = history.versions(store, RECORD)[-1]
    assert (latest.number, latest.actor, latest.action, set(latest.changed)) == (
        4,
        "Bob",
        "revert to 2",
        {"description", "website"},
    )
    assert not history.revert(store, RECORD, 4, "Bob")  # already the current content: nothing written
    assert history.revert(store, RECORD, 3, "Bob")
    assert store.get(RECORD)["description"] == "second"
    with pytest.raises(RecordNotFoundError, match="no version 9"):
        history.revert(store, RECORD, 9, "Bob")


def test_the_later_of_two_saves_based_on_one_version_is_refused(store: Store, database_url: str) -> None:
    store.upsert(make_records(1))
    with open_store(dataclasses.replace(settings.load(), database_url=database_url)) as other:
        based_on = history.current_version(store, RECORD)
        assert history.current_version(other, RECORD) == based_on
        store.update_fields(RECORD, {"description": "first tab"}, "owner", kind="owner", based_on=based_on)
        with pytest.raises(ConflictError, match=f"based on version {based_on}, but version {based_on + 1}"):
            other.update_fields(RECORD, {"description": "second tab"}, "Ann", based_on=based_on)
        assert other.get(RECORD)["description"] == "first tab"
        assert len(history.versions(other, RECORD)) == 2
        assert [e["after"] for e in other.audit_trail(RECORD)] == [{"description": "first tab"}]


def test_of_two_simultaneous_saves_exactly_one_wins(store: Store, database_url: str) -> None:
    store.upsert(make_records(1))
    based_on = history.current_version(store, RECORD)
    handles = [open_store(dataclasses.replace(settings.load(), database_url=database_url)) for _ in range(2)]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def save(handle: Store, text: str) -> None:
        start.wait()
        try:
            handle.update_fields(RECORD, {"description": text}, "Ann", based_on=based_on)
            outcomes.append(text)
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=save, args=(h, f"tab {i}")) for i, h in enumerate(handles)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for handle in handles:
        handle.close()
    assert sorted(outcomes)[0] == "conflict" and sorted(outcomes)[1].startswith("tab")
    winner = next(o for o in outcomes if o != "conflict")
    assert store.get(RECORD)["description"] == winner
    assert [v.number for v in history.versions(store, RECORD)] == [1, 2]
