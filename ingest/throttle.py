"""Honeypot and rate limits for what visitors send (contact messages, reports), shared by every app
process through the store. A client is keyed by a hash, so the table holds no address nor session id."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from ingest.store import Store

WINDOW = timedelta(hours=1)


def is_spam(honeypot: str) -> bool:
    """A filled honeypot (a field hidden from people by CSS): a robot filled every field it saw."""
    return bool(honeypot.strip())


def allow(store: Store, scope: str, client: str, per_hour: int, now: datetime | None = None) -> bool:
    """Count one action of `client` in `scope`; False (nothing counted) when it already did `per_hour`
    within the last hour."""
    key = hashlib.sha256(f"{scope}\x1f{client}".encode()).hexdigest()
    moment = now or datetime.now(UTC)
    since = (moment - WINDOW).strftime("%Y-%m-%dT%H:%M:%SZ")
    table = store.tables.throttle
    with store.backend.write() as conn:
        conn.execute(sa.delete(table).where(table.c.key == key, table.c.at <= since))
        done = conn.execute(sa.select(sa.func.count()).select_from(table).where(table.c.key == key)).scalar_one()
        if done >= per_hour:
            return False
        conn.execute(sa.insert(table).values(key=key, at=moment.strftime("%Y-%m-%dT%H:%M:%SZ")))
    return True
