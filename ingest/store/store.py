"""The Store: reading, upserting and moderating initiatives over one backend; `open_store` picks it.

Every write is one transaction of the backend's `write()`, which serialises writers, so concurrent
writers lose and duplicate nothing and the new/updated/unchanged counts are exact.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.errors import RecordNotFoundError, StoreError
from core.record import PRIVATE_COLUMNS, PUBLIC_COLUMNS, RECORD_COLUMNS, STATUSES
from core.settings import Settings
from core.text import is_missing
from ingest.store import migrations, rows, schema, versions
from ingest.store.accounts import AccountsMixin
from ingest.store.backend import Backend
from ingest.store.rows import CONTENT_COLUMNS, now_iso
from ingest.store.sqlite import SqliteBackend

# Columns that moderators (update_fields) may not change: identity and bookkeeping.
FIXED_COLUMNS = frozenset({"id", "source_name", "source_key", "created_at", "updated_at"})
SUBMISSION_SOURCE = "form"
_ID_CHUNK = 5000


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


class Store(AccountsMixin):
    """The initiatives of one database; build it with `open_store(settings)`."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.engine = backend.engine
        self.tables = schema.declare(backend.spatial_columns())
        migrations.upgrade(backend, self.tables)

    @property
    def postgis(self) -> bool:
        """Whether this is a PostGIS store (with a `geom` column)."""
        return self.backend.name == "postgis"

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    def _write(self) -> AbstractContextManager[Connection]:
        """One write transaction, serialised with every other writer of this database."""
        return self.backend.write()

    def version(self) -> int:
        """The recorded schema version."""
        with self.engine.connect() as conn:
            return migrations.recorded_version(conn, self.tables)

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
        table = self.tables.initiatives
        query = sa.select(*(table.c[c] for c in columns)).order_by(table.c.name, table.c.id)
        if status is not None:
            query = query.where(table.c.status == status)
        if nis_codes is not None:
            query = query.where(table.c.nis_code.in_(list(nis_codes)))
        if categories is not None:
            query = query.where(table.c.category.in_(list(categories)))
        with self.engine.connect() as conn:
            found = conn.execute(query).all()
        frame = pd.DataFrame.from_records(found, columns=list(columns))
        for name in schema.FLOAT_COLUMNS:
            frame[name] = frame[name].astype(float)
        frame["source_row"] = frame["source_row"].astype("Int64")
        return frame

    def get(self, record_id: str) -> dict[str, Any] | None:
        """One initiative with every field, contact included (for moderators), or None."""
        table = self.tables.initiatives
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(*(table.c[c] for c in RECORD_COLUMNS)).where(table.c.id == record_id)).first()
        return None if row is None else dict(row._mapping)

    def revision(self) -> int:
        """A number that grows with every change to the initiatives (a cache key for their readers)."""
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(self.tables.revision.c.revision)).scalar_one())

    def count(self, status: str | None = None) -> int:
        """How many initiatives (of one status, or all)."""
        table = self.tables.initiatives
        query = sa.select(sa.func.count()).select_from(table)
        if status is not None:
            query = query.where(table.c.status == status)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def import_history(self) -> pd.DataFrame:
        """Every recorded import, oldest first."""
        runs = self.tables.import_runs
        with self.engine.connect() as conn:
            result = conn.execute(sa.select(runs).order_by(runs.c.id))
            return pd.DataFrame(result.all(), columns=list(result.keys()))

    def audit_trail(self, record_id: str) -> list[dict[str, Any]]:
        """The audit entries of one initiative, oldest first, with before/after decoded."""
        log = self.tables.audit_log
        with self.engine.connect() as conn:
            found = conn.execute(sa.select(log).where(log.c.record_id == record_id).order_by(log.c.id)).all()
        return [
            {**row._mapping, "before": json.loads(row.before or "null"), "after": json.loads(row.after or "null")}
            for row in found
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
        prepared = self._prepared(records)
        ids = [row["id"] for row in prepared]
        twice = [i for i, n in Counter(ids).items() if n > 1]
        if twice:
            raise StoreError(f"{self.url}: two records in one upsert have the id {twice[0]} (same source and key)")
        with self._write() as conn:
            stored = self._stored(conn, ids)
            stamp = now_iso()
            outcomes, new, changed = [], [], []
            for row in prepared:
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
                len(new), len(changed), len(prepared) - len(new) - len(changed), tuple(outcomes), tuple(ids)
            )
            if dry_run:
                return summary
            if changed:
                self._version_updates(conn, changed, import_run)
            if new:
                self.backend.insert_many(conn, new)
                actor = import_run.source_name if import_run else "import"
                entries = ((row, 1, [c for c in CONTENT_COLUMNS if row[c] is not None]) for row in new)
                versions.append(conn, self.tables, entries, actor, "import", "import")
            if changed:
                self.backend.update_many(conn, changed)
            if new or changed:
                self._changed(conn)
            if import_run is not None:
                self._record_import(conn, import_run, summary)
        return summary

    def add_submission(self, record: Mapping[str, Any], actor: str = "citizen") -> str:
        """Store one citizen submission (pending unless a status is given) and return its id.

        Exactly once: the id comes from (source_name, source_key) — give the form's submission
        token as `source_key`, else the content decides — so a repeated or concurrent identical
        submission stores one record.
        """
        values = {"source_name": SUBMISSION_SOURCE, "status": "pending", **record}
        if is_missing(values.get("source_key")):
            values["source_key"] = rows.content_hashes(rows.normalised(pd.DataFrame([values])))[0]
        row = self._prepared(pd.DataFrame([values]))[0]
        table = self.tables.initiatives
        with self._write() as conn:
            if conn.execute(sa.select(table.c.id).where(table.c.id == row["id"])).first() is None:
                row["created_at"] = row["updated_at"] = now_iso()
                conn.execute(sa.insert(table), row)
                self._audit(conn, actor, row["id"], "submit", None, _public(row))
                versions.append(conn, self.tables, [(row, 1, ())], actor, "owner", "submit")
                self._changed(conn)
        return row["id"]

    def set_status(self, record_id: str, status: str, reason: str, actor: str) -> None:
        """Change one initiative's status (moderation), with its reason, in the audit log."""
        if status not in STATUSES:
            raise StoreError(f"unknown status {status!r}: use one of {', '.join(STATUSES)}")
        self._change(record_id, {"status": status, "status_reason": reason}, actor, "set_status")

    def update_fields(
        self,
        record_id: str,
        changes: Mapping[str, Any],
        actor: str,
        *,
        kind: str = "moderator",
        based_on: int | None = None,
        action: str = "update_fields",
    ) -> None:
        """Edit fields of one initiative; before and after go to the audit log (contact hidden), and
        the result is its next version, by `actor` of `kind` (owner, moderator, import).

        With `based_on` (the version the editor started from), a save refused with ConflictError
        when another version was saved since.
        """
        unknown = sorted(set(changes) - set(RECORD_COLUMNS))
        fixed = sorted(set(changes) & FIXED_COLUMNS)
        if unknown or fixed:
            raise StoreError(f"cannot update fields {', '.join(unknown + fixed)} of initiative {record_id}")
        if "status" in changes and changes["status"] not in STATUSES:
            raise StoreError(f"unknown status {changes['status']!r}: use one of {', '.join(STATUSES)}")
        self._change(record_id, changes, actor, action, kind, based_on)

    def _change(
        self,
        record_id: str,
        changes: Mapping[str, Any],
        actor: str,
        action: str,
        kind: str = "moderator",
        based_on: int | None = None,
    ) -> None:
        table = self.tables.initiatives
        with self._write() as conn:
            current = versions.checked(conn, self.tables, record_id, based_on)
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
            versions.append(conn, self.tables, [(row, current + 1, diff)], actor, kind, action)
            self._changed(conn)

    def _changed(self, conn: Connection) -> None:
        """Move the revision, in the transaction that changed initiatives."""
        revision = self.tables.revision
        conn.execute(sa.update(revision).values(revision=revision.c.revision + 1))

    def _version_updates(self, conn: Connection, changed: list[dict[str, Any]], run: ImportRun | None) -> None:
        """The next version of each record an import rewrites, naming the content fields that changed."""
        ids = [row["id"] for row in changed]
        table = self.tables.initiatives
        before: dict[str, Mapping[Any, Any]] = {}
        for start in range(0, len(ids), _ID_CHUNK):
            query = sa.select(*(table.c[c] for c in RECORD_COLUMNS)).where(
                table.c.id.in_(ids[start : start + _ID_CHUNK])
            )
            before.update((row["id"], row) for row in conn.execute(query).mappings())
        latest = versions.latest(conn, self.tables, ids)
        entries = [
            (
                row,
                latest.get(row["id"], 0) + 1,
                [c for c in (*CONTENT_COLUMNS, "contact") if row[c] != before[row["id"]][c]],
            )
            for row in changed
        ]
        versions.append(conn, self.tables, entries, run.source_name if run else "import", "import", "import")

    def _record_import(self, conn: Connection, run: ImportRun, summary: UpsertSummary) -> None:
        counts = {"new": summary.new, "updated": summary.updated, "unchanged": summary.unchanged}
        conn.execute(sa.insert(self.tables.import_runs), {**asdict(run), "finished_at": now_iso(), **counts})

    def audit(self, conn: Connection, actor: str, record_id: str, action: str, details: Mapping[str, Any]) -> None:
        """Log an action about an initiative (mail, claims, reports) in the audit log, within `conn`'s
        transaction; `details` must hold no address nor message body."""
        self._audit(conn, actor, record_id, action, None, dict(details))

    def _audit(self, conn: Connection, actor: str, record_id: str, action: str, before: Any, after: Any) -> None:
        conn.execute(
            sa.insert(self.tables.audit_log),
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
        return rows.prepared(records, self.backend.spatial_values)

    def _stored(self, conn: Connection, ids: list[str]) -> dict[str, sa.Row[Any]]:
        """id -> (content_hash, created_at, contact) of the given ids already stored."""
        table = self.tables.initiatives
        found: dict[str, Any] = {}
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


def open_store(settings: Settings) -> Store:
    """Open (creating or upgrading) the store at `settings.database_url`."""
    try:
        url = sa.make_url(settings.database_url)
    except sa.exc.ArgumentError as exc:
        raise StoreError(f"BIM_DATABASE_URL {settings.database_url!r} is not a database URL") from exc
    if url.get_backend_name() == "sqlite":
        return Store(SqliteBackend(url))
    if url.get_backend_name() == "postgresql":
        from ingest.store.postgis import PostgisBackend  # only here: SQLite stores never load geoalchemy2/psycopg

        return Store(PostgisBackend(url))
    raise StoreError(f"BIM_DATABASE_URL {url.render_as_string()!r}: use sqlite:///FILE or postgresql+psycopg://...")
