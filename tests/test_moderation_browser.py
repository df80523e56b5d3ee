"""Contributions and moderation in headless chromium: submit, log in, approve, upload, and stored XSS.

One app server (empty store, a moderator password, the offline geocoder) serves the module; the
browser and its French-speaking tab (a dialog fails the test) come from tests/test_browser.py.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Page, expect

from core import settings
from core.auth import hash_password
from ingest import contribute
from ingest.store import open_store
from tests import axe, test_browser
from tests.app_server import running_app
from tests.sample_initiatives import app_environment
from tests.test_browser import ARTIFACTS

pytestmark = pytest.mark.browser
browser, page = test_browser.browser, test_browser.page  # the same chromium and French-speaking tab fixtures
expect.set_options(timeout=test_browser.WAIT_MS)  # a fresh server's first page takes more than 5 s

PASSWORD = "moderators only, 2026"
SEEDED = "Seeded pending initiative"
SEEDED_EMAIL = f"seeded-{uuid.uuid4().hex[:8]}@example.org"
FORM_EMAIL = f"citizen-{uuid.uuid4().hex[:8]}@example.org"
PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    '"><svg onload=alert(1)>',
    "' onmouseover='alert(1)' x='",
    '" onfocus="alert(1)" autofocus="',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">click me</a>',
    "'-alert(1)-'",
    "{{7*7}} ${7*7} <%= 7*7 %>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "</script><script>alert(1)</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "\\u003cimg src=x onerror=alert(1)\\u003e",
    "';alert(1);//",
)
HOSTILE_WEBSITES = (
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    'https://ok.example/"><script>alert(1)</script>',
    "https://ok.example/' onmouseover='alert(1)",
)
# Anything an injection would leave in a page: handlers, script URLs, or an element that runs "alert(1)".
FIND_INJECTED = """() => {
    const found = [];
    for (const el of document.querySelectorAll('*')) {
        for (const attr of el.attributes) {
            const value = attr.value || '';
            if (attr.name.startsWith('on') && value.includes('alert')) found.push(el.tagName + ' ' + attr.name);
            const link = ['href', 'src', 'action', 'formaction'].includes(attr.name);
            if (link && /^\\s*javascript:/i.test(value)) found.push(el.tagName + ' ' + attr.name + '=' + value);
            if (link && el.tagName !== 'LINK' && /^\\s*data:text/i.test(value)) found.push(el.tagName + ' data:text');
        }
        if (el.tagName === 'SCRIPT' && el.textContent.trim() === 'alert(1)') found.push('SCRIPT alert(1)');
        if (el.tagName === 'IMG' && el.getAttribute('src') === 'x') found.push('IMG src=x');
        const tag = el.tagName.toUpperCase();
        if (['SVG', 'MGLYPH', 'DETAILS'].includes(tag) && el.closest('.bim-popup, .bim-list, .bim-record'))
            found.push(tag);
    }
    return found;
}"""
# Puts every initiative's popup content into the page the way Leaflet does (innerHTML), so handlers would fire now.
OPEN_EVERY_POPUP = """async () => {
    const layer = Object.values(window).find(value => value && typeof value.popupHtml === 'function');
    await layer.ready;
    const box = document.createElement('div');
    box.className = 'bim-popup-check';
    document.body.appendChild(box);
    for (let i = 0; i < layer.size(); i++) box.insertAdjacentHTML('beforeend', layer.popupHtml(i));
    return [layer.size(), box.innerText];
}"""


@pytest.fixture(scope="module")
def app(
    gazetteer_settings: settings.Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, settings.Settings]]:
    """The app over an empty store holding one pending submission, with a moderator password."""
    folder = tmp_path_factory.mktemp("moderation-store")
    config = dataclasses.replace(gazetteer_settings, database_url=f"sqlite:///{folder / 'initiatives.sqlite'}")
    with open_store(config) as store:
        seeded = contribute.Submission(
            name=SEEDED, category="culture", contact=SEEDED_EMAIL, lon=4.3630, lat=50.8330, token="seeded"
        )
        contribute.submit(store, config, seeded)
    environment = {
        **app_environment(config),
        "BIM_MODERATOR_PASSWORD_HASH": hash_password(PASSWORD),
        "BIM_SUBMISSIONS_PER_SESSION": "50",
    }
    with running_app(environment, folder / "streamlit.log") as url:
        yield url, config


def _over_frames(page: Page, read: Callable[[Frame], list[str]]) -> list[str]:
    """`read` of the page and of every frame in it (maps live in iframes), once the frames settle."""
    for _ in range(5):
        try:
            return [found for frame in page.frames for found in read(frame)]
        except PlaywrightError:  # a frame replaced by a rerun while being read: read them all again
            page.wait_for_timeout(500)
    return [found for frame in page.frames for found in read(frame)]


def _frames_text(page: Page) -> str:
    """The HTML of the page and of all its frames."""
    return "\n".join(_over_frames(page, lambda frame: [frame.content()]))


def _injected(page: Page) -> list[str]:
    """What an injection left anywhere in the page or its frames (FIND_INJECTED)."""
    return _over_frames(page, lambda frame: [f"{frame.url}: {found}" for found in frame.evaluate(FIND_INJECTED)])


def _map_frame(page: Page) -> Frame:
    """The frame holding the Leaflet map."""
    page.frame_locator("iframe").first.locator(".leaflet-container").wait_for()
    return next(f for f in page.frames if f.evaluate("() => !!document.querySelector('.leaflet-container')"))


def _field(page: Page, label: str):
    """A text input or text area by its label (help buttons share the label's words)."""
    return page.get_by_role("textbox", name=label, exact=True)


def _login(page: Page, url: str, who: str = "alice", password: str = PASSWORD) -> None:
    page.goto(f"{url}/moderate?lang=en")
    _field(page, "Your name (for the log)").fill(who)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def _choose_pending(page: Page, name: str) -> None:
    expect(page.locator("table.bim-record")).to_be_visible()
    if name in page.locator("table.bim-record").inner_text():
        return
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Initiative to review").click()
    page.keyboard.type(name)
    page.get_by_role("option").filter(has_text=name).first.click()
    expect(page.locator("table.bim-record")).to_contain_text(name)


def _approve(page: Page, name: str) -> None:
    _choose_pending(page, name)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text(f"Approved: {name}")).to_be_visible()


