"""The initiative store: one interface over an embedded SQLite file or PostgreSQL + PostGIS.

`settings.database_url` picks the backend: `sqlite:///data/initiatives.sqlite` (the default; no
server, WAL mode) or `postgresql+psycopg://...` (adds a Point 4326 `geom` column with a GiST index).
Tables: `initiatives` (core.record.RECORD_COLUMNS plus a content hash), `schema_version` (upgraded at
open by the `_MIGRATIONS` list), `import_runs` (one summary per import), `audit_log`
(moderation: who, when, what, before/after JSON) and `revision` (one counter that every change of
an initiative moves, so readers such as the app know when their copy is stale).

Every write is one transaction, and writes are serialised (SQLite takes its write lock at BEGIN;
PostgreSQL an advisory lock), so concurrent writers lose and duplicate nothing and the
new/updated/unchanged counts are exact. Ids are stable: uuid5 over (source_name, source_key).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.engine import Connection, Engine

from core.errors import RecordNotFoundError, StoreError
from core.record import PRIVATE_COLUMNS, PUBLIC_COLUMNS, RECORD_COLUMNS, STATUSES
from core.settings import Settings
from core.text import is_missing

ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/brussels-initiatives-map/initiative")
FLOAT_COLUMNS = ("lon", "lat", "geocode_score")
INT_COLUMNS = ("source_row",)
# What a source says about an initiative: a change here makes an import "updated". Provenance
# (source row, key, licence, times) and the status an import or a moderator gives are not content.
# Nor is the private contact: exports never carry it, so re-importing an export must not erase it
# (an incoming contact that differs from the stored one still counts as a change).
_NOT_CONTENT = frozenset(
    {"id", "contact", "status", "status_reason", "source_name", "source_row", "source_key", "licence"}
    | {"created_at", "updated_at"}
)
CONTENT_COLUMNS = tuple(c for c in RECORD_COLUMNS if c not in _NOT_CONTENT)
# Columns that moderators (update_fields) may not change: identity and bookkeeping.
FIXED_COLUMNS = frozenset({"id", "source_name", "source_key", "created_at", "updated_at"})
COORDINATE_DECIMALS = 7  # about 1 cm: the precision GeoJSON round trips keep
SUBMISSION_SOURCE = "form"
_ID_CHUNK = 5000
_PG_WRITE_LOCK = 0x42494D  # advisory lock key serialising writers on PostgreSQL


@dataclass(frozen=True)
class UpsertSummary:
    """What an upsert did: counts, and each input row's outcome ("new", "updated", "unchanged")."""

    new: int
    updated: int
    unchanged: int
    outcomes: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportRun:
    """The summary of one import, recorded in `import_runs` in the same transaction as its rows."""

    source_name: str
    path: str
    rejected: int = 0
    needs_review: int = 0
    started_at: str = field(default_factory=lambda: now_iso())


