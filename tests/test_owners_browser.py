"""Owners' edit links, reviewed edits, history, events and reports in headless chromium.

Propose an initiative with the form, keep the edit link shown once, have a moderator approve it, edit
its description through the link while the page keeps the published text, approve the diff, revert
it; a stale second tab's save is refused; a report and an event each go through moderation, and
nothing a visitor sends shows before a moderator approves it.

One app server (empty store but two published initiatives with an edit link each, a moderator
password, the offline geocoder) serves the module; the browser and its tab come from
tests/test_browser.py, the form and login helpers from tests/test_moderation_browser.py.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from core import settings
from core.auth import hash_password
from i18n import tn
from ingest import contribute, history, owners
from ingest.store import open_store
from tests import axe, test_browser
from tests.app_server import running_app
from tests.sample_initiatives import app_environment
from tests.test_browser import ARTIFACTS
from tests.test_moderation_browser import PASSWORD, _approve, _field, _login, _submit

pytestmark = pytest.mark.browser
browser, page = test_browser.browser, test_browser.page
expect.set_options(timeout=test_browser.WAIT_MS)

OLD_TEXT = "Un potager partagé derrière l'école, ouvert le samedi."
NEW_TEXT = "Un potager partagé et un compost de quartier, ouverts le samedi et le mercredi."
STALE = "Jardin des deux onglets"
VISITED = "Repair café du parc"


@dataclasses.dataclass(frozen=True)
class App:
    url: str
    config: settings.Settings
    ids: dict[str, str]  # seeded initiative name -> id
    tokens: dict[str, str]  # seeded initiative name -> its live edit token


@pytest.fixture(scope="module")
def app(gazetteer_settings: settings.Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The app over a store holding two published initiatives, each with an edit link."""
    folder = tmp_path_factory.mktemp("owners-store")
    config = dataclasses.replace(gazetteer_settings, database_url=f"sqlite:///{folder / 'initiatives.sqlite'}")
    ids, tokens = {}, {}
    with open_store(config) as store:
        for i, name in enumerate((STALE, VISITED)):
            proposal = contribute.Submission(
                name=name,
                category="garden",
                description=OLD_TEXT,
                contact=f"owner{i}-{uuid.uuid4().hex[:8]}@example.org",
                lon=4.3630 + i / 1000,
                lat=50.8330,
                token=name,
            )
            ids[name] = contribute.submit(store, config, proposal)
            store.set_status(ids[name], "published", "", "alice")
            tokens[name] = owners.issue(store, ids[name], "citizen")
    environment = {
        **app_environment(config),
        "BIM_MODERATOR_PASSWORD_HASH": hash_password(PASSWORD),
        "BIM_SUBMISSIONS_PER_SESSION": "50",
    }
    with running_app(environment, folder / "streamlit.log") as url:
        yield App(url, config, ids, tokens)


