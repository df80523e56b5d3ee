"""Atom feeds (web/feeds.py), read by feedparser from the running app as a feed reader would."""

from __future__ import annotations

from urllib.parse import urlencode

import feedparser
import pytest
from streamlit.testing.v1 import AppTest

from core import settings
from core.auth import hash_password
from ingest import contribute
from ingest.store import open_store
from tests.sample_initiatives import HOSTILE
from tests.test_contribute import PASSWORD, SECRET_EMAIL, submission
from tests.web_app import SampleApp, app_fixture, get
from web import feeds, query

app = app_fixture(80)


def read(app: SampleApp, query: str = "") -> feedparser.FeedParserDict:
    answer = get(f"{app.url}/feeds/initiatives.atom?{query}")
    assert answer.status == 200 and answer.headers["content-type"] == "application/atom+xml"
    parsed = feedparser.parse(answer.body, response_headers={"content-type": answer.headers["content-type"]})
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_the_feed_is_valid_atom_of_the_newest_initiatives_linking_to_their_pages(app: SampleApp) -> None:
    parsed = read(app, "lang=en")
    assert parsed.version == "atom10"
    assert len(parsed.entries) == feeds.ENTRIES
    updated = [entry.updated for entry in parsed.entries]
    assert updated == sorted(updated, reverse=True)
    first = parsed.entries[0]
    assert first.id.startswith("urn:uuid:")
    record_id = first.id.removeprefix("urn:uuid:")
    assert first.link == f"{app.url}/initiative?{urlencode({'id': record_id, 'lang': 'en'})}"
    page = get(first.link)
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert [link.href for link in parsed.feed.links if link.rel == "self"] == [
        f"{app.url}/feeds/initiatives.atom?lang=en"
    ]


def test_the_feed_follows_the_map_filters(app: SampleApp) -> None:
    with open_store(app.config) as store:
        records = store.read(status="published")
    wanted = records[(records["nis_code"] == "21015") & records["category"].isin(["food", "library"])]
    parsed = read(app, "commune=21015&cat=food,library")
    assert sorted(e.id.removeprefix("urn:uuid:") for e in parsed.entries) == sorted(wanted["id"])
    assert {e.tags[0].term for e in parsed.entries} <= {"food", "library"}


def test_hostile_names_arrive_as_text(app: SampleApp) -> None:
    titles = [e.title for e in read(app, "q=initiative").entries] + [e.title for e in read(app, "q=alert").entries]
    assert any(HOSTILE[0] in title for title in titles)


def test_a_bad_filter_gets_a_problem_naming_it(app: SampleApp) -> None:
    answer = get(f"{app.url}/feeds/initiatives.atom?cat=spaceships")
    assert answer.status == 400 and answer.headers["content-type"] == "application/problem+json"
    assert b'"name": "cat"' in answer.body


def test_the_feed_answers_304_to_its_etag(app: SampleApp) -> None:
    tag = get(f"{app.url}/feeds/initiatives.atom").headers["etag"]
    assert get(f"{app.url}/feeds/initiatives.atom", {"If-None-Match": tag}).status == 304


def test_an_approval_in_the_moderation_page_is_in_the_feed_on_the_next_request(
    app: SampleApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in app.environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("BIM_MODERATOR_PASSWORD_HASH", hash_password(PASSWORD))
    proposal = submission(
        name="Repair café des Bienfaiteurs",
        category="repair",
        address="Place des Bienfaiteurs 1, 1030 Schaerbeek",
        lon=4.3833,
        lat=50.8617,
        token="feed-1",
    )
    with open_store(app.config) as store:
        record_id = contribute.submit(store, app.config, proposal)
    assert record_id not in {e.id.removeprefix("urn:uuid:") for e in read(app, "commune=21015").entries}

    page = AppTest.from_file(str(settings.PROJECT_DIR / "navigation.py"), default_timeout=60)
    page.query_params["lang"] = "en"
    page.run()
    page = page.switch_page("app_pages/moderate.py").run()
    page.text_input[0].input("dana")
    page.text_input[1].input(PASSWORD)
    page.button[0].click().run()
    page.selectbox(key="moderate_chosen").select(record_id).run()
    next(b for b in page.button if b.label == "Approve").click().run()
    assert page.success[0].value.startswith("Approved")

    newest = read(app, "commune=21015").entries[0]
    assert (newest.id, newest.title) == (f"urn:uuid:{record_id}", proposal.name)
    assert SECRET_EMAIL.encode() not in get(f"{app.url}/feeds/initiatives.atom?commune=21015").body


def test_a_feed_with_no_entry_is_still_valid(app: SampleApp) -> None:
    parsed = read(app, "q=nothing-matches-this")
    assert parsed.entries == [] and parsed.feed.updated == feeds.EPOCH


def test_characters_xml_cannot_carry_are_dropped_not_breaking_the_feed(app: SampleApp) -> None:
    with open_store(app.config) as store:
        records = store.read(status="published").head(2).assign(name=["Bell \x07 here", "Form \x0c feed"])
    document = feeds.feed_document("http://example.org", query.Filters(), "fr", records)
    parsed = feedparser.parse(document, response_headers={"content-type": feeds.MEDIA_TYPE})
    assert not parsed.bozo
    assert sorted(e.title for e in parsed.entries) == ["Bell  here", "Form  feed"]