def _submit(page: Page, url: str, name: str, **fields: str) -> None:
    """Fill the contribute form (address first, for the preview) and send it."""
    page.goto(f"{url}/contribute?lang=en")
    address = _field(page, "Address")
    address.fill(fields.get("address", "Rue de la Loi 16, 1000 Bruxelles"))
    address.press("Enter")
    expect(page.get_by_text("Address found").first).to_be_visible()
    _map_frame(page).locator("path.leaflet-interactive").first.wait_for(state="attached")  # pin map drawn
    _field(page, "Name of the initiative").fill(name)
    for label, key in (
        ("Description", "description"),
        ("Website", "website"),
        ("Your story", "story"),
        ("Link to a picture (optional)", "image_url"),
    ):
        if key in fields:
            _field(page, label).fill(fields[key])
    _field(page, "Your e-mail").fill(fields.get("contact", FORM_EMAIL))
    page.get_by_role("button", name="Send").click()


def test_the_moderation_page_shows_only_a_login_form_before_logging_in(page: Page, app: tuple) -> None:
    url, _ = app
    page.goto(f"{url}/moderate?lang=en")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    page.wait_for_timeout(500)
    assert page.get_by_role("tab").count() == 0
    assert SEEDED not in _frames_text(page)
    assert page.get_by_role("button", name="Approve").count() == 0


def test_a_wrong_password_is_refused(page: Page, app: tuple) -> None:
    url, _ = app
    _login(page, url, password="not the password at all")
    expect(page.get_by_text("Wrong password.")).to_be_visible()
    assert page.get_by_role("button", name="Log out").count() == 0
    assert SEEDED not in _frames_text(page)