def _settled(page: Page) -> None:
    """Until the page's script has run to its end (Streamlit marks its root), so what is not drawn by
    then is not on the page."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()


def _initiative(page: Page, url: str, record_id: str, token: str = "") -> None:
    """The initiative page as a visitor (or, with `token`, its owner) opens it, fully drawn."""
    page.goto(f"{url}/initiative?id={record_id}&lang=en" + (f"&edit={token}" if token else ""))
    expect(page.locator("h1").first).to_be_visible()
    _settled(page)


def _form(page: Page, title: str) -> Locator:
    """The form holding `title` (the owner's edit form and event form share field labels)."""
    return page.locator('[data-testid="stForm"]').filter(has_text=title)


def _tab(page: Page, name: str) -> Locator:
    """Open a tab of the moderation page; its panel."""
    page.get_by_role("tab", name=name, exact=True).click()
    return page.get_by_role("tabpanel", name=name)


def _moderate(page: Page, url: str, tab: str) -> Locator:
    _login(page, url)
    expect(page.get_by_text("Logged in: alice")).to_be_visible()
    return _tab(page, tab)


def _find(history: Locator, typed: str) -> None:
    """Look an initiative up in the History tab (by its id, page link or name)."""
    finder = history.get_by_role("textbox", name="Initiative: its id, the link to its page, or words of its name")
    finder.fill(typed)
    finder.press("Enter")


def _save_description(page: Page, text: str) -> None:
    form = _form(page, "Edit this initiative")
    form.get_by_role("textbox", name="Description", exact=True).fill(text)
    form.get_by_role("button", name="Save").click()


def _page_text(page: Page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def test_an_owner_edits_through_the_link_a_moderator_approves_the_diff_then_reverts_it(page: Page, app: App) -> None:
    url, name = app.url, f"Potager de l'école {uuid.uuid4().hex[:6]}"
    _submit(page, url, name, description=OLD_TEXT)
    expect(page.get_by_text("Thank you! Your proposal has been received.")).to_be_visible()
    expect(page.get_by_text("E-mail is not set up on this site: copy the link now.")).to_be_visible()
    shown = urlsplit(page.locator('[data-testid="stCode"]').filter(has_text="edit=").inner_text().strip())
    query = parse_qs(shown.query)
    record_id, token = query["id"][0], query["edit"][0]
    edit_link = f"{url}{shown.path}?{shown.query}&lang=en"
    page.get_by_role("button", name="Propose another initiative").click()
    expect(_field(page, "Name of the initiative")).to_be_visible()
    _settled(page)
    assert token not in page.content()  # shown once

    _initiative(page, url, record_id)  # pending: a visitor gets "not found", the owner their proposal
    expect(page.locator("h1")).to_have_text("Initiative not found")
    assert name not in _page_text(page)
    page.goto(edit_link)
    expect(page.get_by_text("Your proposal is waiting for a moderator's review")).to_be_visible()
    expect(_form(page, "Edit this initiative").get_by_role("textbox", name="Description", exact=True)).to_have_value(
        OLD_TEXT
    )

    _login(page, url)
    _approve(page, name)

    page.goto(edit_link)
    expect(page.locator("h1")).to_have_text(name)
    _save_description(page, NEW_TEXT)
    expect(page.get_by_text("Thank you: a moderator will check your changes")).to_be_visible()
    _initiative(page, url, record_id)
    expect(page.get_by_text(OLD_TEXT)).to_be_visible()
    assert NEW_TEXT not in _page_text(page)  # the published version stays until the review

    edits = _moderate(page, url, "Edits")
    expect(edits.get_by_text(name)).to_be_visible()
    expect(edits.get_by_role("row", name=f"Description {OLD_TEXT} {NEW_TEXT}")).to_be_visible()  # the diff
    edits.get_by_role("button", name="Approve").click()
    expect(page.get_by_text(f"Edit published: {name}")).to_be_visible()
    _initiative(page, url, record_id)
    expect(page.get_by_text(NEW_TEXT)).to_be_visible()
    assert OLD_TEXT not in _page_text(page)

    past = _moderate(page, url, "History")
    _find(past, name)  # by its name: the only match
    expect(past.get_by_text("Version to restore")).to_be_visible()
    past.get_by_role("button", name="Restore this version").click()  # the version before the edit
    expect(page.get_by_text(f"Version restored: {name}")).to_be_visible()
    _initiative(page, url, record_id)
    expect(page.get_by_text(OLD_TEXT)).to_be_visible()
    assert NEW_TEXT not in _page_text(page)
    with open_store(app.config) as store:
        kinds = [(v.actor_kind, v.action) for v in history.versions(store, record_id)]
    assert kinds[-2:] == [("owner", "approve_edit"), ("moderator", f"revert to {len(kinds) - 2}")]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "owner-edit-reverted.png", full_page=True)


def test_a_stale_second_tab_s_save_is_refused_with_a_conflict_message(page: Page, app: App) -> None:
    second = page.context.new_page()
    second.set_default_timeout(test_browser.WAIT_MS)
    for tab in (page, second):
        _initiative(tab, app.url, app.ids[STALE], app.tokens[STALE])
        expect(_form(tab, "Edit this initiative")).to_be_visible()
    _save_description(page, "Saved from the first tab.")
    expect(page.get_by_text("Thank you: a moderator will check your changes")).to_be_visible()
    _save_description(second, "Saved from the second tab.")
    expect(second.get_by_text("Someone saved this initiative after you opened it")).to_be_visible()
    second.close()
    edits = _moderate(page, app.url, "Edits")
    expect(edits.get_by_text(STALE)).to_have_count(1)  # only the first tab's edit waits
    expect(edits.get_by_role("row", name=f"Description {OLD_TEXT} Saved from the first tab.")).to_be_visible()
    assert "Saved from the second tab." not in edits.inner_text()


def test_a_report_and_an_event_show_nowhere_before_a_moderator_approves_them(page: Page, app: App) -> None:
    url, record_id = app.url, app.ids[VISITED]
    reason, event = f"Fermé depuis mai {uuid.uuid4().hex[:6]}", f"Journée réparation {uuid.uuid4().hex[:6]}"
    _initiative(page, url, record_id)
    page.get_by_text("Report a problem").click()
    report = _form(page, "Send the report")
    report.get_by_role("textbox", name="What is wrong?").fill(reason)
    report.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("Thank you: the moderators will look at it.")).to_be_visible()

    _initiative(page, url, record_id, app.tokens[VISITED])
    form = _form(page, "Add an event")
    form.get_by_role("textbox", name="Title", exact=True).fill(event)
    form.get_by_role("textbox", name="Start (Brussels time, e.g. 2027-05-02 14:00)").fill("2099-05-02 14:00")
    form.get_by_role("button", name="Add the event").click()
    expect(page.get_by_text("Thank you: the event shows once a moderator has checked it.")).to_be_visible()

    _initiative(page, url, record_id)
    assert reason not in page.content() and event not in page.content()
    page.goto(f"{url}/agenda?lang=en")
    expect(page.get_by_text(tn("agenda.count", 0, "en"), exact=True)).to_be_visible()
    _settled(page)
    assert event not in page.content()

    reports = _moderate(page, url, "Reports")
    expect(reports.get_by_text(f"{VISITED} · Closed: 1")).to_be_visible()
    reports.get_by_role("button", name="Resolved").click()
    expect(page.get_by_text(f"Reports closed: {VISITED}")).to_be_visible()
    expect(_tab(page, "Reports").get_by_text("No open report.")).to_be_visible()

    events = _tab(page, "Events")
    expect(events.get_by_text(event)).to_be_visible()
    expect(events.get_by_text(f"{VISITED} · 2 May 2099, 14:00")).to_be_visible()  # Brussels time in words
    events.get_by_role("button", name="Approve").click()
    expect(page.get_by_text(f"Event published: {event}")).to_be_visible()

    _initiative(page, url, record_id)
    expect(page.get_by_text(event)).to_be_visible()
    assert reason not in page.content()  # reports are for the moderators only
    page.goto(f"{url}/agenda?lang=en")
    expect(page.get_by_text(tn("agenda.count", 1, "en"), exact=True)).to_be_visible()
    expect(page.get_by_text(event)).to_be_visible()


@pytest.mark.parametrize("where", ["edit link", "moderation tabs"])
def test_the_owner_s_page_and_the_owners_tabs_have_no_serious_accessibility_violation(
    page: Page, app: App, where: str
) -> None:
    """axe-core (tests/axe.py) on the edit link's page and on the moderation page's owners' tabs."""
    if where == "edit link":
        _initiative(page, app.url, app.ids[VISITED], app.tokens[VISITED])
        expect(_form(page, "Edit this initiative")).to_be_visible()
    else:
        history = _moderate(page, app.url, "History")
        _find(history, app.ids[VISITED])
        expect(history.get_by_text("Version to restore")).to_be_visible()
    _settled(page)
    found = [v for v in axe.violations(page) if not v.upstream]
    assert not found, "\n".join(map(str, found))
