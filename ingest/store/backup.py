"""Backups that restore: every table of the store in one portable archive, restored in one transaction.

The archive is a zip of `manifest.json` (format, schema version, each table's columns and row
count) and `tables/<table>.jsonl` (one JSON array per row). It is the same whichever backend wrote
it, so an SQLite backup restores into PostGIS (the path a growing install takes) and back; pg_dump's
format restores only into PostgreSQL, needs a pg_restore of a matching version on the restoring
machine, and cannot be read by SQLite. The tables are those `schema.declare` declares, so a table
added there is backed up and restored without a change here; binary columns (pictures' bytes) are
base64 text. Spatial columns are not written: the restoring backend computes them from lon/lat.

The snapshot is consistent while the app keeps writing: SQLite is first copied by its online backup
API (a page-by-page copy that restarts when a writer changes a page), PostGIS is read in one
REPEATABLE READ, READ ONLY transaction.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.errors import StoreError
from ingest.store import migrations
from ingest.store.rows import now_iso
from ingest.store.store import Store

FORMAT = "bim-store-backup"
FORMAT_VERSION = 1
_BATCH = 5000


def backup(store: Store, out: Path) -> dict[str, int]:
    """Write every table of `store` to the archive `out` (written to a temporary name, then renamed).

    Returns the rows written per table.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    os.close(handle)
    try:
        with _snapshot(store) as conn, zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            tables = {table.name: _dump_table(conn, store, table, archive) for table in store.tables.meta.sorted_tables}
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "schema_version": migrations.recorded_version(conn, store.tables),
                "backend": store.backend.name,
                "created_at": now_iso(),
                "tables": tables,
            }
            archive.writestr("manifest.json", json.dumps(manifest, indent=1))
        os.replace(temporary, out)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return {name: int(entry["rows"]) for name, entry in tables.items()}


def restore(store: Store, archive_path: Path, force: bool = False) -> dict[str, int]:
    """Replace the content of `store` by the archive's, in one transaction (a failure changes nothing).

    Refuses a store that holds anything unless `force`, and an archive of another schema version.
    Returns the rows restored per table.
    """
    where = f"{archive_path}"
    try:
        archive = zipfile.ZipFile(archive_path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise StoreError(f"{where}: not a backup archive: {exc}") from exc
    with archive:
        manifest = _manifest(archive, where, store)
        counts: dict[str, int] = {}
        with store.backend.write() as conn:
            before = int(conn.execute(sa.select(store.tables.revision.c.revision)).scalar_one())
            held = [t.name for t in _data_tables(store) if conn.execute(sa.select(t).limit(1)).first() is not None]
            if held and not force:
                raise StoreError(f"{store.url}: the store is not empty ({', '.join(held)}): restore with --force")
            for table in reversed(store.tables.meta.sorted_tables):
                conn.execute(sa.delete(table))
            for table in store.tables.meta.sorted_tables:
                counts[table.name] = _load_table(conn, store, table, manifest["tables"][table.name], archive, where)
            # Readers cache by revision: after a restore it must differ from any they have seen.
            restored = int(conn.execute(sa.select(store.tables.revision.c.revision)).scalar_one())
            conn.execute(sa.update(store.tables.revision).values(revision=max(before, restored) + 1))
    return counts


@contextmanager
def _snapshot(store: Store) -> Iterator[Connection]:
    """A connection that reads one consistent state of the store."""
    if store.backend.name == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bim-backup-") as folder:
            copy = Path(folder) / "snapshot.sqlite"
            source = store.engine.raw_connection()
            try:
                with closing(sqlite3.connect(copy)) as target:
                    source.driver_connection.backup(target)  # type: ignore[union-attr]
            finally:
                source.close()
            engine = sa.create_engine(f"sqlite:///{copy}")
            try:
                with engine.connect() as conn:
                    yield conn
            finally:
                engine.dispose()
        return
    with store.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, conn.begin():
        conn.execute(sa.text("SET TRANSACTION READ ONLY"))
        yield conn


def _columns(store: Store, table: sa.Table) -> list[sa.Column[Any]]:
    """The columns a backup holds: all but the backend's spatial ones (computed again on restore)."""
    spatial = {column.name for column in store.backend.spatial_columns()}
    return [c for c in table.columns if not (table is store.tables.initiatives and c.name in spatial)]


def _data_tables(store: Store) -> list[sa.Table]:
    """The tables whose rows say the store is in use (a new store already has its version and revision)."""
    return [t for t in store.tables.meta.sorted_tables if t not in (store.tables.schema_version, store.tables.revision)]


def _dump_table(conn: Connection, store: Store, table: sa.Table, archive: zipfile.ZipFile) -> dict[str, Any]:
    columns = _columns(store, table)
    binary = [isinstance(c.type, sa.LargeBinary) for c in columns]
    order = list(table.primary_key.columns) or columns
    rows = 0
    with archive.open(f"tables/{table.name}.jsonl", "w") as out:
        result = conn.execution_options(stream_results=True).execute(sa.select(*columns).order_by(*order))
        for batch in result.partitions(_BATCH):
            lines = (
                json.dumps([_encoded(v) if b else v for v, b in zip(row, binary, strict=True)], ensure_ascii=False)
                for row in batch
            )
            out.write(("\n".join(lines) + "\n").encode())
            rows += len(batch)
    return {"columns": [c.name for c in columns], "rows": rows}


def _manifest(archive: zipfile.ZipFile, where: str, store: Store) -> dict[str, Any]:
    """The archive's manifest, checked against this code's schema before anything is written."""
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError) as exc:
        raise StoreError(f"{where}: not a backup archive (no readable manifest.json): {exc}") from exc
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise StoreError(f"{where}: not a {FORMAT} archive of format version {FORMAT_VERSION}")
    if manifest["schema_version"] != migrations.CURRENT_VERSION:
        raise StoreError(
            f"{where}: the backup is of schema version {manifest['schema_version']}, this code has "
            f"{migrations.CURRENT_VERSION}: restore it with the code that made it (opening the store then upgrades it)"
        )
    for table in store.tables.meta.sorted_tables:
        expected = [c.name for c in _columns(store, table)]
        found = manifest["tables"].get(table.name, {}).get("columns")
        if found != expected:
            raise StoreError(f"{where}: table {table.name} has columns {found}, expected {expected}")
    return dict(manifest)


