"""The initiative store: one interface over an embedded SQLite file or PostgreSQL + PostGIS.

`settings.database_url` picks the backend: `sqlite:///data/initiatives.sqlite` (the default; no
server, WAL mode) or `postgresql+psycopg://...` (adds a Point 4326 `geom` column with a GiST index).
Every write is one serialised transaction; ids are stable: uuid5 over (source_name, source_key).

One concern per module:

- `schema.py`: the tables (`initiatives`, `schema_version`, `import_runs`, `audit_log`, `revision`,
  `accounts`, `login_failures`, `pictures`: their rows are read and written by `ingest.gallery`).
- `migrations.py`: the schema versions, applied in order when a store is opened.
- `rows.py`: values normalised to plain Python, stable ids, content hashes.
- `backend.py`: the protocol a backend meets; `sqlite.py` and `postgis.py` meet it (engine set-up,
  write lock, bulk writes: executemany, COPY). Only `postgis.py` imports geoalchemy2, and only a
  PostgreSQL URL imports it.
- `store.py`: the `Store` over one backend, and `open_store(settings)`; `accounts.py`: its moderator
  accounts and the login lockout (a mixin, so the Store stays one class in modules of one concern);
  `backup.py`: a portable archive of every declared table, and its one-transaction restore.

Adding a table (say `pictures`):

1. declare it in `schema.declare` and add it as a field of `schema.Tables`;
2. in `migrations.py`, write `_v4_pictures(conn, tables, backend)` that runs `tables.pictures.create(conn)`
   and append it to `MIGRATIONS` (a store opened by the new code upgrades itself, in one transaction);
3. give the `Store` the methods that read and write it.

Adding a column to an existing table: declare it, and write a migration that calls
`add_missing_columns(conn, tables.<table>, ("<column>",))`. tests/test_store_migrations.py then checks
that a store upgraded from an old version has exactly the schema of a new one, on both backends.
Never edit a migration that has been released: stores out there have already applied it.
"""

from ingest.store.accounts import AccountRow
from ingest.store.rows import CONTENT_COLUMNS, COORDINATE_DECIMALS, ID_NAMESPACE, now_iso, stable_id
from ingest.store.schema import FLOAT_COLUMNS, INT_COLUMNS
from ingest.store.store import FIXED_COLUMNS, SUBMISSION_SOURCE, ImportRun, Store, UpsertSummary, open_store

__all__ = [
    "CONTENT_COLUMNS",
    "COORDINATE_DECIMALS",
    "FIXED_COLUMNS",
    "FLOAT_COLUMNS",
    "ID_NAMESPACE",
    "INT_COLUMNS",
    "SUBMISSION_SOURCE",
    "AccountRow",
    "ImportRun",
    "Store",
    "UpsertSummary",
    "now_iso",
    "open_store",
    "stable_id",
]
