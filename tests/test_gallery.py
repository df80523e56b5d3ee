"""Pictures in the store (ingest.gallery), on both backends: who may fetch what, and nothing half-stored."""

from __future__ import annotations

import dataclasses
import json

import pytest
import sqlalchemy as sa

from core import settings
from core.errors import PictureError, RecordNotFoundError, SubmissionError
from ingest import gallery, pictures
from ingest.store import Store, migrations, open_store
from ingest.store.migrations import CURRENT_VERSION, MIGRATIONS
from tests.pictures import HTML, bomb_png, camera_jpeg, plain, polyglot, truncated_jpeg
from tests.test_store import make_records

SETTINGS = settings.load()
CAPTION = pictures.Caption("A mural of bicycles on a brick wall", "Ana Peeters", "CC-BY-SA-4.0")


def initiative(store: Store, status: str = "published") -> str:
    summary = store.upsert(make_records(1).assign(status=status))
    return summary.ids[0]


def attach(store: Store, record_id: str, data: bytes, status: str = "pending", name: str = "photo.jpg") -> str:
    return gallery.attach(store, SETTINGS, record_id, (data, name), CAPTION, status=status, actor="tester")


def rows(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(store.tables.pictures)).scalar_one())


def test_a_published_picture_of_a_published_initiative_is_served_by_its_content_names(store: Store) -> None:
    record_id = initiative(store)
    picture_id = attach(store, record_id, camera_jpeg(), status="published")
    [picture] = gallery.of_initiative(store, record_id)
    assert picture.id == picture_id and (picture.alt, picture.credit, picture.licence) == (
        CAPTION.alt,
        CAPTION.credit,
        CAPTION.licence,
    )
    assert picture.url == f"/pictures/{picture.display_digest}.webp"
    processed = pictures.process(camera_jpeg(), "again.jpg", SETTINGS)
    assert gallery.public_file(store, picture.display_digest) == processed.display.data
    assert gallery.public_file(store, picture.thumb_digest) == processed.thumbnail.data


def test_a_pending_or_rejected_picture_is_not_served_to_visitors_but_to_moderators(store: Store) -> None:
    record_id = initiative(store)
    picture_id = attach(store, record_id, camera_jpeg())
    [waiting] = gallery.pending(store)
    assert gallery.of_initiative(store, record_id) == []
    assert gallery.public_file(store, waiting.display_digest) is None
    assert gallery.public_file(store, waiting.thumb_digest) is None
    assert gallery.moderator_file(store, waiting.display_digest) is not None
    gallery.set_status(store, picture_id, "published", actor="mod")
    assert gallery.public_file(store, waiting.display_digest) is not None
    gallery.set_status(store, picture_id, "rejected", actor="mod")
    assert gallery.public_file(store, waiting.display_digest) is None and gallery.pending(store) == []


def test_a_published_picture_of_a_pending_initiative_is_not_served(store: Store) -> None:
    record_id = initiative(store, status="pending")
    attach(store, record_id, camera_jpeg(), status="published")
    [picture] = gallery.of_initiative(store, record_id)
    assert gallery.public_file(store, picture.display_digest) is None
    assert gallery.published(store) == []
    store.set_status(record_id, "published", "ok", actor="mod")
    assert gallery.public_file(store, picture.display_digest) is not None
    assert [p.id for p in gallery.published(store)] == [picture.id]


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("bomb.png", bomb_png(), pictures.BOMB),
        ("cut.jpg", truncated_jpeg(), pictures.TRUNCATED),
        ("page.jpg", HTML, pictures.NOT_IMAGE),
    ],
)
def test_a_refused_file_stores_nothing_and_moves_no_revision(store: Store, name: str, data: bytes, code: str) -> None:
    record_id = initiative(store)
    revision = store.revision()
    with pytest.raises(PictureError) as caught:
        attach(store, record_id, data, name=name)
    assert caught.value.code == code and name in str(caught.value)
    assert rows(store) == 0 and store.revision() == revision


def test_a_caption_without_alt_text_or_credit_stores_nothing(store: Store) -> None:
    record_id = initiative(store)
    with pytest.raises(SubmissionError) as caught:
        gallery.attach(
            store,
            SETTINGS,
            record_id,
            (plain(), "a.jpg"),
            pictures.Caption("", " ", "CC0-1.0"),
            status="pending",
            actor="t",
        )
    assert caught.value.problems == {"picture_alt": "required", "picture_credit": "required"}
    assert rows(store) == 0


def test_a_picture_of_an_unknown_initiative_is_refused(store: Store) -> None:
    with pytest.raises(RecordNotFoundError, match="no initiative with id nope"):
        attach(store, "nope", plain())
    assert rows(store) == 0


def test_the_same_file_for_the_same_initiative_is_stored_once(store: Store) -> None:
    record_id = initiative(store)
    assert attach(store, record_id, polyglot()) == attach(store, record_id, polyglot())
    assert rows(store) == 1


def test_adding_and_moderating_pictures_moves_the_revision_and_writes_the_audit_log(store: Store) -> None:
    record_id = initiative(store)
    before = store.revision()
    picture_id = attach(store, record_id, plain())
    gallery.set_status(store, picture_id, "published", actor="mod")
    gallery.set_status(store, picture_id, "published", actor="mod")  # no change
    assert store.revision() == before + 2
    trail = [(e["action"], e["actor"]) for e in store.audit_trail(record_id)]
    assert trail == [("add_picture", "tester"), ("set_picture_status", "mod")]
    added = store.audit_trail(record_id)[0]["after"]
    assert added["alt"] == CAPTION.alt and "display" not in added and "thumbnail" not in added


def test_the_listing_gives_each_initiative_its_published_pictures_oldest_first(store: Store) -> None:
    record_id = initiative(store)
    first = attach(store, record_id, plain(size=(40, 30)), status="published")
    attach(store, record_id, plain(size=(50, 30)))  # pending: not listed
    second = attach(store, record_id, plain(size=(60, 30)), status="published")
    listing = gallery.listing(store)
    assert listing["id"].tolist() == [record_id]
    [entries] = listing["pictures"].tolist()
    by_id = {p.id: p for p in gallery.of_initiative(store, record_id)}
    assert [e["url"] for e in entries] == [by_id[first].url, by_id[second].url]
    assert entries[0] == {
        "url": by_id[first].url,
        "alt": CAPTION.alt,
        "credit": CAPTION.credit,
        "licence": CAPTION.licence,
    }
    json.dumps(entries)  # plain values, ready for GeoJSON


PICTURES_VERSION = 1 + MIGRATIONS.index(migrations._v6_pictures)


def test_a_store_from_before_pictures_gets_their_table_when_opened(store: Store, database_url: str) -> None:
    record_id = initiative(store)
    with store.engine.begin() as conn:
        store.tables.pictures.drop(conn)
        versions = store.tables.schema_version
        conn.execute(sa.delete(versions).where(versions.c.version >= PICTURES_VERSION))  # and any later one
    store.close()
    upgraded = open_store(dataclasses.replace(SETTINGS, database_url=database_url))
    assert upgraded.version() == CURRENT_VERSION and upgraded.count() == 1
    attach(upgraded, record_id, plain(), status="published")
    assert len(gallery.of_initiative(upgraded, record_id)) == 1
    upgraded.close()