def now_iso() -> str:
    """Current time as ISO 8601 UTC, to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def stable_id(source_name: str, source_key: str) -> str:
    """The id of a source row: the same (source, key) keeps the same id across re-imports."""
    return str(uuid.uuid5(ID_NAMESPACE, f"{source_name}\x1f{source_key}"))


def _tables(postgis: bool) -> tuple[sa.MetaData, sa.Table, sa.Table, sa.Table, sa.Table, sa.Table]:
    """The five tables; `initiatives` gets a geometry column only on PostGIS."""
    meta = sa.MetaData()
    columns: list[sa.Column[Any]] = [sa.Column("id", sa.String(36), primary_key=True)]
    for name in RECORD_COLUMNS[1:]:
        kind: Any = sa.Float if name in FLOAT_COLUMNS else sa.Integer if name in INT_COLUMNS else sa.Text
        columns.append(sa.Column(name, kind, nullable=True))
    # Digest of the content as its source last gave it (see CONTENT_COLUMNS).
    columns.append(sa.Column("content_hash", sa.String(32), nullable=False))
    if postgis:
        columns.append(sa.Column("geom", Geometry("POINT", srid=4326, spatial_index=True), nullable=True))
    initiatives = sa.Table(
        "initiatives",
        meta,
        *columns,
        sa.Index("ix_initiatives_status", "status"),
        sa.Index("ix_initiatives_nis_code", "nis_code"),
        sa.Index("ix_initiatives_category", "category"),
        sa.Index("ix_initiatives_source", "source_name", "source_key"),
    )
    schema_version = sa.Table(
        "schema_version",
        meta,
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("applied_at", sa.Text, nullable=False),
    )
    import_runs = sa.Table(
        "import_runs",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source_name", sa.Text, nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("started_at", sa.Text, nullable=False),
        sa.Column("finished_at", sa.Text, nullable=False),
        sa.Column("new", sa.Integer, nullable=False),
        sa.Column("updated", sa.Integer, nullable=False),
        sa.Column("unchanged", sa.Integer, nullable=False),
        sa.Column("needs_review", sa.Integer, nullable=False),
        sa.Column("rejected", sa.Integer, nullable=False),
    )
    audit_log = sa.Table(
        "audit_log",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False, index=True),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("before", sa.Text, nullable=True),
        sa.Column("after", sa.Text, nullable=True),
    )
    revision = sa.Table(
        "revision",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("revision", sa.Integer, nullable=False),
    )
    return meta, initiatives, schema_version, import_runs, audit_log, revision


def _columns(records: pd.DataFrame) -> dict[str, list[Any]]:
    """Record columns as lists of plain Python values: None for missing, floats, ints and stripped text."""
    columns: dict[str, list[Any]] = {}
    for name in RECORD_COLUMNS:
        values = records[name] if name in records.columns else pd.Series(None, index=records.index, dtype=object)
        if name not in FLOAT_COLUMNS and name not in INT_COLUMNS:
            columns[name] = _stripped(values.to_numpy(dtype=object, na_value=None)).tolist()
            continue
        if values.dtype.kind not in "fiu":
            try:
                values = pd.to_numeric(pd.Series(_stripped(values.to_numpy(dtype=object, na_value=None)), dtype=object))
            except (TypeError, ValueError) as exc:
                raise StoreError(f"field {name}: {exc} (validate the records before storing them)") from exc
        numbers = values.to_numpy(float, na_value=np.nan)
        present = ~np.isnan(numbers)
        plain = np.full(len(numbers), None, dtype=object)
        plain[present] = numbers[present].tolist() if name in FLOAT_COLUMNS else numbers[present].astype(int).tolist()
        columns[name] = plain.tolist()
    return columns


def _stripped(values: np.ndarray) -> np.ndarray:
    """Text values stripped, with None for missing or blank ones."""
    present = pd.notna(values)
    text = np.array([str(v).strip() for v in values[present]], dtype=object)
    text[text == ""] = None
    values = values.copy()
    values[present] = text
    return values


def _content_hashes(columns: Mapping[str, list[Any]]) -> list[str]:
    """A digest of each record's content columns; coordinates rounded so a GeoJSON round trip keeps it."""
    parts = [
        ["" if v is None else f"{v:.{COORDINATE_DECIMALS}f}" for v in columns[name]]
        if name in ("lon", "lat")
        else ["" if v is None else str(v) for v in columns[name]]
        for name in CONTENT_COLUMNS
    ]
    return [hashlib.blake2b("\x1f".join(p).encode(), digest_size=16).hexdigest() for p in zip(*parts, strict=True)]


def _ewkt(lon: float | None, lat: float | None) -> str | None:
    return None if lon is None or lat is None else f"SRID=4326;POINT({lon!r} {lat!r})"


