"""Reviewed edits: an owner's edit of a published initiative waits for a moderator while the published
version stays live; moderators see it field by field and approve or reject it.

An edit records the version it was based on. Approving applies it with that version check, so an
edit overtaken by another change is refused (ConflictError) rather than silently undoing it; so is a
save from a form opened before another edit of the same version was sent (two tabs). An owner's form
starts from the edits still waiting, and its save replaces them, so moderators review the latest. An
edit of an initiative that is not published yet is applied at once: nothing of it shows before approval.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from core.errors import ConflictError, EditSentConflictError, RecordNotFoundError, StoreError, SubmissionError
from ingest import history
from ingest.contribute import EDITABLE, check_fields
from ingest.store import Store, now_iso


@dataclass(frozen=True)
class PendingEdit:
    """An edit waiting for review, with each changed field's published and proposed value."""

    id: int
    record_id: str
    name: str
    base_version: int
    actor: str
    submitted_at: str
    changes: list[history.FieldChange]


def proposed_values(edits: list[PendingEdit]) -> dict[str, Any]:
    """The fields that `edits` (one initiative's, from `pending_edits`) would change, later edits over
    earlier ones: where an owner's form starts from, so a second edit carries on from the first."""
    return {change.field: change.after for edit in edits for change in edit.changes}


def latest_edit(store: Store, record_id: str) -> int:
    """The number of the newest edit sent for `record_id` (any outcome; 0: none), which an edit form
    keeps beside the version it was drawn from (`propose_edit(..., seen_edit=)`)."""
    table = store.tables.pending_changes
    with store.engine.connect() as conn:
        return _latest_edit(conn, table, record_id)


def _latest_edit(conn: sa.Connection, table: sa.Table, record_id: str) -> int:
    return int(conn.execute(sa.select(sa.func.max(table.c.id)).where(table.c.record_id == record_id)).scalar() or 0)


def propose_edit(
    store: Store,
    record_id: str,
    changes: dict[str, Any],
    based_on: int,
    actor: str = "owner",
    seen_edit: int | None = None,
) -> int | None:
    """Check an owner's edit of `EDITABLE` fields like the form and store it for review.

    Returns the pending change's id, or None when the initiative is not published and the edit was
    applied at once (or changed nothing). Raises SubmissionError for a bad field, ConflictError when
    `based_on` is not the current version, EditSentConflictError when `seen_edit` (the `latest_edit`
    the form saw) is older than the newest edit sent: two tabs opened on one version cannot both wait.
    With `seen_edit`, the edit replaces those still waiting (status "superseded"): the form started
    from their values (`proposed_values`).
    """
    current = store.get(record_id)
    if current is None:
        raise RecordNotFoundError(f"{store.url}: no initiative with id {record_id}")
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise StoreError(f"initiative {record_id}: fields {', '.join(unknown)} cannot be edited through a link")
    record, problems = check_fields({field: current.get(field) for field in EDITABLE} | changes)
    if problems:
        raise SubmissionError(problems)
    normalised = {f: record[f] for f in changes if record[f] != current.get(f)}
    current_version = history.current_version(store, record_id)
    if current_version != based_on:
        raise ConflictError(record_id, based_on, current_version)
    if not normalised:
        return None
    if current["status"] != "published":
        store.update_fields(record_id, normalised, actor, kind="owner", based_on=based_on)
        return None
    values = {
        "record_id": record_id,
        "base_version": based_on,
        "changes": json.dumps(normalised, ensure_ascii=False),
        "actor": actor,
        "actor_kind": "owner",
        "submitted_at": now_iso(),
        "status": "pending",
    }
    return _store_pending(store, values, seen_edit)


def _store_pending(store: Store, values: dict[str, Any], seen_edit: int | None) -> int:
    """Store an edit for review. A form that saw every edit sent (`seen_edit`) started from their
    proposed values, so its edit replaces those still waiting: the moderators review the latest only."""
    table = store.tables.pending_changes
    record_id = values["record_id"]
    with store.backend.write() as conn:  # writers are serialised: no edit can slip in between
        newest = _latest_edit(conn, table, record_id)
        if seen_edit is not None and newest > seen_edit:
            raise EditSentConflictError(record_id, values["base_version"], seen_edit, newest)
        change_id = int(conn.execute(sa.insert(table).values(values).returning(table.c.id)).scalar_one())
        if seen_edit is not None:
            waiting = sa.and_(table.c.record_id == record_id, table.c.status == "pending", table.c.id < change_id)
            replaced = {"status": "superseded", "decided_at": values["submitted_at"], "decided_by": values["actor"]}
            conn.execute(sa.update(table).where(waiting).values(replaced | {"reason": f"replaced by edit {change_id}"}))
        return change_id


def pending_edits(store: Store, record_id: str | None = None) -> list[PendingEdit]:
    """The edits waiting for review (of one initiative, or all), oldest first, as field-by-field diffs."""
    table = store.tables.pending_changes
    query = sa.select(table).where(table.c.status == "pending").order_by(table.c.id)
    if record_id is not None:
        query = query.where(table.c.record_id == record_id)
    with store.engine.connect() as conn:
        found = conn.execute(query).all()
    edits = []
    for row in found:
        proposed = json.loads(row.changes)
        published = store.get(row.record_id) or {}
        diff = history.differences(published, published | proposed, tuple(proposed))
        edits.append(
            PendingEdit(
                row.id, row.record_id, published.get("name") or "", row.base_version, row.actor, row.submitted_at, diff
            )
        )
    return edits


def approve(store: Store, change_id: int, moderator: str) -> str:
    """Publish a pending edit (a new version by its owner, approved by `moderator`); returns the record id.

    Raises ConflictError when the initiative changed since the edit was based on it (reject it then).
    """
    row = _pending(store, change_id)
    store.update_fields(
        row.record_id,
        json.loads(row.changes),
        moderator,
        kind="owner",
        based_on=row.base_version,
        action="approve_edit",
    )
    _decide(store, change_id, "approved", moderator, None)
    return str(row.record_id)


def reject(store: Store, change_id: int, moderator: str, reason: str) -> str:
    """Refuse a pending edit (the published version stays); returns the record id."""
    row = _pending(store, change_id)
    _decide(store, change_id, "rejected", moderator, reason)
    return str(row.record_id)


def _pending(store: Store, change_id: int) -> sa.Row[Any]:
    table = store.tables.pending_changes
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(table).where(table.c.id == change_id)).first()
    if row is None or row.status != "pending":
        raise StoreError(f"{store.url}: no pending edit {change_id} (already decided, or unknown)")
    return row


def _decide(store: Store, change_id: int, status: str, moderator: str, reason: str | None) -> None:
    table = store.tables.pending_changes
    decision = {"status": status, "decided_at": now_iso(), "decided_by": moderator, "reason": reason}
    with store.backend.write() as conn:
        conn.execute(sa.update(table).where(table.c.id == change_id).values(decision))
