"""Schema versions: the store upgrades itself when opened, every missing version in one transaction.

`MIGRATIONS[v - 1]` brings a database from version v - 1 to v; `schema_version` records each applied
version. A database newer than this code is refused rather than written with an older schema.
Version 1 makes `initiatives` with today's record columns, so a migration that adds a column to it
adds it only where it is missing (`add_missing_columns`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import groupby

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.errors import StoreError
from core.record import PUBLIC_COLUMNS
from ingest.store import versions
from ingest.store.backend import Backend
from ingest.store.rows import now_iso
from ingest.store.schema import Tables

Migration = Callable[[Connection, Tables, Backend], None]


def add_missing_columns(conn: Connection, table: sa.Table, names: Sequence[str]) -> None:
    """ALTER TABLE ... ADD COLUMN for each of `names` (declared in `table`) that the database lacks."""
    present = {column["name"] for column in sa.inspect(conn).get_columns(table.name)}
    for name in (n for n in names if n not in present):
        kind = table.c[name].type.compile(dialect=conn.dialect)
        conn.execute(sa.text(f"ALTER TABLE {table.name} ADD COLUMN {name} {kind}"))


def _v1_create_tables(conn: Connection, tables: Tables, backend: Backend) -> None:
    """Version 1: PostGIS (when PostgreSQL) and the four first tables."""
    backend.enable(conn)
    first = [tables.initiatives, tables.schema_version, tables.import_runs, tables.audit_log]
    tables.meta.create_all(conn, tables=first)


def _v2_image_and_story(conn: Connection, tables: Tables, backend: Backend) -> None:
    """Version 2: the contribution form's `image_url` and `story` (version 1 tables made before them)."""
    add_missing_columns(conn, tables.initiatives, ("image_url", "story"))


def _v3_revision(conn: Connection, tables: Tables, backend: Backend) -> None:
    """Version 3: the revision counter, from 0."""
    tables.revision.create(conn)
    conn.execute(sa.insert(tables.revision), {"id": 1, "revision": 0})


def _v4_owners(conn: Connection, tables: Tables, backend: Backend) -> None:
    """Version 4: versions, reviewed changes, edit links, claims, outbox, events, reports, throttle;
    every stored initiative gets its version 1 (by its source, as an import)."""
    owned = [tables.versions, tables.pending_changes, tables.edit_tokens, tables.claims, tables.outbox]
    tables.meta.create_all(conn, tables=[*owned, tables.events, tables.reports, tables.throttle])
    initiatives = tables.initiatives
    present = {column["name"] for column in sa.inspect(conn).get_columns(initiatives.name)}  # later ones not yet
    selected = (initiatives.c[c] for c in PUBLIC_COLUMNS if c in present)
    stored = conn.execute(sa.select(*selected)).mappings().all()
    by_source = sorted(stored, key=lambda row: row["source_name"] or "")
    for source, rows in groupby(by_source, key=lambda row: row["source_name"] or "import"):
        versions.append(conn, tables, ((row, 1, ()) for row in rows), source, "import", "baseline")


def _v5_accounts(conn: Connection, tables: Tables, backend: Backend) -> None:
    """Version 5: moderator accounts and the login lockout every app process shares."""
    tables.accounts.create(conn)
    tables.login_failures.create(conn)


def _v6_pictures(conn: Connection, tables: Tables, backend: Backend) -> None:
    """Version 6: the pictures of initiatives (ingest.gallery)."""
    tables.pictures.create(conn)


def _v7_opening_hours(conn: Connection, tables: Tables, backend: Backend) -> None:
    """Version 7: opening hours (OSM syntax), as OSM and imports carry them."""
    add_missing_columns(conn, tables.initiatives, ("opening_hours",))


MIGRATIONS: tuple[Migration, ...] = (
    _v1_create_tables,
    _v2_image_and_story,
    _v3_revision,
    _v4_owners,
    _v5_accounts,
    _v6_pictures,
    _v7_opening_hours,
)
CURRENT_VERSION = len(MIGRATIONS)


def upgrade(backend: Backend, tables: Tables) -> None:
    """Bring the database up to CURRENT_VERSION, all missing migrations in one write transaction.

    An up-to-date store is only read, so opening it never waits for a running import.
    """
    url = backend.engine.url.render_as_string(hide_password=True)
    try:
        with backend.engine.connect() as conn:
            if _checked_version(conn, tables, url) == CURRENT_VERSION:
                return
        with backend.write() as conn:
            current = _checked_version(conn, tables, url)
            for version, migration in enumerate(MIGRATIONS[current:], start=current + 1):
                migration(conn, tables, backend)
                conn.execute(sa.insert(tables.schema_version), {"version": version, "applied_at": now_iso()})
    except sa.exc.DatabaseError as exc:  # unreachable server, locked or not a database
        raise StoreError(f"{url}: cannot open the store: {exc.orig}") from exc


def recorded_version(conn: Connection, tables: Tables) -> int:
    """The schema version in the database (0 when empty)."""
    if not sa.inspect(conn).has_table(tables.schema_version.name):
        return 0
    return int(conn.execute(sa.select(sa.func.max(tables.schema_version.c.version))).scalar() or 0)


def _checked_version(conn: Connection, tables: Tables, url: str) -> int:
    """The recorded version; refuses one newer than this code."""
    current = recorded_version(conn, tables)
    if current > CURRENT_VERSION:
        raise StoreError(
            f"{url}: schema version {current} is newer than this code knows ({CURRENT_VERSION}): update the code"
        )
    return current