def test_a_submission_is_hidden_until_a_moderator_approves_it(page: Page, app: tuple) -> None:
    url, config = app
    name = f"Jardin partagé {uuid.uuid4().hex[:6]}"
    page.goto(f"{url}/contribute?lang=en")
    address = _field(page, "Address")
    address.fill("Rue de la Loi 16, 1000 Bruxelles")
    address.press("Enter")
    expect(page.get_by_text("Address found (exact address) in City of Brussels")).to_be_visible()
    _map_frame(page).locator(".leaflet-container").click(position={"x": 420, "y": 170})  # move the pin by a click
    expect(page.get_by_text("Point set by hand on the map.")).to_be_visible()
    _field(page, "Name of the initiative").fill(name)
    _field(page, "Your story").fill("Des tomates en plein centre-ville.")
    _field(page, "Link to a picture (optional)").fill("https://jardin.example.org/photo.jpg")
    _field(page, "Your e-mail").fill(FORM_EMAIL)
    honeypot = _field(page, "Leave this field empty").bounding_box()
    assert honeypot is not None and honeypot["x"] + honeypot["width"] < 0  # off-screen for people
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Thank you! Your proposal has been received.")).to_be_visible()
    expect(page.get_by_text("What next?")).to_be_visible()

    page.goto(f"{url}/?lang=en")
    expect(page.locator("h1").first).to_be_visible()
    page.wait_for_timeout(1000)
    assert name not in _frames_text(page)

    _login(page, url)
    expect(page.get_by_text("Logged in: alice")).to_be_visible()
    _approve(page, name)
    with open_store(config) as store:
        record = store.read(status="published").set_index("name").loc[name]
        trail = store.audit_trail(record["id"])
    assert trail[-1]["actor"] == "alice" and trail[-1]["after"]["status"] == "published"
    assert trail[0]["after"]["geocode_precision"] == "given"  # the pin, moved by the click

    page.goto(f"{url}/?lang=en")
    listed = page.locator("ol.bim-list li").filter(has_text=name)
    expect(listed).to_contain_text("City of Brussels")
    expect(listed).to_contain_text("Des tomates en plein centre-ville.")
    expect(listed.get_by_role("link", name="Picture")).to_have_attribute("href", "https://jardin.example.org/photo.jpg")
    frame = _map_frame(page)
    frame.locator(".bim-marker, .bim-cluster").first.wait_for()
    opened, text = frame.evaluate(OPEN_EVERY_POPUP)
    assert opened >= 1 and name in text and "City of Brussels" in text
    assert "Des tomates en plein centre-ville." in text  # the story shows in the popup too
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "contribution-approved.png", full_page=True)


