"""The PostgreSQL + PostGIS backend: a Point 4326 `geom` column with a GiST index, COPY for bulk inserts.

The only module of the store that imports geoalchemy2 and psycopg (through the engine): an SQLite
store never loads them. Writers are serialised by a transaction-scoped advisory lock.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.engine import Connection

from core.errors import StoreError
from ingest.store import backend

_WRITE_LOCK = 0x42494D  # advisory lock key serialising writers


def _mark(column: str) -> str:
    return "ST_GeomFromEWKT(%s)" if column == "geom" else "%s"


def _ewkt(lon: float | None, lat: float | None) -> str | None:
    return None if lon is None or lat is None else f"SRID=4326;POINT({lon!r} {lat!r})"


class PostgisBackend:
    """A PostgreSQL database, with PostGIS enabled (or enabled by version 1 when allowed)."""

    name = "postgis"

    def __init__(self, url: sa.URL) -> None:
        self.engine = sa.create_engine(url, pool_pre_ping=True)

    def spatial_columns(self) -> list[sa.Column[Any]]:
        return [sa.Column("geom", Geometry("POINT", srid=4326, spatial_index=True), nullable=True)]

    def spatial_values(self, columns: Mapping[str, list[Any]]) -> dict[str, list[Any]]:
        return {"geom": [_ewkt(lon, lat) for lon, lat in zip(columns["lon"], columns["lat"], strict=True)]}

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_WRITE_LOCK)))
            yield conn

    def enable(self, conn: Connection) -> None:
        """Create the PostGIS extension unless it is there; a clear error when this role may not."""
        if conn.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")).first() is not None:
            return
        try:
            with conn.begin_nested():
                conn.execute(sa.text("CREATE EXTENSION postgis"))
        except sa.exc.DBAPIError as exc:
            url = self.engine.url.render_as_string(hide_password=True)
            raise StoreError(
                f"{url}: PostGIS is not enabled and cannot be: run `CREATE EXTENSION postgis` as a superuser"
            ) from exc

    def insert_many(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        """COPY the rows in (COPY parses the EWKT of `geom` itself)."""
        names = list(rows[0])
        driver = conn.connection.driver_connection
        if driver is None:
            raise StoreError("the PostGIS connection was closed during the import")
        cursor = driver.cursor()
        with cursor, cursor.copy(f"COPY initiatives ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(tuple(row.values()))

    def update_many(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        backend.update_many(conn, rows, _mark)
