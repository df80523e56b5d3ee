"""The pictures of initiatives, kept in the store's own database (both backends).

Why in the database, as blobs, and not as files beside it: the store may be a PostGIS server that
the app reaches over the network, and several app replicas may share it. Files under one app's data
folder would be missing on the other replicas and absent from a database backup; a picture row
without its file (or a file without its row) would be one failed write away. In the database a
picture is written in the same transaction as its row, is in every backup of the store (the SQLite
file, or a dump of the PostgreSQL database), and every replica reads the same. The files are small
(a re-encoded WebP display size and thumbnail: tens to hundreds of kilobytes), and they are served
with an immutable cache, so each browser fetches one only once.

A picture belongs to one initiative and has its own status: `pending` (a citizen's upload, waiting
for a moderator), `published` or `rejected`. The public URL names the content (`/pictures/<sha256>.webp`);
`public_file` serves it only while the picture and its initiative are published.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlalchemy as sa

from core.errors import RecordNotFoundError, StoreError, SubmissionError
from core.settings import Settings
from ingest import pictures
from ingest.store import Store, now_iso

PICTURE_ROUTE = "/pictures"
PICTURE_STATUSES = ("pending", "published", "rejected")
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/brussels-initiatives-map/picture")
_BYTES = ("display", "thumbnail")


@dataclass(frozen=True)
class Picture:
    """A stored picture without its bytes: what a page needs to show it."""

    id: str
    initiative_id: str
    status: str
    alt: str
    credit: str
    licence: str
    display_digest: str
    display_width: int
    display_height: int
    thumb_digest: str
    thumb_width: int
    thumb_height: int
    created_at: str

    @property
    def url(self) -> str:
        return picture_url(self.display_digest)

    @property
    def thumb_url(self) -> str:
        return picture_url(self.thumb_digest)


def picture_url(digest: str) -> str:
    """The app-relative URL of a picture file, named by its content."""
    return f"{PICTURE_ROUTE}/{digest}{pictures.EXTENSION}"


def prepare(data: bytes, name: str, caption: pictures.Caption, settings: Settings) -> pictures.Processed:
    """Check a caption and re-encode an upload, before anything is stored.

    Raises SubmissionError (caption fields, as {field: code}) or PictureError (the file).
    """
    problems = pictures.caption_problems(caption)
    if problems:
        raise SubmissionError({f"picture_{field}": code for field, code in problems.items()})
    return pictures.process(data, name, settings)


def add(
    store: Store,
    initiative_id: str,
    processed: pictures.Processed,
    caption: pictures.Caption,
    *,
    status: str,
    actor: str,
) -> str:
    """Store a prepared picture of an initiative (exactly once per initiative and content); its id."""
    if status not in PICTURE_STATUSES:
        raise StoreError(f"unknown picture status {status!r}: use one of {', '.join(PICTURE_STATUSES)}")
    picture_id = str(uuid.uuid5(_ID_NAMESPACE, f"{initiative_id}\x1f{processed.display.digest}"))
    stamp = now_iso()
    row = {
        "id": picture_id,
        "initiative_id": initiative_id,
        "status": status,
        "alt": caption.alt.strip(),
        "credit": caption.credit.strip(),
        "licence": caption.licence,
        "media_type": pictures.MEDIA_TYPE,
        "display_digest": processed.display.digest,
        "display_width": processed.display.width,
        "display_height": processed.display.height,
        "display": processed.display.data,
        "thumb_digest": processed.thumbnail.digest,
        "thumb_width": processed.thumbnail.width,
        "thumb_height": processed.thumbnail.height,
        "thumbnail": processed.thumbnail.data,
        "created_at": stamp,
        "updated_at": stamp,
    }
    initiatives, table = store.tables.initiatives, store.tables.pictures
    with store._write() as conn:
        if conn.execute(sa.select(initiatives.c.id).where(initiatives.c.id == initiative_id)).first() is None:
            raise RecordNotFoundError(f"{store.url}: no initiative with id {initiative_id}")
        if conn.execute(sa.select(table.c.id).where(table.c.id == picture_id)).first() is None:
            conn.execute(sa.insert(table), row)
            store._audit(conn, actor, initiative_id, "add_picture", None, _logged(row))
            store._changed(conn)
    return picture_id


def attach(
    store: Store,
    settings: Settings,
    initiative_id: str,
    upload: tuple[bytes, str],
    caption: pictures.Caption,
    *,
    status: str,
    actor: str,
) -> str:
    """Check, re-encode and store an upload (`(bytes, file name)`) for an initiative: the form's, the
    moderators' and the CLI's one path. Nothing is stored when the file or the caption is refused."""
    data, name = upload
    return add(store, initiative_id, prepare(data, name, caption, settings), caption, status=status, actor=actor)


def set_status(store: Store, picture_id: str, status: str, actor: str) -> None:
    """Approve or reject one picture (moderation), in the audit log of its initiative."""
    if status not in PICTURE_STATUSES:
        raise StoreError(f"unknown picture status {status!r}: use one of {', '.join(PICTURE_STATUSES)}")
    table = store.tables.pictures
    with store._write() as conn:
        stored = conn.execute(sa.select(table.c.initiative_id, table.c.status).where(table.c.id == picture_id)).first()
        if stored is None:
            raise RecordNotFoundError(f"{store.url}: no picture with id {picture_id}")
        if stored.status == status:
            return
        conn.execute(sa.update(table).where(table.c.id == picture_id).values(status=status, updated_at=now_iso()))
        before, after = {"picture": picture_id, "status": stored.status}, {"picture": picture_id, "status": status}
        store._audit(conn, actor, stored.initiative_id, "set_picture_status", before, after)
        store._changed(conn)


def of_initiative(store: Store, initiative_id: str, statuses: tuple[str, ...] = ("published",)) -> list[Picture]:
    """The pictures of one initiative with one of `statuses`, oldest first."""
    table = store.tables.pictures
    query = (
        sa.select(*_info(store))
        .where(table.c.initiative_id == initiative_id, table.c.status.in_(statuses))
        .order_by(table.c.created_at, table.c.id)
    )
    with store.engine.connect() as conn:
        return [_picture(row) for row in conn.execute(query)]


def pending(store: Store) -> list[Picture]:
    """Every picture waiting for a moderator, oldest first (its initiative may be pending or published)."""
    table = store.tables.pictures
    query = sa.select(*_info(store)).where(table.c.status == "pending").order_by(table.c.created_at, table.c.id)
    with store.engine.connect() as conn:
        return [_picture(row) for row in conn.execute(query)]


def published(store: Store) -> list[Picture]:
    """Every published picture of a published initiative, newest first."""
    table = store.tables.pictures
    initiatives = store.tables.initiatives
    query = (
        sa.select(*_info(store))
        .join(initiatives, initiatives.c.id == table.c.initiative_id)
        .where(table.c.status == "published", initiatives.c.status == "published")
        .order_by(table.c.created_at.desc(), table.c.id)
    )
    with store.engine.connect() as conn:
        return [_picture(row) for row in conn.execute(query)]


def public_file(store: Store, digest: str) -> bytes | None:
    """The bytes named `digest` (display size or thumbnail) of a published picture of a published
    initiative; None otherwise, so a pending or rejected picture is not served by its URL."""
    return _file(store, digest, public=True)


def moderator_file(store: Store, digest: str) -> bytes | None:
    """The bytes named `digest` whatever the statuses (for the moderation page only)."""
    return _file(store, digest, public=False)


def _file(store: Store, digest: str, public: bool) -> bytes | None:
    table = store.tables.pictures
    initiatives = store.tables.initiatives
    for column, data in (
        (table.c.display_digest, table.c.display),
        (table.c.thumb_digest, table.c.thumbnail),
    ):
        query = sa.select(data).where(column == digest).limit(1)
        if public:
            query = query.join(initiatives, initiatives.c.id == table.c.initiative_id).where(
                table.c.status == "published", initiatives.c.status == "published"
            )
        with store.engine.connect() as conn:
            found = conn.execute(query).scalar()
        if found is not None:
            return bytes(found)
    return None


def listing(store: Store) -> pd.DataFrame:
    """initiative id -> the list of its published pictures ({url, alt, credit, licence}), for exports."""
    grouped: dict[str, list[dict[str, str]]] = {}
    for picture in reversed(published(store)):  # oldest first within an initiative
        entry = {"url": picture.url, "alt": picture.alt, "credit": picture.credit, "licence": picture.licence}
        grouped.setdefault(picture.initiative_id, []).append(entry)
    return pd.DataFrame({"id": list(grouped), "pictures": list(grouped.values())}, columns=["id", "pictures"])


def _info(store: Store) -> list[sa.Column[Any]]:
    """The columns of a picture but its bytes."""
    return [column for column in store.tables.pictures.c if column.name not in _BYTES]


def _picture(row: sa.Row[Any]) -> Picture:
    values = row._mapping
    return Picture(**{name: values[name] for name in Picture.__dataclass_fields__})


def _logged(row: dict[str, Any]) -> dict[str, Any]:
    """What the audit log keeps of a new picture: its caption and names, not its bytes."""
    return {k: v for k, v in row.items() if k not in _BYTES}
