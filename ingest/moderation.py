"""What a moderator account may do to the records, checked here and not only by the page.

Every function takes the logged-in `Account`: an editor of one commune reads only that commune's
queue, and each action on a record outside it (reading it, its audit trail, a status, an edit, a
move out of the commune) raises AccessError before anything is read or written. The audit log
names the account.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from core.errors import AccessError, RecordNotFoundError
from core.settings import Settings
from ingest import contribute
from ingest.accounts import Account
from ingest.store import Store


def review_queue(store: Store, account: Account) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The pending initiatives this account moderates, and their likely duplicates (contribute.review_queue)."""
    return contribute.review_queue(store, nis_codes=account.communes)


def record(store: Store, account: Account, record_id: str) -> dict[str, Any]:
    """One initiative with every field, if it is this account's to moderate."""
    found = store.get(record_id)
    if found is None:
        raise RecordNotFoundError(f"{store.url}: no initiative with id {record_id}")
    if not account.may_moderate(found["nis_code"]):
        raise AccessError(f"account {account.name!r} moderates commune {account.commune} only, not {record_id}")
    return found


def set_status(store: Store, account: Account, record_id: str, status: str, reason: str) -> None:
    """Publish, reject (with its reason) or hold an initiative, in the account's name."""
    record(store, account, record_id)
    store.set_status(record_id, status, reason, account.name)


def mark_duplicate(store: Store, account: Account, record_id: str, original_id: str) -> None:
    """Mark an initiative as a duplicate of another, published or the account's own."""
    record(store, account, record_id)
    original = store.get(original_id)
    if original_id == record_id or original is None:
        raise RecordNotFoundError(f"{store.url}: no other initiative with id {original_id}")
    if original["status"] != "published" and not account.may_moderate(original["nis_code"]):
        raise AccessError(f"account {account.name!r} cannot see initiative {original_id}")
    store.set_status(record_id, "duplicate", f"duplicate of {original_id}", account.name)


def save_edit(store: Store, account: Account, record_id: str, changes: dict[str, Any]) -> None:
    """Edit fields of an initiative, checked like the form (contribute.save_edit)."""
    record(store, account, record_id)
    contribute.save_edit(store, record_id, changes, account.name)


def move_point(store: Store, account: Account, record_id: str, lon: float, lat: float, settings: Settings) -> None:
    """Move an initiative's point; an editor cannot move it out of their commune."""
    changes = contribute.moved_point(record(store, account, record_id), lon, lat, settings)
    if not account.may_moderate(changes["nis_code"]):
        raise AccessError(f"account {account.name!r} cannot move {record_id} out of commune {account.commune}")
    store.update_fields(record_id, changes, account.name)


def audit_trail(store: Store, account: Account, record_id: str) -> list[dict[str, Any]]:
    """The audit entries of an initiative this account moderates."""
    record(store, account, record_id)
    return store.audit_trail(record_id)