class Store:
    """The initiatives of one database; build it with `open_store(settings)`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgis = engine.dialect.name == "postgresql"
        (self._meta, self.initiatives, self.schema_version, self.import_runs, self.audit_log, self.revision_table) = (
            _tables(self.postgis)
        )
        self._migrate()

    # -- transactions -------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction, serialised with every other writer of this database."""
        with self.engine.connect().execution_options(bim_write=True) as conn, conn.begin():
            if self.postgis:
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_WRITE_LOCK)))
            yield conn

    def _migrate(self) -> None:
        """Bring the schema up to the latest version, all migrations in one write transaction.

        An up-to-date store is only read, so opening it never waits for a running import.
        """
        try:
            with self.engine.connect() as conn:
                if self._recorded_version(conn) == len(_MIGRATIONS):
                    return
            with self._write() as conn:
                current = self._recorded_version(conn)
                for version, migration in enumerate(_MIGRATIONS[current:], start=current + 1):
                    migration(self, conn)
                    conn.execute(sa.insert(self.schema_version), {"version": version, "applied_at": now_iso()})
        except sa.exc.DatabaseError as exc:  # unreachable server, locked or not a database
            raise StoreError(f"{self.url}: cannot open the store: {exc.orig}") from exc

    def _recorded_version(self, conn: Connection) -> int:
        """The schema version in the database (0 when empty); refuses one newer than this code."""
        current = 0
        if sa.inspect(conn).has_table("schema_version"):
            current = int(conn.execute(sa.select(sa.func.max(self.schema_version.c.version))).scalar() or 0)
        if current > len(_MIGRATIONS):
            raise StoreError(
                f"{self.url}: schema version {current} is newer than this code knows ({len(_MIGRATIONS)}): "
                "update the code"
            )
        return current

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    def version(self) -> int:
        """The recorded schema version."""
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.max(self.schema_version.c.version))).scalar() or 0)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading ------------------------------------------------------------------------------

    def read(
        self,
        status: str | None = "published",
        nis_codes: Sequence[str] | None = None,
        categories: Sequence[str] | None = None,
        include_private: bool = False,
    ) -> pd.DataFrame:
        """Initiatives as a DataFrame of RECORD_COLUMNS, by name; without `contact` unless asked.

        `status=None` reads every status; `nis_codes` / `categories` keep only those values.
        """
        columns = RECORD_COLUMNS if include_private else PUBLIC_COLUMNS
        table = self.initiatives
        query = sa.select(*(table.c[c] for c in columns)).order_by(table.c.name, table.c.id)
        if status is not None:
            query = query.where(table.c.status == status)
        if nis_codes is not None:
            query = query.where(table.c.nis_code.in_(list(nis_codes)))
        if categories is not None:
            query = query.where(table.c.category.in_(list(categories)))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        frame = pd.DataFrame.from_records(rows, columns=list(columns))
        for name in FLOAT_COLUMNS:
            frame[name] = frame[name].astype(float)
        frame["source_row"] = frame["source_row"].astype("Int64")
        return frame

    def get(self, record_id: str) -> dict[str, Any] | None:
        """One initiative with every field, contact included (for moderators), or None."""
        table = self.initiatives
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(*(table.c[c] for c in RECORD_COLUMNS)).where(table.c.id == record_id)).first()
        return None if row is None else dict(row._mapping)

    def revision(self) -> int:
        """A number that grows with every change to the initiatives (a cache key for their readers)."""
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(self.revision_table.c.revision)).scalar_one())

    def count(self, status: str | None = None) -> int:
        """How many initiatives (of one status, or all)."""
        query = sa.select(sa.func.count()).select_from(self.initiatives)
        if status is not None:
            query = query.where(self.initiatives.c.status == status)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def import_history(self) -> pd.DataFrame:
        """Every recorded import, oldest first."""
        with self.engine.connect() as conn:
            result = conn.execute(sa.select(self.import_runs).order_by(self.import_runs.c.id))
            return pd.DataFrame(result.all(), columns=list(result.keys()))

    def audit_trail(self, record_id: str) -> list[dict[str, Any]]:
        """The audit entries of one initiative, oldest first, with before/after decoded."""
        log = self.audit_log
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(log).where(log.c.record_id == record_id).order_by(log.c.id)).all()
        return [
            {**row._mapping, "before": json.loads(row.before or "null"), "after": json.loads(row.after or "null")}
            for row in rows
        ]

    # -- writing ------------------------------------------------------------------------------

    def upsert(
        self, records: pd.DataFrame, *, import_run: ImportRun | None = None, dry_run: bool = False
    ) -> UpsertSummary:
        """Insert new records, rewrite changed ones, leave unchanged ones alone: one transaction.

        A missing `id` is filled with `stable_id(source_name, source_key)`. `created_at` is kept
        from the stored record; `updated_at` moves only when the content changes. A record that
        comes without a contact keeps the stored one. With `dry_run` nothing is written; the
        summary says what would happen.
        """
        rows = self._prepared(records)
        ids = [row["id"] for row in rows]
        twice = [i for i, n in Counter(ids).items() if n > 1]
        if twice:
            raise StoreError(f"{self.url}: two records in one upsert have the id {twice[0]} (same source and key)")
        with self._write() as conn:
            stored = self._stored(conn, ids)
            stamp = now_iso()
            outcomes, new, changed = [], [], []
            for row in rows:
                before = stored.get(row["id"])
                if before is None:
                    row["created_at"] = row["updated_at"] = stamp
                    new.append(row)
                    outcomes.append("new")
                elif before.content_hash != row["content_hash"] or row["contact"] not in (None, before.contact):
                    row["created_at"], row["updated_at"] = before.created_at, stamp
                    row["contact"] = row["contact"] or before.contact
                    changed.append(row)
                    outcomes.append("updated")
                else:
                    outcomes.append("unchanged")
            summary = UpsertSummary(
                len(new), len(changed), len(rows) - len(new) - len(changed), tuple(outcomes), tuple(ids)
            )
            if dry_run:
                return summary
            if new:
                self._insert_many(conn, new)
            if changed:
                self._update_many(conn, changed)
            if new or changed:
                self._changed(conn)
            if import_run is not None:
                conn.execute(
                    sa.insert(self.import_runs),
                    {
                        **asdict(import_run),
                        "finished_at": now_iso(),
                        "new": summary.new,
                        "updated": summary.updated,
                        "unchanged": summary.unchanged,
                    },
                )
        return summary

    def add_submission(self, record: Mapping[str, Any], actor: str = "citizen") -> str:
        """Store one citizen submission (pending unless a status is given) and return its id.

        Exactly once: the id comes from (source_name, source_key) — give the form's submission
        token as `source_key`, else the content decides — so a repeated or concurrent identical
        submission stores one record.
        """
        values = {"source_name": SUBMISSION_SOURCE, "status": "pending", **record}
        if is_missing(values.get("source_key")):
            values["source_key"] = _content_hashes(_columns(pd.DataFrame([values])))[0]
        row = self._prepared(pd.DataFrame([values]))[0]
        with self._write() as conn:
            exists = conn.execute(sa.select(self.initiatives.c.id).where(self.initiatives.c.id == row["id"])).first()
            if exists is None:
                row["created_at"] = row["updated_at"] = now_iso()
                conn.execute(sa.insert(self.initiatives), row)
                self._audit(conn, actor, row["id"], "submit", None, _public(row))
                self._changed(conn)
        return row["id"]

    def set_status(self, record_id: str, status: str, reason: str, actor: str) -> None:
        """Change one initiative's status (moderation), with its reason, in the audit log."""
        if status not in STATUSES:
            raise StoreError(f"unknown status {status!r}: use one of {', '.join(STATUSES)}")
        self._change(record_id, {"status": status, "status_reason": reason}, actor, "set_status")

    def update_fields(self, record_id: str, changes: Mapping[str, Any], actor: str) -> None:
        """Edit fields of one initiative (moderation); before and after go to the audit log (contact hidden)."""
        unknown = sorted(set(changes) - set(RECORD_COLUMNS))
        fixed = sorted(set(changes) & FIXED_COLUMNS)
        if unknown or fixed:
            raise StoreError(f"cannot update fields {', '.join(unknown + fixed)} of initiative {record_id}")
        if "status" in changes and changes["status"] not in STATUSES:
            raise StoreError(f"unknown status {changes['status']!r}: use one of {', '.join(STATUSES)}")
        self._change(record_id, changes, actor, "update_fields")

    def _change(self, record_id: str, changes: Mapping[str, Any], actor: str, action: str) -> None:
        table = self.initiatives
        with self._write() as conn:
            stored = conn.execute(
                sa.select(*(table.c[c] for c in RECORD_COLUMNS), table.c.content_hash).where(table.c.id == record_id)
            ).first()
            if stored is None:
                raise RecordNotFoundError(f"{self.url}: no initiative with id {record_id}")
            before = dict(stored._mapping)
            source_hash = before.pop("content_hash")
            row = self._prepared(pd.DataFrame([{**before, **changes}]))[0]
            diff = [c for c in changes if row[c] != before[c]]
            if not diff:
                return
            # The hash stays the source's: re-importing the same file keeps a moderator's edits.
            row["content_hash"] = source_hash
            row["created_at"], row["updated_at"] = before["created_at"], now_iso()
            conn.execute(sa.update(table).where(table.c.id == record_id).values(row))
            self._audit(conn, actor, record_id, action, _hidden(before, diff), _hidden(row, diff))
            self._changed(conn)

    def _changed(self, conn: Connection) -> None:
        """Move the revision, in the transaction that changed initiatives."""
        conn.execute(sa.update(self.revision_table).values(revision=self.revision_table.c.revision + 1))

    def _audit(self, conn: Connection, actor: str, record_id: str, action: str, before: Any, after: Any) -> None:
        conn.execute(
            sa.insert(self.audit_log),
            {
                "at": now_iso(),
                "actor": actor,
                "record_id": record_id,
                "action": action,
                "before": None if before is None else json.dumps(before, ensure_ascii=False),
                "after": None if after is None else json.dumps(after, ensure_ascii=False),
            },
        )

    def _prepared(self, records: pd.DataFrame) -> list[dict[str, Any]]:
        """Rows ready to write: normalised values, ids filled, content hash (and geometry on PostGIS)."""
        columns = _columns(records)
        ids, names, keys = columns["id"], columns["source_name"], columns["source_key"]
        for i in (i for i, value in enumerate(ids) if value is None):
            if names[i] is None or keys[i] is None:
                row = columns["source_row"][i]
                raise StoreError(f"record {columns['name'][i]!r} (row {row}) has no id, source name or key")
            ids[i] = stable_id(names[i], keys[i])
        columns["content_hash"] = _content_hashes(columns)
        if self.postgis:
            columns["geom"] = [_ewkt(lon, lat) for lon, lat in zip(columns["lon"], columns["lat"], strict=True)]
        return [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]

    # Bulk writes go straight to the driver (executemany; COPY on PostgreSQL): SQLAlchemy's per-row
    # parameter processing doubled the write time of a 100k-row import. Column names come from the schema.
    def _placeholder(self, column: str) -> str:
        mark = "%s" if self.postgis else "?"
        return f"ST_GeomFromEWKT({mark})" if column == "geom" else mark

    def _insert_many(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        names = list(rows[0])
        if self.postgis:  # COPY parses the EWKT of `geom` itself
            cursor = conn.connection.driver_connection.cursor()
            with cursor, cursor.copy(f"COPY initiatives ({', '.join(names)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(tuple(row.values()))
            return
        marks = ", ".join(self._placeholder(n) for n in names)
        statement = f"INSERT INTO initiatives ({', '.join(names)}) VALUES ({marks})"
        conn.exec_driver_sql(statement, [tuple(row.values()) for row in rows])

    def _update_many(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        names = [n for n in rows[0] if n != "id"]
        assignments = ", ".join(f"{n} = {self._placeholder(n)}" for n in names)
        statement = f"UPDATE initiatives SET {assignments} WHERE id = {self._placeholder('id')}"
        conn.exec_driver_sql(statement, [(*(row[n] for n in names), row["id"]) for row in rows])

    def _stored(self, conn: Connection, ids: list[str]) -> dict[str, sa.Row[Any]]:
        """id -> (content_hash, created_at, contact) of the given ids already stored."""
        table = self.initiatives
        found: dict[str, sa.Row[Any]] = {}
        for start in range(0, len(ids), _ID_CHUNK):
            query = sa.select(table.c.id, table.c.content_hash, table.c.created_at, table.c.contact).where(
                table.c.id.in_(ids[start : start + _ID_CHUNK])
            )
            found.update((row.id, row) for row in conn.execute(query))
        return found


def _public(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k in PUBLIC_COLUMNS}


def _hidden(row: Mapping[str, Any], names: Sequence[str]) -> dict[str, Any]:
    """The `names` fields of `row` for the audit log: a private value is logged as changed, never shown."""
    return {name: "(private)" if name in PRIVATE_COLUMNS else row[name] for name in names}


def _v1_create_tables(store: Store, conn: Connection) -> None:
    """Version 1: PostGIS (when PostgreSQL) and the four tables."""
    if store.postgis and conn.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")).first() is None:
        try:
            with conn.begin_nested():
                conn.execute(sa.text("CREATE EXTENSION postgis"))
        except sa.exc.DBAPIError as exc:
            raise StoreError(
                f"{store.url}: PostGIS is not enabled and cannot be: run `CREATE EXTENSION postgis` as a superuser"
            ) from exc
    store._meta.create_all(conn)


def _v2_image_and_story(store: Store, conn: Connection) -> None:
    """Version 2: the contribution form's `image_url` and `story` (version 1 tables made before them)."""
    present = {column["name"] for column in sa.inspect(conn).get_columns("initiatives")}
    for name in ("image_url", "story"):
        if name not in present:
            conn.execute(sa.text(f"ALTER TABLE initiatives ADD COLUMN {name} TEXT"))


def _v3_revision(store: Store, conn: Connection) -> None:
    """Version 3: the revision counter (made by version 1 on stores created since)."""
    store.revision_table.create(conn, checkfirst=True)
    if conn.execute(sa.select(store.revision_table.c.id)).first() is None:
        conn.execute(sa.insert(store.revision_table), {"id": 1, "revision": 0})


_MIGRATIONS: list[Callable[[Store, Connection], None]] = [_v1_create_tables, _v2_image_and_story, _v3_revision]


def _sqlite_engine(url: sa.URL) -> Engine:
    """An SQLite engine in WAL mode whose write transactions take the write lock at BEGIN."""
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url)

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event issues BEGIN itself
        dbapi_connection.execute("PRAGMA busy_timeout = 60000")
        dbapi_connection.execute("PRAGMA journal_mode = WAL")
        dbapi_connection.execute("PRAGMA synchronous = NORMAL")

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("bim_write") else "BEGIN")

    return engine


def open_store(settings: Settings) -> Store:
    """Open (creating or upgrading) the store at `settings.database_url`."""
    try:
        url = sa.make_url(settings.database_url)
    except sa.exc.ArgumentError as exc:
        raise StoreError(f"BIM_DATABASE_URL {settings.database_url!r} is not a database URL") from exc
    if url.get_backend_name() == "sqlite":
        return Store(_sqlite_engine(url))
    if url.get_backend_name() == "postgresql":
        return Store(sa.create_engine(url, pool_pre_ping=True))
    raise StoreError(f"BIM_DATABASE_URL {url.render_as_string()!r}: use sqlite:///FILE or postgresql+psycopg://...")
