"""Owners' edit links and claims of imported initiatives.

An edit link carries a random token (secrets) shown once; only its SHA-256 is stored, so a copy of the
database opens no initiative. Moderators can revoke a record's links. A claim sends a link to the
contact address already on record (never shown to the claimant), or, without one, waits in `claims`
for a moderator to check the claimant by hand.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa

from core.errors import RecordNotFoundError, StoreError, SubmissionError
from core.settings import Settings
from ingest import mail
from ingest.store import Store, now_iso

TOKEN_BYTES = 32


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def edit_link(settings: Settings, record_id: str, token: str) -> str:
    """The private address of an initiative's edit page."""
    return f"{settings.public_url}/initiative?{urlencode({'id': record_id, 'edit': token})}"


def issue(store: Store, record_id: str, actor: str) -> str:
    """A new edit token for `record_id` (the caller shows or mails it once; only its hash is kept)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with store.backend.write() as conn:
        _issue(conn, store, record_id, token, actor)
    return token


def _issue(conn: sa.Connection, store: Store, record_id: str, token: str, actor: str) -> None:
    table = store.tables.initiatives
    if conn.execute(sa.select(table.c.id).where(table.c.id == record_id)).first() is None:
        raise RecordNotFoundError(f"{store.url}: no initiative with id {record_id}")
    values = {"record_id": record_id, "token_hash": _digest(token), "created_at": now_iso(), "created_by": actor}
    conn.execute(sa.insert(store.tables.edit_tokens).values(values))
    store.audit(conn, actor, record_id, "edit_link", {"issued": True})


def record_for(store: Store, token: str, record_id: str) -> bool:
    """Whether `token` is a live (not revoked) edit link of `record_id`."""
    table = store.tables.edit_tokens
    query = sa.select(table.c.id).where(
        table.c.token_hash == _digest(token), table.c.record_id == record_id, table.c.revoked_at.is_(None)
    )
    with store.engine.connect() as conn:
        return conn.execute(query).first() is not None


def links(store: Store, record_id: str) -> list[dict[str, Any]]:
    """The edit links of one initiative (when, by whom, revoked when), for moderators; no token."""
    table = store.tables.edit_tokens
    columns = (table.c.id, table.c.created_at, table.c.created_by, table.c.revoked_at, table.c.revoked_by)
    with store.engine.connect() as conn:
        found = conn.execute(sa.select(*columns).where(table.c.record_id == record_id).order_by(table.c.id))
        return [dict(row._mapping) for row in found]


def revoke(store: Store, record_id: str, moderator: str) -> int:
    """Revoke every live edit link of one initiative; returns how many."""
    table = store.tables.edit_tokens
    with store.backend.write() as conn:
        live = sa.and_(table.c.record_id == record_id, table.c.revoked_at.is_(None))
        count = conn.execute(sa.update(table).where(live).values(revoked_at=now_iso(), revoked_by=moderator)).rowcount
        if count:
            store.audit(conn, moderator, record_id, "revoke_links", {"revoked": count})
    return int(count)


def send_edit_link(store: Store, settings: Settings, compose: mail.Compose, record_id: str) -> str:
    """A new edit link for a proposer: returned to show once, and mailed to the record's contact when
    mail is on."""
    record = _record(store, record_id)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with store.backend.write() as conn:
        _issue(conn, store, record_id, token, "citizen")
        if settings.mail_enabled and record.get("contact"):
            values = {"name": record["name"] or "", "link": edit_link(settings, record_id, token)}
            _queue(conn, store, compose, "edit_link", record["contact"], values, record_id)
    return token


def claim(
    store: Store, settings: Settings, compose: mail.Compose, record_id: str, claimant: str = "", message: str = ""
) -> str:
    """Claim an initiative: "sent" (a link went to the contact on record), "manual" (no contact: queued
    for moderators with the claimant's address), or "off" (mail is not configured)."""
    if not settings.mail_enabled:
        return "off"
    record = _record(store, record_id)
    with store.backend.write() as conn:
        if record.get("contact"):
            token = secrets.token_urlsafe(TOKEN_BYTES)
            _issue(conn, store, record_id, token, "claim")
            values = {"name": record["name"] or "", "link": edit_link(settings, record_id, token)}
            _queue(conn, store, compose, "claim_link", record["contact"], values, record_id)
            store.audit(conn, "visitor", record_id, "claim", {"route": "contact on record"})
            return "sent"
        if "@" not in claimant or any(c in claimant for c in "\r\n <>,"):
            raise SubmissionError({"email": "not_email"})
        row = {"record_id": record_id, "created_at": now_iso(), "status": "manual", "claimant": claimant.strip()}
        conn.execute(sa.insert(store.tables.claims).values(**row, message=message.strip()[:2000] or None))
        store.audit(conn, "visitor", record_id, "claim", {"route": "manual check"})
    return "manual"


def manual_claims(store: Store) -> list[dict[str, Any]]:
    """Claims waiting for a moderator's check, oldest first (with the claimant's own address)."""
    table = store.tables.claims
    with store.engine.connect() as conn:
        found = conn.execute(sa.select(table).where(table.c.status == "manual").order_by(table.c.id))
        return [dict(row._mapping) for row in found]


def decide_claim(
    store: Store, settings: Settings, compose: mail.Compose, claim_id: int, grant: bool, moderator: str
) -> None:
    """Grant a manual claim (an edit link goes to the claimant) or refuse it."""
    table = store.tables.claims
    with store.backend.write() as conn:
        row = conn.execute(sa.select(table).where(table.c.id == claim_id, table.c.status == "manual")).first()
        if row is None:
            raise StoreError(f"{store.url}: no claim {claim_id} waiting for a check")
        decision = {"status": "granted" if grant else "refused", "decided_at": now_iso(), "decided_by": moderator}
        conn.execute(sa.update(table).where(table.c.id == claim_id).values(decision))
        store.audit(conn, moderator, row.record_id, "claim_decided", {"granted": grant})
        if grant:
            token = secrets.token_urlsafe(TOKEN_BYTES)
            _issue(conn, store, row.record_id, token, moderator)
            name = _record(store, row.record_id)["name"] or ""
            values = {"name": name, "link": edit_link(settings, row.record_id, token)}
            _queue(conn, store, compose, "claim_link", row.claimant, values, row.record_id)


def notify_outcome(
    store: Store, settings: Settings, compose: mail.Compose, record_id: str, outcome: str, reason: str = ""
) -> bool:
    """Tell the contributor (the record's contact) a moderator's decision; False when mail is off or
    there is no contact. `outcome`: published, rejected, edit_approved, edit_rejected."""
    record = _record(store, record_id)
    if not settings.mail_enabled or not record.get("contact"):
        return False
    values = {"name": record["name"] or "", "outcome": outcome, "reason": reason}
    with store.backend.write() as conn:
        _queue(conn, store, compose, "moderation_outcome", record["contact"], values, record_id)
    return True


def _record(store: Store, record_id: str) -> dict[str, Any]:
    record = store.get(record_id)
    if record is None:
        raise RecordNotFoundError(f"{store.url}: no initiative with id {record_id}")
    return record


def _queue(
    conn: sa.Connection,
    store: Store,
    compose: mail.Compose,
    kind: str,
    recipient: str,
    values: dict[str, str],
    record_id: str,
) -> None:
    subject, body = compose(kind, values)
    mail.enqueue(conn, store, mail.Letter(kind, recipient, subject, body, record_id=record_id))
