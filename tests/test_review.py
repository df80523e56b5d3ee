"""Reviewed edits on both backends: the published version stays live until a moderator approves the
field-by-field diff; a rejected edit changes nothing; an overtaken edit cannot be approved."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.errors import ConflictError, EditSentConflictError, StoreError, SubmissionError
from ingest import history, review
from ingest.store import Store, stable_id
from tests.test_store import make_records

RECORD = stable_id("test", "key-0")


@pytest.fixture
def published(store: Store) -> Store:
    store.upsert(make_records(1))
    store.update_fields(RECORD, {"description": "old text"}, "Ann")
    return store


def test_an_edit_waits_for_review_while_the_published_version_stays(published: Store) -> None:
    change = review.propose_edit(published, RECORD, {"description": "new text", "name": "Initiative 0"}, based_on=2)
    assert change is not None
    assert published.get(RECORD)["description"] == "old text"
    assert published.read()["description"].tolist() == ["old text"]
    [edit] = review.pending_edits(published)
    assert (edit.id, edit.record_id, edit.name, edit.base_version) == (change, RECORD, "Initiative 0", 2)
    assert [(c.field, c.before, c.after) for c in edit.changes] == [("description", "old text", "new text")]
    assert review.approve(published, change, "Bob") == RECORD
    assert published.get(RECORD)["description"] == "new text"
    latest = history.versions(published, RECORD)[-1]
    assert (latest.number, latest.actor, latest.actor_kind, latest.action) == (3, "Bob", "owner", "approve_edit")
    assert review.pending_edits(published) == []
    with pytest.raises(StoreError, match="no pending edit"):
        review.approve(published, change, "Bob")


def test_a_rejected_edit_changes_nothing(published: Store) -> None:
    change = review.propose_edit(published, RECORD, {"website": "https://example.org"}, based_on=2)
    assert review.reject(published, change, "Bob", "not theirs") == RECORD
    assert published.get(RECORD)["website"] is None
    assert review.pending_edits(published) == []
    assert history.current_version(published, RECORD) == 2


def test_an_edit_overtaken_by_another_change_is_refused_at_approval(published: Store) -> None:
    change = review.propose_edit(published, RECORD, {"description": "owner text"}, based_on=2)
    published.update_fields(RECORD, {"name": "Moderated"}, "Ann")
    with pytest.raises(ConflictError):
        review.approve(published, change, "Bob")
    assert published.get(RECORD)["description"] == "old text"
    assert len(review.pending_edits(published)) == 1


def test_a_stale_or_bad_edit_is_refused_before_anything_is_stored(published: Store) -> None:
    with pytest.raises(ConflictError):
        review.propose_edit(published, RECORD, {"description": "from a stale tab"}, based_on=1)
    with pytest.raises(SubmissionError) as bad:
        review.propose_edit(published, RECORD, {"website": "javascript:alert(1)"}, based_on=2)
    assert bad.value.problems == {"website": "not_http"}
    with pytest.raises(StoreError, match="status"):
        review.propose_edit(published, RECORD, {"status": "published"}, based_on=2)
    assert review.pending_edits(published) == []


def test_of_two_forms_opened_on_one_version_only_the_first_save_waits_for_review(published: Store) -> None:
    assert review.latest_edit(published, RECORD) == 0
    seen = review.latest_edit(published, RECORD)  # both tabs open the form now
    first = review.propose_edit(published, RECORD, {"description": "first tab"}, 2, seen_edit=seen)
    assert review.latest_edit(published, RECORD) == first
    with pytest.raises(EditSentConflictError, match=f"edit {first} was sent for review after this form"):
        review.propose_edit(published, RECORD, {"description": "second tab"}, 2, seen_edit=seen)
    assert [e.id for e in review.pending_edits(published)] == [first]


def test_an_edit_from_a_form_that_saw_the_waiting_one_replaces_it(published: Store) -> None:
    first = review.propose_edit(published, RECORD, {"description": "first"}, 2, seen_edit=0)
    waiting = review.pending_edits(published, RECORD)
    assert review.proposed_values(waiting) == {"description": "first"}  # where the reloaded form starts
    changes = review.proposed_values(waiting) | {"website": "https://garden.example.org"}
    second = review.propose_edit(published, RECORD, changes, 2, seen_edit=first)
    [edit] = review.pending_edits(published)
    assert edit.id == second and [(c.field, c.after) for c in edit.changes] == [
        ("description", "first"),
        ("website", "https://garden.example.org"),
    ]
    with published.engine.connect() as conn:
        table = published.tables.pending_changes
        row = conn.execute(sa.select(table).where(table.c.id == first)).one()
    assert (row.status, row.reason) == ("superseded", f"replaced by edit {second}")
    review.approve(published, second, "Bob")
    assert published.get(RECORD)["description"] == "first" and published.get(RECORD)["website"] is not None


def test_an_edit_of_an_unpublished_initiative_applies_at_once(store: Store) -> None:
    record_id = store.add_submission({"name": "Jardin", "lon": 4.35, "lat": 50.85, "contact": "a@example.org"})
    assert review.propose_edit(store, record_id, {"description": "Un potager"}, based_on=1) is None
    assert store.get(record_id)["description"] == "Un potager"
    assert store.get(record_id)["status"] == "pending"
    assert history.versions(store, record_id)[-1].actor_kind == "owner"
