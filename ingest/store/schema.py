"""The tables of the store, declared once for both backends.

`initiatives` holds core.record.RECORD_COLUMNS plus the content hash, and whatever spatial columns the
backend adds (PostGIS: a Point 4326 `geom`). A table declared here exists in a database only once a
migration (migrations.py) creates it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from core.record import RECORD_COLUMNS
from ingest.store import owner_tables

FLOAT_COLUMNS = ("lon", "lat", "geocode_score")
INT_COLUMNS = ("source_row",)


@dataclass(frozen=True)
class Tables:
    """The store's tables, all in one MetaData."""

    meta: sa.MetaData
    initiatives: sa.Table  # one row per initiative
    schema_version: sa.Table  # one row per applied migration
    import_runs: sa.Table  # one summary per import
    audit_log: sa.Table  # moderation: who, when, what, before/after JSON
    revision: sa.Table  # one counter that every change of an initiative moves
    versions: sa.Table  # every version of every initiative (owner_tables.py, from here on)
    pending_changes: sa.Table
    edit_tokens: sa.Table
    claims: sa.Table
    outbox: sa.Table
    events: sa.Table
    reports: sa.Table
    throttle: sa.Table
    accounts: sa.Table  # moderators: name, scrypt hash, commune (an editor's) or none (the region's)
    login_failures: sa.Table  # the login lockout, per account, shared by every app process
    pictures: sa.Table  # the pictures of initiatives, their bytes included (ingest.gallery says why)


def declare(spatial_columns: Sequence[sa.Column[Any]] = ()) -> Tables:
    """The tables; `spatial_columns` (fresh Column objects from the backend) end `initiatives`."""
    meta = sa.MetaData()
    columns: list[sa.Column[Any]] = [sa.Column("id", sa.String(36), primary_key=True)]
    for name in RECORD_COLUMNS[1:]:
        kind: Any = sa.Float if name in FLOAT_COLUMNS else sa.Integer if name in INT_COLUMNS else sa.Text
        columns.append(sa.Column(name, kind, nullable=True))
    # Digest of the content as its source last gave it (see rows.CONTENT_COLUMNS).
    columns.append(sa.Column("content_hash", sa.String(32), nullable=False))
    initiatives = sa.Table(
        "initiatives",
        meta,
        *columns,
        *spatial_columns,
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
    accounts = sa.Table(
        "accounts",
        meta,
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("commune", sa.Text, nullable=True),  # NIS code of an editor's commune; none: region moderator
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
    )
    login_failures = sa.Table(
        "login_failures",
        meta,
        sa.Column("login", sa.Text, primary_key=True),  # an account's name, or ingest.accounts' other keys
        sa.Column("failures", sa.Text, nullable=False),  # JSON list of the recent failures' epoch seconds
        sa.Column("locked_until", sa.Float, nullable=False),  # epoch seconds
    )
    return Tables(
        meta,
        initiatives,
        schema_version,
        import_runs,
        audit_log,
        revision,
        owner_tables.declare_versions(meta),
        owner_tables.declare_pending_changes(meta),
        owner_tables.declare_edit_tokens(meta),
        owner_tables.declare_claims(meta),
        owner_tables.declare_outbox(meta),
        owner_tables.declare_events(meta),
        owner_tables.declare_reports(meta),
        owner_tables.declare_throttle(meta),
        accounts,
        login_failures,
        _pictures(meta),
    )


def _pictures(meta: sa.MetaData) -> sa.Table:
    """One row per picture of an initiative: caption, status, and its two re-encoded files with their
    content names (sha256), which the app serves them by."""
    return sa.Table(
        "pictures",
        meta,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("initiative_id", sa.String(36), nullable=False, index=True),
        sa.Column("status", sa.Text, nullable=False),
        *(sa.Column(name, sa.Text, nullable=False) for name in ("alt", "credit", "licence", "media_type")),
        sa.Column("display_digest", sa.String(64), nullable=False, index=True),
        sa.Column("display_width", sa.Integer, nullable=False),
        sa.Column("display_height", sa.Integer, nullable=False),
        sa.Column("display", sa.LargeBinary, nullable=False),
        sa.Column("thumb_digest", sa.String(64), nullable=False, index=True),
        sa.Column("thumb_width", sa.Integer, nullable=False),
        sa.Column("thumb_height", sa.Integer, nullable=False),
        sa.Column("thumbnail", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
    )
