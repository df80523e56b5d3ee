"""Visitors' reports of a problem with an initiative (closed, moved, wrong information, inappropriate),
with a short reason; honeypot and a rate limit as for the contact form. Moderators see them grouped
per initiative and resolve (acted on) or dismiss them; a report never changes the initiative itself."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from core.errors import RecordNotFoundError, StoreError, SubmissionError
from core.settings import Settings
from ingest import throttle
from ingest.store import Store, now_iso

KINDS = ("closed", "moved", "wrong", "inappropriate")
REASON_CHARS = 1000


@dataclass(frozen=True)
class Reported:
    """The open reports of one initiative: how many of each kind, and each (id, kind, reason, when)."""

    record_id: str
    name: str
    counts: dict[str, int]
    reports: list[tuple[int, str, str, str]]


def report(
    store: Store, settings: Settings, record_id: str, kind: str, reason: str, client: str, honeypot: str = ""
) -> str:
    """File a report on a published initiative: "filed", or "limited" when `client` sent too many this
    hour; a filled honeypot returns "filed" and stores nothing. Raises SubmissionError for a bad kind
    or reason, RecordNotFoundError for an initiative that is not published."""
    text = reason.strip()
    problems = {}
    if kind not in KINDS:
        problems["kind"] = "required"
    if not text:
        problems["reason"] = "required"
    elif len(text) > REASON_CHARS:
        problems["reason"] = "too_long"
    if problems:
        raise SubmissionError(problems)
    if throttle.is_spam(honeypot):
        return "filed"
    record = store.get(record_id)
    if record is None or record["status"] != "published":
        raise RecordNotFoundError(f"{store.url}: no published initiative with id {record_id}")
    if not throttle.allow(store, "report", client, settings.reports_per_hour):
        return "limited"
    values = {"record_id": record_id, "kind": kind, "reason": text, "created_at": now_iso(), "status": "open"}
    with store.backend.write() as conn:
        conn.execute(sa.insert(store.tables.reports).values(values))
    return "filed"


def open_reports(store: Store) -> list[Reported]:
    """The open reports, grouped per initiative: most reported first, then the oldest report first."""
    table, records = store.tables.reports, store.tables.initiatives
    query = (
        sa.select(table.c.id, table.c.record_id, table.c.kind, table.c.reason, table.c.created_at, records.c.name)
        .join(records, records.c.id == table.c.record_id)
        .where(table.c.status == "open")
        .order_by(table.c.id)
    )
    with store.engine.connect() as conn:
        found = conn.execute(query).all()
    grouped: dict[str, Reported] = {}
    for row in found:
        entry = grouped.setdefault(row.record_id, Reported(row.record_id, row.name or "", {}, []))
        entry.counts[row.kind] = entry.counts.get(row.kind, 0) + 1
        entry.reports.append((row.id, row.kind, row.reason, row.created_at))
    return sorted(grouped.values(), key=lambda r: (-len(r.reports), r.reports[0][0]))


def close(store: Store, record_id: str, resolved: bool, moderator: str) -> int:
    """Close every open report of one initiative as resolved (acted on) or dismissed; returns how many."""
    table = store.tables.reports
    decision = {"status": "resolved" if resolved else "dismissed", "decided_at": now_iso(), "decided_by": moderator}
    with store.backend.write() as conn:
        still_open = sa.and_(table.c.record_id == record_id, table.c.status == "open")
        count = int(conn.execute(sa.update(table).where(still_open).values(decision)).rowcount)
        if not count:
            raise StoreError(f"{store.url}: initiative {record_id} has no open report")
        store.audit(conn, moderator, record_id, "reports_closed", {"count": count, "resolved": resolved})
    return count
