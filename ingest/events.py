"""Events of initiatives: title, start and optional end in Brussels wall-clock time, place (the
initiative's address unless given), description, link; reviewed like edits.

Times are stored as Brussels local `YYYY-MM-DDTHH:MM`, so 10:00 stays 10:00 across a change of
summer time; the iCalendar export (ingest/agenda.py) writes them with their time zone. A local
time that does not exist (inside the spring-forward hour) is refused.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import sqlalchemy as sa

from core.errors import RecordNotFoundError, StoreError
from core.settings import TIMEZONE as BRUSSELS
from core.text import http_url, is_missing
from ingest.store import ID_NAMESPACE, Store, now_iso

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
LIMITS = {"title": 200, "place": 300, "description": 5000, "url": 2000}
EVENT_FIELDS = ("title", "start", "end", "place", "description", "url")
# Problem codes (messages in i18n: "events.error_<code>").
REQUIRED, TOO_LONG, NOT_HTTP, NOT_A_TIME, NO_SUCH_TIME, ENDS_BEFORE = (
    "required", "too_long", "not_http", "not_a_time", "no_such_time", "ends_before_start"
)  # fmt: skip


@dataclass(frozen=True)
class EventInput:
    """What an owner, a moderator or a file row gives for one event (times as text or datetimes)."""

    title: str
    start: object
    end: object = None
    place: str = ""
    description: str = ""
    url: str = ""


def local_time(value: object) -> str:
    """A Brussels wall-clock time `YYYY-MM-DDTHH:MM` from an ISO text or a datetime (an aware one is
    converted to Brussels). Raises ValueError(NOT_A_TIME or NO_SUCH_TIME)."""
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip().replace(" ", "T", 1))
        except ValueError:
            raise ValueError(NOT_A_TIME) from None
    if moment.tzinfo is not None:
        return moment.astimezone(BRUSSELS).strftime(LOCAL_FORMAT)
    there = moment.replace(tzinfo=BRUSSELS, second=0, microsecond=0)
    if there.astimezone(ZoneInfo("UTC")).astimezone(BRUSSELS).replace(tzinfo=None) != there.replace(tzinfo=None):
        raise ValueError(NO_SUCH_TIME)  # the clocks skip it
    return there.strftime(LOCAL_FORMAT)


def checked(event: EventInput) -> tuple[dict[str, Any], dict[str, str]]:
    """The event's stored values and its problems ({field: code}; empty: it can be stored)."""
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name in ("title", "place", "description", "url"):
        text = getattr(event, name)
        text = None if is_missing(text) or not str(text).strip() else str(text).strip()
        if text is not None and len(text) > LIMITS[name]:
            problems[name] = TOO_LONG
        elif text is not None and name == "url" and not http_url(text):
            problems[name] = NOT_HTTP
        values[name] = text
    if values["title"] is None:
        problems["title"] = REQUIRED
    for name, column in (("start", "starts_at"), ("end", "ends_at")):
        raw = getattr(event, name)
        if is_missing(raw) or not str(raw).strip():
            values[column] = None
            continue
        try:
            values[column] = local_time(raw)
        except ValueError as exc:
            problems[name] = str(exc)
    if values.get("starts_at") is None and "start" not in problems:
        problems["start"] = REQUIRED
    if values.get("ends_at") and values.get("starts_at") and values["ends_at"] < values["starts_at"]:
        problems["end"] = ENDS_BEFORE
    return values, problems


def event_id(initiative_id: str, title: str, starts_at: str) -> str:
    """Stable id: the same initiative, title and start keep the same event across re-imports."""
    return str(uuid.uuid5(ID_NAMESPACE, f"event\x1f{initiative_id}\x1f{title}\x1f{starts_at}"))


def address_of(record: dict[str, Any]) -> str | None:
    """An initiative's address as one line, the default place of its events."""
    street = " ".join(str(record[k]) for k in ("street", "housenumber") if not is_missing(record.get(k)))
    town = " ".join(str(record[k]) for k in ("postcode", "locality") if not is_missing(record.get(k)))
    return ", ".join(part for part in (street, town) if part) or None


def row(store: Store, initiative_id: str, values: dict[str, Any], actor: str, kind: str) -> dict[str, Any]:
    """The `events` row of checked values: owners' events wait for review, others are published."""
    record = store.get(initiative_id)
    if record is None:
        raise RecordNotFoundError(f"{store.url}: no initiative with id {initiative_id}")
    return {
        **values,
        "id": event_id(initiative_id, values["title"], values["starts_at"]),
        "initiative_id": initiative_id,
        "place": values["place"] or address_of(record),
        "status": "pending" if kind == "owner" else "published",
        "actor": actor,
        "actor_kind": kind,
        "created_at": now_iso(),
    }


def add(store: Store, initiative_id: str, values: dict[str, Any], actor: str, kind: str) -> str:
    """Store one checked event (see `checked`) of an initiative; returns its id (a repeat stores nothing)."""
    new = row(store, initiative_id, values, actor, kind)
    table = store.tables.events
    with store.backend.write() as conn:
        if conn.execute(sa.select(table.c.id).where(table.c.id == new["id"])).first() is None:
            conn.execute(sa.insert(table).values(new))
    return str(new["id"])


def decide(store: Store, event_id_: str, approve: bool, moderator: str, reason: str = "") -> None:
    """Publish or reject a pending event."""
    table = store.tables.events
    decision = {"status": "published" if approve else "rejected", "decided_at": now_iso(), "decided_by": moderator}
    with store.backend.write() as conn:
        pending = sa.and_(table.c.id == event_id_, table.c.status == "pending")
        if conn.execute(sa.update(table).where(pending).values(**decision, reason=reason or None)).rowcount != 1:
            raise StoreError(f"{store.url}: no pending event {event_id_}")


def listed(
    store: Store,
    status: str = "published",
    initiative_id: str | None = None,
    since: str | None = None,
) -> pd.DataFrame:
    """Events (of one status, one initiative, starting or ending from `since`, a local time) by start,
    with their initiative's name, commune and category; only events of published initiatives unless
    `status` is "pending"."""
    events, records = store.tables.events, store.tables.initiatives
    extra = [records.c.name.label("initiative_name"), records.c.nis_code, records.c.category]
    query = sa.select(*events.c, *extra).join(records, records.c.id == events.c.initiative_id)
    query = query.where(events.c.status == status).order_by(events.c.starts_at, events.c.title)
    if status != "pending":
        query = query.where(records.c.status == "published")
    if initiative_id is not None:
        query = query.where(events.c.initiative_id == initiative_id)
    if since is not None:
        query = query.where(sa.func.coalesce(events.c.ends_at, events.c.starts_at) >= since)
    with store.engine.connect() as conn:
        result = conn.execute(query)
        return pd.DataFrame(result.all(), columns=list(result.keys()))
