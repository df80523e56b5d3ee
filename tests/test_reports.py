"""Reports on both backends: filed on published initiatives only, grouped per initiative for the
queue, closed by a moderator; honeypot and the hourly limit per client."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from core import settings
from core.errors import RecordNotFoundError, StoreError, SubmissionError
from ingest import reports, throttle
from ingest.store import Store, stable_id
from tests.test_store import make_records

FIRST, SECOND = stable_id("test", "key-0"), stable_id("test", "key-1")
CONFIG = dataclasses.replace(settings.load(), reports_per_hour=3)


@pytest.fixture
def stored(store: Store) -> Store:
    store.upsert(make_records(3))
    store.set_status(stable_id("test", "key-2"), "rejected", "closed", "Ann")
    return store


def test_reports_are_grouped_per_initiative_most_reported_first(stored: Store) -> None:
    assert reports.report(stored, CONFIG, FIRST, "closed", "Shut since May", client="a") == "filed"
    assert reports.report(stored, CONFIG, SECOND, "moved", "Now at n° 12", client="b") == "filed"
    assert reports.report(stored, CONFIG, SECOND, "wrong", "Phone is wrong", client="c") == "filed"
    queue = reports.open_reports(stored)
    assert [(r.record_id, r.name, r.counts) for r in queue] == [
        (SECOND, "Initiative 1", {"moved": 1, "wrong": 1}),
        (FIRST, "Initiative 0", {"closed": 1}),
    ]
    assert [reason for _, _, reason, _ in queue[0].reports] == ["Now at n° 12", "Phone is wrong"]
    assert reports.close(stored, SECOND, resolved=True, moderator="Bob") == 2
    assert [r.record_id for r in reports.open_reports(stored)] == [FIRST]
    assert stored.audit_trail(SECOND)[-1]["after"] == {"count": 2, "resolved": True}
    with pytest.raises(StoreError, match="no open report"):
        reports.close(stored, SECOND, resolved=False, moderator="Bob")


def test_bad_reports_spam_and_unpublished_initiatives_store_nothing(stored: Store) -> None:
    with pytest.raises(SubmissionError) as bad:
        reports.report(stored, CONFIG, FIRST, "boring", " ", client="a")
    assert bad.value.problems == {"kind": "required", "reason": "required"}
    assert reports.report(stored, CONFIG, FIRST, "closed", "spam", client="a", honeypot="http://x") == "filed"
    with pytest.raises(RecordNotFoundError):
        reports.report(stored, CONFIG, stable_id("test", "key-2"), "closed", "gone", client="a")
    assert reports.open_reports(stored) == []


def test_a_client_is_limited_per_hour_and_others_are_not(stored: Store) -> None:
    outcomes = [reports.report(stored, CONFIG, FIRST, "wrong", f"typo {i}", client="a") for i in range(4)]
    assert outcomes == ["filed", "filed", "filed", "limited"]
    assert reports.report(stored, CONFIG, FIRST, "wrong", "typo", client="b") == "filed"
    assert len(reports.open_reports(stored)[0].reports) == 4
    later = datetime.now(UTC) + timedelta(hours=1, minutes=1)
    assert throttle.allow(stored, "report", "a", CONFIG.reports_per_hour, now=later)
