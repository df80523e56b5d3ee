"""What the Store asks of a database backend, and the bulk SQL both backends share.

A backend owns its engine and everything that differs between SQLite and PostgreSQL: spatial
columns and their values, how a write transaction is serialised, what an empty database needs
before version 1, and the fastest bulk insert.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine


class Backend(Protocol):
    """One database: SQLite (ingest.store.sqlite) or PostgreSQL + PostGIS (ingest.store.postgis)."""

    name: str
    engine: Engine

    def spatial_columns(self) -> list[sa.Column[Any]]:
        """Fresh columns that end the `initiatives` table (none on SQLite)."""
        ...

    def spatial_values(self, columns: Mapping[str, list[Any]]) -> dict[str, list[Any]]:
        """The values of `spatial_columns`, computed from the normalised record columns."""
        ...

    def write(self) -> AbstractContextManager[Connection]:
        """One write transaction, serialised with every other writer of this database."""
        ...

    def enable(self, conn: Connection) -> None:
        """Make an empty database ready for the tables of version 1 (PostGIS: the extension)."""
        ...

    def insert_many(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        """Insert prepared rows (all with the same keys) into `initiatives`."""
        ...

    def update_many(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        """Rewrite prepared rows of `initiatives`, by id."""
        ...


# Bulk writes go straight to the driver (executemany; COPY on PostgreSQL): SQLAlchemy's per-row
# parameter processing doubled the write time of a 100k-row import. Column names come from the schema;
# `mark(column)` is the driver's placeholder for that column's value.
Mark = Callable[[str], str]


def update_many(conn: Connection, rows: list[dict[str, Any]], mark: Mark) -> None:
    """UPDATE prepared rows of `initiatives`, by id, with one executemany."""
    names = [n for n in rows[0] if n != "id"]
    assignments = ", ".join(f"{n} = {mark(n)}" for n in names)
    statement = f"UPDATE initiatives SET {assignments} WHERE id = {mark('id')}"
    conn.exec_driver_sql(statement, [(*(row[n] for n in names), row["id"]) for row in rows])
