"""The SQLite backend: an embedded file in WAL mode, no server, no spatial column.

Writers are serialised by SQLite itself: a write transaction starts with BEGIN IMMEDIATE, which takes
the database's write lock (waiting up to a minute for another writer), while readers start a plain
BEGIN and never wait.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ingest.store import backend

_WRITE = "bim_write"  # execution option of the connections that write


def _mark(_column: str) -> str:
    return "?"


class SqliteBackend:
    """An SQLite database file (or `:memory:`)."""

    name = "sqlite"

    def __init__(self, url: sa.URL) -> None:
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        self.engine = sa.create_engine(url)
        sa.event.listen(self.engine, "connect", _connect)
        sa.event.listen(self.engine, "begin", _begin)

    def spatial_columns(self) -> list[sa.Column[Any]]:
        return []

    def spatial_values(self, columns: Mapping[str, list[Any]]) -> dict[str, list[Any]]:
        return {}

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self.engine.connect().execution_options(**{_WRITE: True}) as conn, conn.begin():
            yield conn

    def enable(self, conn: Connection) -> None:
        """Nothing to enable: SQLite needs no extension."""

    def insert_many(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        names = list(rows[0])
        statement = f"INSERT INTO initiatives ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
        conn.exec_driver_sql(statement, [tuple(row.values()) for row in rows])

    def update_many(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        backend.update_many(conn, rows, _mark)


def _connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event issues BEGIN itself
    dbapi_connection.execute("PRAGMA busy_timeout = 60000")
    dbapi_connection.execute("PRAGMA journal_mode = WAL")
    dbapi_connection.execute("PRAGMA synchronous = NORMAL")


def _begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")
