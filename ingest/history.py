"""The history of an initiative: its versions (who, when, what changed), the current version number
that a save is checked against, field-by-field differences, and reverting to any version.

Versions are written by the store in the transaction of each change (ingest/store/versions.py); this
module reads them and turns a revert into one more version, so a revert can itself be reverted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from core.errors import RecordNotFoundError
from ingest.contribute import EDITABLE
from ingest.store import Store

# What a revert restores: the content owners and moderators edit, and the point with its places.
RESTORED = (*EDITABLE, "lon", "lat", "nis_code", "quartier_code", "sector_code", "geocode_precision")


@dataclass(frozen=True)
class Version:
    """One version of an initiative: number, when, who (actor and kind), action, changed fields, public fields."""

    number: int
    at: str
    actor: str
    actor_kind: str
    action: str
    changed: tuple[str, ...]
    data: dict[str, Any]


@dataclass(frozen=True)
class FieldChange:
    """One field that differs between two versions of an initiative."""

    field: str
    before: Any
    after: Any


def versions(store: Store, record_id: str) -> list[Version]:
    """Every version of one initiative, oldest first."""
    table = store.tables.versions
    query = sa.select(table).where(table.c.record_id == record_id).order_by(table.c.version)
    with store.engine.connect() as conn:
        found = conn.execute(query).all()
    return [
        Version(r.version, r.at, r.actor, r.actor_kind, r.action, tuple(json.loads(r.changed)), json.loads(r.data))
        for r in found
    ]


def current_version(store: Store, record_id: str) -> int:
    """The latest version number of an initiative: what an editor's save says it was based on."""
    table = store.tables.versions
    with store.engine.connect() as conn:
        found = conn.execute(sa.select(sa.func.max(table.c.version)).where(table.c.record_id == record_id)).scalar()
    if found is None:
        raise RecordNotFoundError(f"{store.url}: no initiative with id {record_id}")
    return int(found)


def last_updated(store: Store, record_id: str) -> str | None:
    """When the initiative last changed (ISO 8601 UTC), for the page's "last updated"."""
    found = versions(store, record_id)
    return found[-1].at if found else None


def differences(before: dict[str, Any], after: dict[str, Any], fields: tuple[str, ...] = RESTORED) -> list[FieldChange]:
    """The fields of `fields` whose value differs between two records, in that order."""
    return [FieldChange(f, before.get(f), after.get(f)) for f in fields if before.get(f) != after.get(f)]


def revert(store: Store, record_id: str, number: int, actor: str, based_on: int | None = None) -> bool:
    """Make version `number`'s content the current one (a new version by moderator `actor`).

    Status and the private contact are left as they are. Returns False when nothing differs.
    Raises RecordNotFoundError for an unknown version, ConflictError when `based_on` is stale.
    """
    chosen = next((v for v in versions(store, record_id) if v.number == number), None)
    if chosen is None:
        raise RecordNotFoundError(f"{store.url}: initiative {record_id} has no version {number}")
    current = store.get(record_id) or {}
    changes = {c.field: c.after for c in differences(current, chosen.data)}
    if not changes:
        return False
    store.update_fields(record_id, changes, actor, kind="moderator", based_on=based_on, action=f"revert to {number}")
    return True
