"""The UI parts of owners, visitors and their moderation (ui/initiative_owners.py,
ui/moderation_owners.py, the Agenda page) run alone with AppTest over a real SQLite store."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core import settings
from i18n import t, tn
from i18n.formats import format_datetime
from ingest import events, history, mail, owners, reports, review
from ingest.store import open_store, stable_id
from tests.test_store import make_records
from ui import moderation

RECORD = stable_id("test", "key-0")
VERSION = t("moderate.history_version", "en")  # the history table's first column
YEAR = 2099


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> settings.Settings:
    """An SQLite store with two published initiatives (the first with a description), as the app reads it."""
    url = f"sqlite:///{tmp_path / 'initiatives.sqlite'}"
    monkeypatch.setenv("BIM_DATABASE_URL", url)
    monkeypatch.setenv("BIM_TILES_URL", "")
    config = dataclasses.replace(settings.load(), database_url=url)
    with open_store(config) as store:
        store.upsert(make_records(2))
        store.update_fields(RECORD, {"description": "old text"}, "Ann")
    return config


def run(script, *args: object, moderator: str | None = None) -> AppTest:
    app = AppTest.from_function(script, args=args, default_timeout=60)
    app.session_state["lang"] = "en"
    if moderator is not None:
        app.session_state[moderation.MODERATOR_KEY] = moderator
    return app.run()


def _owner(record_id: str, token: str) -> None:
    from ui import data, initiative_owners, page

    ctx = page.context()
    store = data.store(ctx.config.database_url)
    initiative_owners.owner_edit(ctx, store, store.get(record_id), token)


def description_area(app: AppTest):
    return next(a for a in app.text_area if a.label == t("moderate.field_description", "en"))


def two_tabs_the_first_saving(config, text: str) -> tuple[AppTest, AppTest]:
    """Two tabs open the same edit link; the first saves `text` as the description."""
    with open_store(config) as store:
        token = owners.issue(store, RECORD, "citizen")
    first, second = run(_owner, RECORD, token), run(_owner, RECORD, token)
    description_area(first).input(text)
    first.button[0].click().run()
    assert [s.value for s in first.success] == [t("owner.waiting", "en")]
    return first, second


def test_an_owners_edit_waits_and_a_stale_tab_is_refused(config) -> None:
    _, stale = two_tabs_the_first_saving(config, "new text")
    with open_store(config) as store:
        assert store.get(RECORD)["description"] == "old text"  # the published version stays
        [edit] = review.pending_edits(store)
        review.approve(store, edit.id, "Bob")
    description_area(stale).input("from a stale tab")
    stale.button[0].click().run()
    assert [e.value for e in stale.error] == [t("owner.conflict", "en")]
    with open_store(config) as store:
        assert store.get(RECORD)["description"] == "new text" and review.pending_edits(store) == []


def test_a_second_tab_opened_before_the_first_saved_is_refused_before_any_approval(config) -> None:
    _, second = two_tabs_the_first_saving(config, "first tab")
    description_area(second).input("second tab")
    second.button[0].click().run()
    assert [e.value for e in second.error] == [t("owner.conflict", "en")] and not second.success
    with open_store(config) as store:
        assert [[c.after for c in edit.changes] for edit in review.pending_edits(store)] == [["first tab"]]


def test_a_reopened_edit_link_carries_on_from_the_edit_waiting_for_review(config) -> None:
    with open_store(config) as store:
        token = owners.issue(store, RECORD, "citizen")
        review.propose_edit(store, RECORD, {"description": "waiting text"}, based_on=2, seen_edit=0)
        [waiting] = review.pending_edits(store)
    app = run(_owner, RECORD, token)
    assert [i.value for i in app.info] == [
        t("owner.edit_waiting", "en", when=format_datetime(waiting.submitted_at, "en"))
    ]
    assert description_area(app).value == "waiting text"
    next(i for i in app.text_input if i.label == t("moderate.field_website", "en")).input("https://garden.example.org")
    app.button[0].click().run()
    with open_store(config) as store:
        [edit] = review.pending_edits(store)
        assert edit.id != waiting.id and [c.after for c in edit.changes] == [
            "waiting text",
            "https://garden.example.org",
        ]
        assert store.get(RECORD)["description"] == "old text"


def test_a_wrong_or_revoked_link_opens_no_form(config) -> None:
    with open_store(config) as store:
        token = owners.issue(store, RECORD, "citizen")
        owners.revoke(store, RECORD, "Bob")
    app = run(_owner, RECORD, token)
    assert [e.value for e in app.error] == [t("owner.link_invalid", "en")] and not app.text_area


def _queue(part: str) -> None:
    from ui import data, moderation_owners, page

    ctx = page.context()
    getattr(moderation_owners, part)(ctx, data.store(ctx.config.database_url), "Bob")


def test_moderators_see_the_diff_and_approve_it(config) -> None:
    with open_store(config) as store:
        review.propose_edit(store, RECORD, {"description": "proposed"}, based_on=2)
    app = run(_queue, "pending_edits", moderator="Bob")
    diff = app.table[0].value
    assert diff.values.tolist() == [[t("moderate.field_description", "en"), "old text", "proposed"]]
    next(b for b in app.button if b.label == t("moderate.approve", "en")).click().run()
    assert not app.exception
    with open_store(config) as store:
        assert store.get(RECORD)["description"] == "proposed"
    assert run(_queue, "pending_edits", moderator="Bob").info[0].value == t("moderate.edits_empty", "en")


def test_pending_events_and_grouped_reports_reach_the_queue(config) -> None:
    with open_store(config) as store:
        values, _ = events.checked(events.EventInput("Repair day", f"{YEAR}-05-02 14:00", f"{YEAR}-05-02 17:30"))
        event = events.add(store, RECORD, values, "owner", "owner")
        reports.report(store, config, RECORD, "moved", "now at n° 12", client="a")
        reports.report(store, config, RECORD, "closed", "shut", client="b")
    app = run(_queue, "pending_events", moderator="Bob")
    # Brussels wall-clock times in words, as the agenda shows them, not the stored ISO text
    assert f"2 May {YEAR}, 14:00 – 2 May {YEAR}, 17:30" in app.text[0].value and "T14:00" not in app.text[0].value
    next(b for b in app.button if b.label == t("moderate.approve", "en")).click().run()
    app = run(_queue, "open_reports", moderator="Bob")
    assert "Moved: 1, Closed: 1" in app.markdown[0].value
    assert sorted(app.dataframe[0].value[t("moderate.reports_reason", "en")]) == ["now at n° 12", "shut"]
    with open_store(config) as store:
        assert events.listed(store)["id"].tolist() == [event]


def test_the_history_tab_reverts_to_a_version(config) -> None:
    app = run(_queue, "record_history", moderator="Bob")
    app.text_input(key="history_id").input(RECORD).run()
    assert app.dataframe[0].value[VERSION].tolist() == [1, 2]
    with open_store(config) as store:
        stored_at = [v.at for v in history.versions(store, RECORD)]
    shown = app.dataframe[0].value
    assert shown[t("moderate.history_at", "en")].tolist() == [format_datetime(at, "en") for at in stored_at]
    assert shown[t("moderate.history_changed", "en")].tolist()[-1] == t("moderate.field_description", "en")
    app.selectbox(key="history_version").select(1).run()
    app.button(key="history_revert").click().run()
    with open_store(config) as store:
        assert store.get(RECORD)["description"] is None
        assert history.versions(store, RECORD)[-1].action == "revert to 1"


def test_the_history_tab_finds_an_initiative_by_its_page_link_or_words_of_its_name(config) -> None:
    app = run(_queue, "record_history", moderator="Bob")
    app.text_input(key="history_id").input(f"https://map.example.org/initiative?lang=fr&id={RECORD}").run()
    assert app.dataframe[0].value[VERSION].tolist() == [1, 2]
    app.text_input(key="history_id").input("initiative 1").run()  # case and accents aside, one name matches
    assert app.selectbox(key="history_match").options == [f"Initiative 1 · published · {stable_id('test', 'key-1')}"]
    assert app.dataframe[0].value[VERSION].tolist() == [1]
    app.text_input(key="history_id").input("no such place").run()
    assert [w.value for w in app.warning] == [t("moderate.history_unknown", "en")] and not app.dataframe


def test_a_moderator_adds_an_event_from_the_history_tab_published_at_once(config) -> None:
    app = run(_queue, "record_history", moderator="Bob")
    app.text_input(key="history_id").input(RECORD).run()
    fields = {field.label: field for field in app.text_input}
    fields[t("event.title", "en")].input("Seed swap")
    fields[t("event.start", "en")].input(f"{YEAR}-03-28 10:00")
    next(b for b in app.button if b.label == t("owner.event_add", "en")).click().run()
    assert not app.exception
    with open_store(config) as store:
        listed = events.listed(store)
    assert listed[["title", "starts_at", "actor"]].values.tolist() == [["Seed swap", f"{YEAR}-03-28T10:00", "Bob"]]


def _visitor(part: str, record_id: str) -> None:
    from ui import data, initiative_owners, page

    ctx = page.context()
    store = data.store(ctx.config.database_url)
    getattr(initiative_owners, part)(ctx, store, store.get(record_id))


def test_a_report_from_the_page_is_filed_and_a_robots_is_not(config) -> None:
    app = run(_visitor, "report", RECORD)
    app.text_area[0].input("Closed since May")
    app.button[0].click().run()
    assert [s.value for s in app.success] == [t("report.filed", "en")]
    robot = run(_visitor, "report", RECORD)
    robot.text_area[0].input("spam")
    robot.text_input(key="report_homepage").input("http://spam.example")
    robot.button[0].click().run()
    assert [s.value for s in robot.success] == [t("report.filed", "en")]  # a robot is told the same
    with open_store(config) as store:
        assert [reason for g in reports.open_reports(store) for _, _, reason, _ in g.reports] == ["Closed since May"]


def test_the_agenda_lists_upcoming_published_events_with_their_downloads(config) -> None:
    with open_store(config) as store:
        for title, start, kind in (
            ("Market", f"{YEAR}-09-05 09:30", "moderator"),
            ("Hidden", f"{YEAR}-09-06 10:00", "owner"),
        ):
            values, _ = events.checked(events.EventInput(title, start))
            events.add(store, RECORD, values, "x", kind)
        values, _ = events.checked(events.EventInput("Past", "2001-01-01 10:00"))
        events.add(store, RECORD, values, "x", "moderator")
    app = AppTest.from_file(str(settings.PROJECT_DIR / "app_pages" / "agenda.py"), default_timeout=60)
    app.session_state["lang"] = "en"
    app.run()
    assert not app.exception
    assert app.markdown[0].value == tn("agenda.count", 1, "en")
    html = "".join(h.value for h in app.get("html"))
    assert "Market" in html and "5 September 2099" in html and "Hidden" not in html and "Past" not in html


def _page_text(app: AppTest) -> str:
    """Every text the run drew: messages, captions, HTML, code, and the labels and values of its fields."""
    kinds = ("title", "subheader", "markdown", "success", "warning", "error", "info", "caption", "text", "code")
    parts = [str(e.value) for kind in kinds for e in getattr(app, kind)] + [str(h.value) for h in app.get("html")]
    fields = [*app.text_input, *app.text_area, *app.selectbox, *app.button]
    parts += [f"{w.label} {getattr(w, 'value', '')}" for w in fields]
    return "\n".join(parts)


def test_the_contact_form_and_a_claim_never_show_the_contact_address(config, monkeypatch) -> None:
    for name, value in {"BIM_SMTP_HOST": "127.0.0.1", "BIM_SMTP_SENDER": "map@example.org"}.items():
        monkeypatch.setenv(name, value)
    app = run(_visitor, "contact_form", RECORD)
    app.text_input[0].input("Vera")
    app.text_input[1].input("vera@example.net")
    app.text_area[0].input("Open on Sunday?")
    app.button[0].click().run()
    assert [s.value for s in app.success] == [t("contact.queued", "en")]
    claim = run(_visitor, "claim", RECORD)
    claim.button[0].click().run()
    assert [s.value for s in claim.success] == [t("claim.sent", "en")]
    for drawn in (app, claim):
        text = _page_text(drawn)
        assert t("claim.sent", "en") in text or t("contact.queued", "en") in text  # the texts are read
        assert "person0@example.org" not in text
    with open_store(config) as store:
        assert mail.waiting(store) == 2  # the relay and the claim link, queued for `python -m ingest mail`


def test_without_mail_the_contact_form_says_it_is_off(config) -> None:
    app = run(_visitor, "contact_form", RECORD)
    assert [c.value for c in app.caption] == [t("contact.off", "en")] and not app.text_area


def test_an_overtaken_edit_says_so_and_stays_in_the_queue(config) -> None:
    with open_store(config) as store:
        review.propose_edit(store, RECORD, {"description": "proposed"}, based_on=2)
        store.update_fields(RECORD, {"name": "Renamed by a moderator"}, "Ann")
    app = run(_queue, "pending_edits", moderator="Bob")
    next(b for b in app.button if b.label == t("moderate.approve", "en")).click().run()
    assert [e.value for e in app.error] == [t("moderate.edit_conflict", "en")]
    with open_store(config) as store:
        assert store.get(RECORD)["description"] == "old text" and len(review.pending_edits(store)) == 1


def test_a_manual_claim_is_granted_from_the_claims_tab(config, monkeypatch) -> None:
    for name, value in {"BIM_SMTP_HOST": "127.0.0.1", "BIM_SMTP_SENDER": "map@example.org"}.items():
        monkeypatch.setenv(name, value)
    no_contact = stable_id("test", "key-1")
    with open_store(config) as store:
        store.update_fields(no_contact, {"contact": None}, "Ann")
        owners.claim(
            store, settings.load(), lambda kind, values: ("s", "b"), no_contact, "owner@example.net", "I run it"
        )
    app = run(_queue, "manual_claims", moderator="Bob")
    assert "owner@example.net" in app.text[0].value and "I run it" in app.text[0].value
    next(b for b in app.button if b.label == t("moderate.claim_grant", "en")).click().run()
    with open_store(config) as store:
        assert owners.manual_claims(store) == [] and len(owners.links(store, no_contact)) == 1
        assert mail.waiting(store) == 1