def _load_table(
    conn: Connection, store: Store, table: sa.Table, entry: dict[str, Any], archive: zipfile.ZipFile, where: str
) -> int:
    names = entry["columns"]
    binary = [isinstance(table.c[n].type, sa.LargeBinary) for n in names]
    member = f"tables/{table.name}.jsonl"
    rows = 0
    with archive.open(member) as lines:
        batch: list[dict[str, Any]] = []
        for number, line in enumerate(lines, start=1):
            try:
                values = json.loads(line)
                batch.append({n: _decoded(v) if b else v for n, v, b in zip(names, values, binary, strict=True)})
            except (ValueError, TypeError) as exc:
                raise StoreError(f"{where}: {member} line {number}: {exc}") from exc
            if len(batch) == _BATCH:
                rows += _insert(conn, store, table, batch, f"{where}: {member}")
                batch = []
        if batch:
            rows += _insert(conn, store, table, batch, f"{where}: {member}")
    if rows != entry["rows"]:
        raise StoreError(f"{where}: {member} holds {rows} rows, the manifest says {entry['rows']}")
    _advance_sequence(conn, table)
    return rows


def _insert(conn: Connection, store: Store, table: sa.Table, batch: list[dict[str, Any]], where: str) -> int:
    try:
        if table is store.tables.initiatives:
            spatial = store.backend.spatial_values({n: [row[n] for row in batch] for n in ("lon", "lat")})
            rows = [row | {name: values[i] for name, values in spatial.items()} for i, row in enumerate(batch)]
            store.backend.insert_many(conn, rows)
        else:
            conn.execute(sa.insert(table), batch)
    except sa.exc.DBAPIError as exc:
        raise StoreError(f"{where}: cannot restore the rows: {exc.orig}") from exc
    return len(batch)


def _advance_sequence(conn: Connection, table: sa.Table) -> None:
    """On PostgreSQL, move a serial id's sequence past the restored ids (SQLite takes max(id) + 1 itself)."""
    column = table.autoincrement_column
    if conn.dialect.name != "postgresql" or column is None:
        return
    sequence = "pg_get_serial_sequence(:table, :column)"
    highest = f"(SELECT COALESCE(MAX({column.name}), 0) + 1 FROM {table.name})"
    conn.execute(sa.text(f"SELECT setval({sequence}, {highest}, false)"), {"table": table.name, "column": column.name})


def _encoded(value: bytes | None) -> str | None:
    return None if value is None else base64.b64encode(value).decode()


def _decoded(value: str | None) -> bytes | None:
    return None if value is None else base64.b64decode(value, validate=True)
