"""Backups that restore: `backup` then `restore` into an empty data folder gives the same store (exports of
every status, private fields, accounts, audit log, imports) on SQLite, on PostGIS and from SQLite to
PostGIS; a store that holds data is refused unless forced, and a failed restore changes nothing."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from core import settings
from core.errors import StoreError
from ingest import accounts, export
from ingest.__main__ import main
from ingest.store import ImportRun, Store, open_store
from ingest.store.backup import backup, restore
from tests.sample_initiatives import sample_records

PASSWORD = "backups restore, 2026"
NewUrl = Callable[[str], str]


@pytest.fixture
def new_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> NewUrl:
    """A function giving the URL of a new empty store of a backend (SQLite: in a new data folder)."""

    def make(backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path_factory.mktemp('data') / 'initiatives.sqlite'}"
        server = request.getfixturevalue("postgis_server")
        url = server.new_database()
        request.addfinalizer(lambda: server.drop_database(url))
        return url

    return make


def _open(url: str) -> Store:
    return open_store(dataclasses.replace(settings.load(), database_url=url))


def _fill(store: Store, boundary_join) -> None:
    """Records of every status, a submission, moderation, an import run, accounts and a login failure."""
    records = sample_records(60, boundary_join)
    summary = store.upsert(records, import_run=ImportRun("sample", "sample.csv", rejected=2))
    for status, ids in (("pending", summary.ids[:5]), ("rejected", summary.ids[5:8]), ("duplicate", summary.ids[8:9])):
        for record_id in ids:
            store.set_status(record_id, status, f"checked: {status}", "alice")
    store.update_fields(summary.ids[10], {"description": "Corrigé « ouvert » le samedi\nà 9 h"}, "alice")
    store.add_submission({"name": "Jardin", "lon": 4.35, "lat": 50.85, "contact": "j@example.org", "source_key": "t"})
    accounts.add(store, "alice", PASSWORD)
    accounts.add(store, "ixelles.town", PASSWORD, commune="21009")
    accounts.log_in(store, "ixelles.town", "wrong password", now=1000.0)


def _state(store: Store, folder: Path) -> dict[str, object]:
    """What must survive: export files of all statuses, private fields, accounts, logs and lockout."""
    folder.mkdir()
    records = store.read(status=None)
    for fmt in export.FORMATS:
        export.export(records, fmt, folder / f"all.{fmt}")
    private = store.read(status=None, include_private=True)
    return {
        "geojson": (folder / "all.geojson").read_bytes(),
        "csv": (folder / "all.csv").read_bytes(),
        "gpkg": gpd.read_file(folder / "all.gpkg").to_json(),
        "private": private.to_json(),
        "accounts": store.accounts(),
        "audit": [store.audit_trail(i) for i in private["id"]],
        "imports": store.import_history().to_json(),
        "lockout": store.login_lockout("ixelles.town"),
        "version": store.version(),
    }


@pytest.mark.parametrize(("source", "target"), [("sqlite", "sqlite"), ("postgis", "postgis"), ("sqlite", "postgis")])
def test_a_backup_restores_into_an_empty_store_identical_to_the_original(
    new_url: NewUrl, boundary_join, tmp_path: Path, source: str, target: str
) -> None:
    with _open(new_url(source)) as original:
        _fill(original, boundary_join)
        expected = _state(original, tmp_path / "before")
        counts = backup(original, tmp_path / "store.zip")
    assert counts["initiatives"] == 61 and counts["accounts"] == 2 and counts["audit_log"] == 11
    with _open(new_url(target)) as restored:
        assert restore(restored, tmp_path / "store.zip") == counts
        assert _state(restored, tmp_path / "after") == expected
        assert len(pd.read_csv(io.BytesIO(expected["csv"]))) == 61  # every status was exported
        assert accounts.log_in(restored, "alice", PASSWORD).account == accounts.Account("alice")
        pending = restored.read(status="pending")["id"].iloc[0]
        restored.set_status(pending, "published", "", "alice")
        assert restored.audit_trail(pending)[-1]["id"] == counts["audit_log"] + 1  # the ids go on after the restored


def _cli(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        if "BIM_DATABASE_URL" not in env:
            patch.delenv("BIM_DATABASE_URL", raising=False)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(list(args))
    return status, out.getvalue(), err.getvalue()


def test_the_commands_back_up_and_restore_into_an_empty_data_folder(
    new_url: NewUrl, boundary_join, tmp_path: Path
) -> None:
    url = new_url("sqlite")
    with _open(url) as original:
        _fill(original, boundary_join)
    archive = tmp_path / "backups" / "store.zip"
    assert _cli({"BIM_DATABASE_URL": url}, "backup", "--out", str(archive))[0] == 0
    empty = tmp_path / "empty-data"
    status, out, err = _cli({"BIM_DATA_DIR": str(empty)}, "restore", str(archive))
    assert status == 0, err
    assert "61 initiatives" in out and (empty / "initiatives.sqlite").is_file()
    for where, name in ((url, "before.geojson"), (f"sqlite:///{empty / 'initiatives.sqlite'}", "after.geojson")):
        assert _cli({"BIM_DATABASE_URL": where}, "export", "--format", "geojson", "--status", "all", "--out",
                    str(tmp_path / name))[0] == 0  # fmt: skip
    assert (tmp_path / "before.geojson").read_bytes() == (tmp_path / "after.geojson").read_bytes()
    refused = _cli({"BIM_DATA_DIR": str(empty)}, "restore", str(archive))
    assert refused[0] == 1 and "not empty" in refused[2] and "--force" in refused[2]


def _tampered(archive: Path, out: Path, table: str, change: Callable[[list[bytes]], list[bytes]]) -> Path:
    """A copy of `archive` whose `table` lines went through `change` (the manifest's count follows)."""
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(out, "w") as target:
        manifest = json.loads(source.read("manifest.json"))
        for item in source.namelist():
            data = source.read(item)
            if item == f"tables/{table}.jsonl":
                lines = change(data.splitlines(keepends=True))
                manifest["tables"][table]["rows"] = len(lines)
                data = b"".join(lines)
            if item != "manifest.json":
                target.writestr(item, data)
        target.writestr("manifest.json", json.dumps(manifest))
    return out


@pytest.mark.parametrize("backend", ["sqlite", "postgis"])
def test_a_failed_restore_changes_nothing(new_url: NewUrl, boundary_join, tmp_path: Path, backend: str) -> None:
    with _open(new_url(backend)) as store:
        _fill(store, boundary_join)
        archive = tmp_path / "store.zip"
        backup(store, archive)
        store.set_status(store.read(status="pending")["id"].iloc[0], "published", "after the backup", "alice")
        before = _state(store, tmp_path / "before")
        revision = store.revision()
        with pytest.raises(StoreError, match="not empty"):
            restore(store, archive)
        # The last table in restore order fails, after every other one was rewritten.
        last = store.tables.meta.sorted_tables[-1].name
        twice = _tampered(archive, tmp_path / "twice.zip", last, lambda lines: [*lines, *lines[:1]])
        with pytest.raises(StoreError, match=rf"{last}\.jsonl"):
            restore(store, twice, force=True)
        broken = _tampered(archive, tmp_path / "broken.zip", "audit_log", lambda lines: [*lines, b"[1, 2\n"])
        with pytest.raises(StoreError, match=r"audit_log\.jsonl line 12"):
            restore(store, broken, force=True)
        assert _state(store, tmp_path / "after") == before and store.revision() == revision
        restore(store, archive, force=True)
        assert store.read(status=None)["status"].value_counts()["pending"] == 6
        assert store.revision() > revision


def test_an_archive_of_another_schema_version_or_no_archive_is_refused(store: Store, tmp_path: Path) -> None:
    archive = tmp_path / "store.zip"
    backup(store, archive)
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(tmp_path / "old.zip", "w") as target:
        for item in source.namelist():
            manifest = json.loads(source.read(item)) if item == "manifest.json" else None
            if manifest is not None:
                target.writestr(item, json.dumps({**manifest, "schema_version": manifest["schema_version"] - 1}))
            else:
                target.writestr(item, source.read(item))
    with pytest.raises(StoreError, match="schema version"):
        restore(store, tmp_path / "old.zip")
    (tmp_path / "notes.txt").write_text("not a zip")
    with pytest.raises(StoreError, match="not a backup archive"):
        restore(store, tmp_path / "notes.txt")
