"""The tables that keep an entry alive: versions, reviewed changes, edit links, claims, mail, events, reports.

Declared apart from schema.py's core tables and created together by migration version 4. Private
values (a claimant's or a recipient's address, a message body) live only in `claims` and `outbox`,
which nothing public reads; an outbox row forgets its addresses and body once delivered.
"""

from __future__ import annotations

import sqlalchemy as sa


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def _record(index: bool = True) -> sa.Column[str]:
    return sa.Column("record_id", sa.String(36), nullable=False, index=index)


def _text(name: str, nullable: bool = True) -> sa.Column[str]:
    return sa.Column(name, sa.Text, nullable=nullable)


def declare_versions(meta: sa.MetaData) -> sa.Table:
    """Every version of every initiative: who (actor and kind), when, which fields changed, the public fields."""
    return sa.Table(
        "versions",
        meta,
        _id(),
        _record(index=False),  # the unique (record_id, version) index serves lookups by record
        sa.Column("version", sa.Integer, nullable=False),
        _text("at", False),
        _text("actor", False),
        _text("actor_kind", False),  # owner, moderator, import
        _text("action", False),
        _text("changed", False),  # JSON list of field names
        _text("data", False),  # JSON of the public fields after the change
        sa.UniqueConstraint("record_id", "version", name="uq_versions_record_version"),
    )


def declare_pending_changes(meta: sa.MetaData) -> sa.Table:
    """Edits of published initiatives waiting for a moderator, with the version they were based on."""
    return sa.Table(
        "pending_changes",
        meta,
        _id(),
        _record(),
        sa.Column("base_version", sa.Integer, nullable=False),
        _text("changes", False),  # JSON {field: new value}
        _text("actor", False),
        _text("actor_kind", False),
        _text("submitted_at", False),
        sa.Column("status", sa.Text, nullable=False, index=True),  # pending, approved, rejected
        _text("decided_at"),
        _text("decided_by"),
        _text("reason"),
    )


def declare_edit_tokens(meta: sa.MetaData) -> sa.Table:
    """Owners' edit links: only the SHA-256 of each token, revocable."""
    return sa.Table(
        "edit_tokens",
        meta,
        _id(),
        _record(),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        _text("created_at", False),
        _text("created_by", False),
        _text("revoked_at"),
        _text("revoked_by"),
    )


def declare_claims(meta: sa.MetaData) -> sa.Table:
    """Claims of imported initiatives that have no contact on record: a moderator checks them by hand."""
    return sa.Table(
        "claims",
        meta,
        _id(),
        _record(),
        _text("created_at", False),
        sa.Column("status", sa.Text, nullable=False, index=True),  # manual, granted, refused
        _text("claimant", False),  # private: the address the link goes to once granted
        _text("message"),
        _text("decided_at"),
        _text("decided_by"),
    )


def declare_outbox(meta: sa.MetaData) -> sa.Table:
    """Mail waiting to be sent (and retried), or sent (then without addresses nor body)."""
    return sa.Table(
        "outbox",
        meta,
        _id(),
        _text("created_at", False),
        _text("kind", False),
        sa.Column("record_id", sa.String(36), nullable=True),
        _text("recipient", False),
        _text("reply_to"),
        _text("subject", False),
        _text("body", False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.Text, nullable=True, index=True),
        _text("claimed_until"),
        _text("sent_at"),
        _text("last_error"),
    )


def declare_events(meta: sa.MetaData) -> sa.Table:
    """Events of initiatives; times are Brussels wall-clock `YYYY-MM-DDTHH:MM`."""
    return sa.Table(
        "events",
        meta,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("initiative_id", sa.String(36), nullable=False, index=True),
        _text("title", False),
        sa.Column("starts_at", sa.Text, nullable=False, index=True),
        _text("ends_at"),
        _text("place"),
        _text("description"),
        _text("url"),
        sa.Column("status", sa.Text, nullable=False, index=True),  # pending, published, rejected
        _text("actor", False),
        _text("actor_kind", False),
        _text("created_at", False),
        _text("decided_at"),
        _text("decided_by"),
        _text("reason"),
    )


def declare_reports(meta: sa.MetaData) -> sa.Table:
    """Visitors' reports of a problem with an initiative."""
    return sa.Table(
        "reports",
        meta,
        _id(),
        _record(),
        _text("kind", False),  # closed, moved, wrong, inappropriate
        _text("reason", False),
        _text("created_at", False),
        sa.Column("status", sa.Text, nullable=False, index=True),  # open, resolved, dismissed
        _text("decided_at"),
        _text("decided_by"),
    )


def declare_throttle(meta: sa.MetaData) -> sa.Table:
    """Recent actions per hashed (scope, client) key, for rate limits shared by every app process."""
    return sa.Table(
        "throttle",
        meta,
        _id(),
        sa.Column("key", sa.String(64), nullable=False),
        _text("at", False),
        sa.Index("ix_throttle_key_at", "key", "at"),
    )
