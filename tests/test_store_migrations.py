"""Upgrades on both backends: a store written by older code opens with today's code, data intact and
schema current; and an SQLite store never loads the PostGIS packages."""

from __future__ import annotations

import dataclasses
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import closing

import pandas as pd
import psycopg
import pytest
import sqlalchemy as sa

from core import settings
from ingest.store import ImportRun, Store, open_store, stable_id
from ingest.store.migrations import CURRENT_VERSION
from tests.capture_old_store import MODERATOR, RECORDS, STORES, SUBMISSION

OLD_COMMIT = "c4a7d70"  # main before the redesign (schema version 3)


def _load_dump(database_url: str, commit: str) -> None:
    """Fill an empty database with the dump of a store that the code of `commit` made."""
    url = sa.make_url(database_url)
    if url.get_backend_name() == "sqlite":
        with closing(sqlite3.connect(url.database)) as conn:
            conn.executescript((STORES / f"{commit}.sqlite.sql").read_text())
        return
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq) as conn:
        conn.execute((STORES / f"{commit}.postgis.sql").read_text())


@pytest.fixture
def old_store(database_url: str) -> Iterator[Store]:
    """The store of OLD_COMMIT, in a database of each backend, opened (so upgraded) by today's code."""
    _load_dump(database_url, OLD_COMMIT)
    with open_store(dataclasses.replace(settings.load(), database_url=database_url)) as store:
        yield store


def test_a_store_of_the_old_main_opens_at_the_current_version_with_its_data(old_store: Store) -> None:
    assert old_store.version() == CURRENT_VERSION
    frame = old_store.read(status=None, include_private=True)
    assert Counter(frame["status"]) == {"published": 1, "rejected": 1, "duplicate": 1, "pending": 2}
    marolles = old_store.get(stable_id("town-hall", "mq-1"))
    assert marolles is not None
    assert (marolles["lon"], marolles["lat"]) == (RECORDS[0]["lon"], RECORDS[0]["lat"])
    assert (marolles["contact"], marolles["story"]) == ("marolles@example.org", "Depuis 1975.")
    assert marolles["description"] == "Corrigé : ouvert le samedi"
    submission = frame[frame["source_name"] == "form"].iloc[0]
    assert (submission["name"], submission["contact"]) == (SUBMISSION["name"], SUBMISSION["contact"])
    history = old_store.import_history()
    assert history[["source_name", "new", "needs_review", "rejected"]].values.tolist() == [["town-hall", 4, 1, 1]]
    trail = old_store.audit_trail(stable_id("town-hall", "rc-2"))
    assert [(e["actor"], e["action"], e["after"]) for e in trail] == [
        (MODERATOR, "set_status", {"status": "rejected", "status_reason": "closed in 2024"})
    ]
    assert old_store.revision() == 4  # the import, the submission and two moderations


def test_the_old_main_hashes_match_and_the_upgraded_store_takes_new_writes(old_store: Store) -> None:
    again = old_store.upsert(pd.DataFrame(RECORDS), import_run=ImportRun("town-hall", "initiatives.csv"))
    assert (again.new, again.updated, again.unchanged) == (0, 0, 4)  # the content hashes are today's
    assert old_store.get(again.ids[0])["description"] == "Corrigé : ouvert le samedi"  # the edit survives
    pending = stable_id("town-hall", "pt-4")
    old_store.set_status(pending, "published", "checked", actor=MODERATOR)
    assert old_store.get(pending)["status"] == "published"
    assert old_store.import_history()["id"].tolist() == [1, 2]
    assert [e["id"] for e in old_store.audit_trail(pending)] == [4]
    assert old_store.revision() == 5


def _schema(engine: sa.Engine) -> dict[str, tuple[object, ...]]:
    """Each table's columns (name, type, nullable, default), primary key and indexes, order aside."""
    inspector = sa.inspect(engine)
    return {
        table: (
            sorted((c["name"], str(c["type"]), c["nullable"], str(c["default"])) for c in inspector.get_columns(table)),
            inspector.get_pk_constraint(table)["constrained_columns"],
            sorted((i["name"], tuple(i["column_names"]), i["unique"]) for i in inspector.get_indexes(table)),
        )
        for table in inspector.get_table_names()
    }


def test_an_upgraded_store_has_exactly_the_schema_of_a_new_one(
    old_store: Store, request: pytest.FixtureRequest, tmp_path
) -> None:
    if old_store.postgis:
        server = request.getfixturevalue("postgis_server")
        url = server.new_database()
        request.addfinalizer(lambda: server.drop_database(url))
    else:
        url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    with open_store(dataclasses.replace(settings.load(), database_url=url)) as new:
        assert _schema(old_store.engine) == _schema(new.engine)
        assert "initiatives" in _schema(new.engine)


# Opens a store, writes and reads it, then prints the PostGIS packages Python has loaded.
_LOADED = """
import dataclasses, sys
from core import settings
from ingest.store import open_store

with open_store(dataclasses.replace(settings.load(), database_url=sys.argv[1])) as store:
    store.add_submission({"name": "Jardin", "lon": 4.35, "lat": 50.85})
    store.read(status=None)
print(" ".join(sorted({name.split(".")[0] for name in sys.modules} & {"geoalchemy2", "psycopg"})))
"""


def test_only_a_postgis_store_loads_geoalchemy2_and_psycopg(database_url: str) -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", _LOADED, database_url], cwd=settings.PROJECT_DIR, capture_output=True, text=True
    )
    assert loaded.returncode == 0, loaded.stderr
    expected = "geoalchemy2 psycopg" if database_url.startswith("postgresql") else ""
    assert loaded.stdout.strip() == expected


def test_every_initiative_of_an_upgraded_store_has_its_version_1(old_store: Store) -> None:
    from ingest import history

    frame = old_store.read(status=None)
    for record_id, source in zip(frame["id"], frame["source_name"], strict=True):
        found = history.versions(old_store, record_id)
        assert [(v.number, v.actor, v.actor_kind, v.action) for v in found] == [(1, source, "import", "baseline")]
        assert found[0].data["name"] == old_store.get(record_id)["name"]
        assert "contact" not in found[0].data
