"""Writing versions inside the transaction that changes initiatives, and the version check.

Version 1 is the record as first stored; each change adds the next number. A version holds the public
fields only (never the private contact), so history can be shown and reverted without revealing it.
The (record_id, version) unique constraint backs the check: two writers can never both add version n.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.errors import ConflictError
from core.record import PUBLIC_COLUMNS
from ingest.store.rows import now_iso
from ingest.store.schema import Tables

ACTOR_KINDS = ("owner", "moderator", "import")
_CHUNK = 5000


def snapshot(row: Mapping[str, Any]) -> str:
    """The public fields of a prepared or stored row, as the JSON a version keeps."""
    return json.dumps({c: row.get(c) for c in PUBLIC_COLUMNS}, ensure_ascii=False)


def latest(conn: Connection, tables: Tables, ids: Sequence[str]) -> dict[str, int]:
    """id -> its latest version number, for the given ids that have one."""
    table = tables.versions
    found: dict[str, int] = {}
    for start in range(0, len(ids), _CHUNK):
        query = (
            sa.select(table.c.record_id, sa.func.max(table.c.version))
            .where(table.c.record_id.in_(ids[start : start + _CHUNK]))
            .group_by(table.c.record_id)
        )
        found.update((record_id, int(version)) for record_id, version in conn.execute(query))
    return found


def checked(conn: Connection, tables: Tables, record_id: str, based_on: int | None) -> int:
    """The latest version of `record_id` (0: none yet); ConflictError when `based_on` is given and older."""
    current = latest(conn, tables, [record_id]).get(record_id, 0)
    if based_on is not None and based_on != current:
        raise ConflictError(record_id, based_on, current)
    return current


def append(
    conn: Connection,
    tables: Tables,
    entries: Iterable[tuple[Mapping[Any, Any], int, Sequence[str]]],
    actor: str,
    kind: str,
    action: str,
) -> None:
    """Add one version per (row, version number, changed fields), all by one actor, in one executemany."""
    if kind not in ACTOR_KINDS:
        raise ValueError(f"unknown actor kind {kind!r}: use one of {', '.join(ACTOR_KINDS)}")
    at = now_iso()
    values = [
        (row["id"], number, at, actor, kind, action, json.dumps(list(changed)), snapshot(row))
        for row, number, changed in entries
    ]
    if not values:
        return
    # Straight to the driver, like the backends' bulk writes: SQLAlchemy's per-row processing is the slow part.
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    names = ("record_id", "version", "at", "actor", "actor_kind", "action", "changed", "data")
    statement = f"INSERT INTO {tables.versions.name} ({', '.join(names)}) VALUES ({', '.join(mark for _ in names)})"
    conn.exec_driver_sql(statement, values)