def _hostile_csv(path: Path) -> None:
    """One row per payload (name, description) and per hostile website, all in the region."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["nom", "description", "site", "lat", "lon", "contact"])
        for i, payload in enumerate(PAYLOADS):
            writer.writerow([f"File {i} {payload}", payload, "", f"{50.84 + i * 0.001:.4f}", "4.36", SEEDED_EMAIL])
        for i, website in enumerate(HOSTILE_WEBSITES):
            writer.writerow([f"Site {i}", "hostile website", website, "50.83", f"{4.37 + i * 0.001:.4f}", ""])


def test_hostile_text_from_the_form_and_a_file_runs_nowhere(page: Page, app: tuple, tmp_path: Path) -> None:
    url, config = app
    for i in range(0, len(PAYLOADS), 3):
        name, description, story = (PAYLOADS[(i + k) % len(PAYLOADS)] for k in range(3))
        _submit(page, url, f"Form {i} {name}", description=description, story=story, website="https://ok.example")
        expect(page.get_by_text("Thank you!")).to_be_visible()
    for website in HOSTILE_WEBSITES[:3]:
        _submit(page, url, "Hostile website", website=website)
        expect(page.get_by_text("give a full link starting with https://")).to_be_visible()
    _submit(page, url, "Hostile picture", image_url="javascript:alert(1)")
    expect(page.get_by_text("give a full link starting with https://")).to_be_visible()
    assert not _injected(page)

    upload = tmp_path / "hostile.csv"
    _hostile_csv(upload)
    _login(page, url)
    page.get_by_role("tab", name="Import a file").click()
    page.get_by_role("tabpanel", name="Import a file").locator(
        '[data-testid="stFileUploaderDropzoneInput"]'
    ).set_input_files(upload)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Import report of hostile.csv")).to_be_visible()
    page.get_by_role("tab", name="To review").click()
    _choose_pending(page, "File 1 ")
    assert not _injected(page)

    with open_store(config) as store:  # approve what was just sent, as a moderator would
        held = store.read(status="pending")
        for record_id in held.loc[held["name"] != SEEDED, "id"]:
            store.set_status(record_id, "published", "", "alice")
        assert store.count("published") >= len(PAYLOADS) + 5

    page.goto(f"{url}/?lang=en")
    expect(page.locator("ol.bim-list")).to_contain_text("<script>alert(1)</script>")
    expect(page.locator("ol.bim-list")).to_contain_text("<img src=x onerror=alert(1)>")
    frame = _map_frame(page)
    frame.locator(".bim-cluster, .bim-marker").first.wait_for()
    opened, text = frame.evaluate(OPEN_EVERY_POPUP)
    assert opened >= len(PAYLOADS) + 5
    assert '"><svg onload=alert(1)>' in text
    page.wait_for_timeout(1000)  # time for any handler to fire
    assert not _injected(page)
    for path in ("coverage", "commune", "data"):
        page.goto(f"{url}/{path}?lang=en")
        expect(page.locator("h1").first).to_be_visible()
        page.wait_for_timeout(1500)
        assert not _injected(page), path


def test_an_upload_reports_counts_and_reasons_and_good_rows_publish_after_approval(
    page: Page, app: tuple, tmp_path: Path
) -> None:
    url, _ = app
    upload = tmp_path / "messy-upload.csv"
    upload.write_text(
        "Nom;Adresse;Latitude;Longitude;Site web;Horaires;Code postale\n"
        "Repair Café Marolles;Rue Haute 150, 1000 Bruxelles;50,8380;4,3480;repair.example.org;sa;1000\n"
        "Bibliothèque du parc;;50.8460;4.3660;https://bib.example.org;;\n"
        ";Rue Haute 1, 1000 Bruxelles;50.84;4.35;;;\n"
        "Repair Café Marolles;Rue Haute 150, 1000 Bruxelles;50,8380;4,3480;repair.example.org;sa;1000\n"
        "Potager sans site;;50.8300;4.3700;ftp://potager;;\n"
        "Hors région;;51.2194;4.4025;;;\n",
        encoding="utf-8",
    )
    _login(page, url)
    page.get_by_role("tab", name="Import a file").click()
    page.get_by_role("tabpanel", name="Import a file").locator(
        '[data-testid="stFileUploaderDropzoneInput"]'
    ).set_input_files(upload)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Import report of messy-upload.csv: 6 rows")).to_be_visible()
    expect(page.locator('[data-testid="stMetric"]')).to_have_count(5)
    metrics = {
        m.locator('[data-testid="stMetricLabel"]').inner_text(): m.locator('[data-testid="stMetricValue"]').inner_text()
        for m in page.locator('[data-testid="stMetric"]').all()
    }
    assert metrics == {"New": "6", "Updated": "0", "Needs review": "4", "Rejected": "1", "Duplicates": "1"}
    tables = page.locator('[data-testid="stTable"]')
    reasons = tables.first.inner_text()
    for reason in ("no name (nom/naam/name)", "duplicate of row 1", "website: not an http(s) address", "outside"):
        assert reason in reasons
    close_header = page.locator('[data-testid="stAlert"]').filter(
        has_text="'Code postale': ignored, but its header is close"
    )
    expect(close_header).to_be_visible()
    columns = tables.last.inner_text()
    for header, field in (("Nom", "name"), ("Adresse", "address"), ("Horaires", "(ignored)")):
        assert header in columns and field in columns
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the report (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert [r["status"] for r in rows] == ["pending", "pending", "rejected", "duplicate", "pending", "pending"]

    page.get_by_role("tab", name="To review").click()
    _approve(page, "Repair Café Marolles")
    _approve(page, "Bibliothèque du parc")
    page.goto(f"{url}/?lang=en")
    listed = page.locator("ol.bim-list")
    expect(listed).to_contain_text("Repair Café Marolles")
    expect(listed).to_contain_text("Bibliothèque du parc")
    assert "Potager sans site" not in listed.inner_text()


def test_no_page_and_no_download_shows_a_contact_email(page: Page, app: tuple) -> None:
    url, _ = app
    secrets = (SEEDED_EMAIL, FORM_EMAIL)
    for path in ("", "coverage", "commune", "data", "contribute"):
        page.goto(f"{url}/{path}?lang=en")
        expect(page.locator("h1").first).to_be_visible()
        page.wait_for_timeout(1000)
        html = _frames_text(page)
        assert not any(secret in html for secret in secrets), path
    page.goto(f"{url}/data?lang=en")
    for label in ("GeoJSON", "CSV", "GeoPackage"):
        with page.expect_download() as download:
            page.locator('[data-testid="stDownloadButton"] button').filter(has_text=label).first.click()
        content = Path(download.value.path()).read_bytes()
        assert not any(secret.encode() in content for secret in secrets), label
    _login(page, url)
    expect(page.get_by_text("Logged in: alice")).to_be_visible()
    _choose_pending(page, SEEDED)
    page.get_by_text("Audit log").click()
    page.wait_for_timeout(500)
    assert not any(secret in _frames_text(page) for secret in secrets)


@pytest.mark.parametrize("logged_in", [False, True], ids=["login form", "queue"])
def test_the_moderation_page_has_no_serious_accessibility_violation(page: Page, app: tuple, logged_in: bool) -> None:
    """axe-core (tests/axe.py) in the page and its frames, before and after logging in."""
    url, _ = app
    if logged_in:
        _login(page, url)
        _choose_pending(page, SEEDED)
        _map_frame(page).locator("path.leaflet-interactive").first.wait_for(state="attached")
    else:
        page.goto(f"{url}/moderate?lang=fr")
        expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    found = [v for v in axe.violations(page) if not v.upstream]
    assert not found, "\n".join(map(str, found))
