"""The real app in headless chromium: map, filters, languages, shared links, downloads, no outside requests.

One app server (streamlit run on a free port, tiles off) and one browser serve the whole module;
each page gets a screenshot under test-artifacts/.
"""

from __future__ import annotations

import gzip
import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pandas as pd
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from core import settings
from geo import reference
from geo.join import BoundaryJoin
from tests import axe
from tests.app_server import CHROMIUM, CHROMIUM_ARGS, map_texts_path, running_app
from tests.sample_initiatives import app_environment, fill_store, sample_records

pytestmark = pytest.mark.browser

ARTIFACTS = settings.PROJECT_DIR / "test-artifacts"
INITIATIVES = 500
# Groups that share one address (a community centre hosting several): no zoom level separates them.
SHARED_PLACE = ("Repair café Maisonnette", "Chorale Maisonnette", "Potager Maisonnette")
TOTAL = INITIATIVES + len(SHARED_PLACE)
WAIT_MS = 30_000
# Streamlit's frontend, opened on a page's path (/coverage), probes that path as a base URL
# (/coverage/_stcore/health) before the root: expected 404s that are not ours.
BASE_PATH_PROBE = re.compile(r"/[a-z_]+/_stcore/(health|host-config)$")


@pytest.fixture(scope="module")
def app_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("browser-app") / "streamlit.log"


@pytest.fixture(scope="module")
def app_url(
    built_settings: settings.Settings,
    boundary_join: BoundaryJoin,
    tmp_path_factory: pytest.TempPathFactory,
    app_log: Path,
) -> Iterator[str]:
    """A running app (app.py) over a store of sample initiatives, logging to `app_log`."""
    if not (settings.PROJECT_DIR / "static" / "vendor" / "leaflet" / "leaflet.js").is_file():
        pytest.fail("the offline map assets are missing: run `make assets`")
    folder = tmp_path_factory.mktemp("browser-store")
    records = sample_records(INITIATIVES, boundary_join)
    together = records.iloc[[10] * len(SHARED_PLACE)].assign(name=SHARED_PLACE, source_key=SHARED_PLACE)
    config = fill_store(built_settings, pd.concat([records, together], ignore_index=True), folder)
    with running_app(app_environment(config), app_log) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A French-speaking browser tab; dialogs (an XSS sign) fail the test."""
    context = browser.new_context(locale="fr-BE", viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(WAIT_MS)
    dialogs: list[str] = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    context.close()
    assert not dialogs, f"a dialog opened: {dialogs}"


def _map(page: Page):
    return page.frame_locator("iframe").first


def _count(page: Page, words: str) -> int:
    """The number in the 'N initiatives shown' line."""
    text = page.get_by_text(words).first.inner_text()
    return int(re.sub(r"\D", "", text.split("(")[0]))


def _wait_map_ready(page: Page, shown: str = ".bim-cluster") -> None:
    """Until the map shows `shown` and stops moving: the filters drawn above it once their code has
    loaded push it down, and a click aimed before that lands beside the marker."""
    page.locator('[data-testid="stMultiSelect"]').first.wait_for()
    _map(page).locator(shown).first.wait_for()
    page.wait_for_timeout(500)  # let Leaflet finish placing markers before counting or a screenshot


def _wait_until_quiet(page: Page, in_flight: set, quiet_ms: int = 1000) -> None:
    """Until no request has been in flight for `quiet_ms` (Playwright's "networkidle" never comes
    for a page holding a srcdoc iframe)."""
    quiet = 0
    for _ in range(WAIT_MS // 100):
        quiet = quiet + 100 if not in_flight else 0
        if quiet >= quiet_ms:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"requests still in flight after {WAIT_MS} ms: {[r.url for r in in_flight]}")


def _map_zoom(page: Page) -> int:
    frame = next(f for f in page.frames if f.evaluate("() => !!document.querySelector('.leaflet-container')"))
    return frame.evaluate("() => Object.values(window).find(value => value instanceof L.Map).getZoom()")


def _choose_category(page: Page, label: str) -> None:
    page.locator('[data-testid="stMultiSelect"]').first.click()
    page.keyboard.type(label)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")


def test_map_shows_clusters_borders_and_attribution(
    page: Page, app_url: str, built_reference: reference.Reference
) -> None:
    page.goto(f"{app_url}/?lang=fr")
    _wait_map_ready(page)
    assert _map(page).locator(".bim-cluster").count() > 0
    assert _map(page).locator("path.leaflet-interactive").count() == 19
    assert _count(page, "initiatives affichées") == TOTAL
    for line in built_reference.metadata["attribution"]:  # the lines the data licences require
        expect(page.get_by_text(line, exact=False).first).to_be_visible()
    expect(page.get_by_text("les contributeurs d'OpenStreetMap").first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "map.png", full_page=True)


def test_a_cluster_opens_by_zooming_in(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/?lang=en")
    _wait_map_ready(page)
    before = _map_zoom(page)
    clusters = _map(page).locator(".bim-cluster")
    biggest = max(range(clusters.count()), key=lambda i: int(clusters.nth(i).inner_text()))
    clusters.nth(biggest).click()
    page.wait_for_timeout(800)  # the zoom animation
    assert _map_zoom(page) > before
    assert _map(page).locator(".bim-cluster, .bim-marker").count() > 0


def test_initiatives_at_one_place_open_as_one_popup_listing_them(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/?lang=en&q=maisonnette")
    _wait_map_ready(page)
    cluster = _map(page).locator(".bim-cluster")
    expect(cluster).to_have_count(1)
    expect(cluster).to_have_text(str(len(SHARED_PLACE)))
    expect(cluster).to_have_attribute("title", f"{len(SHARED_PLACE)} initiatives: click to zoom in")
    cluster.click()
    popup = _map(page).locator(".leaflet-popup-content")
    for name in SHARED_PLACE:
        expect(popup).to_contain_text(name)
    assert _map_zoom(page) == 11  # no zoom level would separate them: the map did not move


def test_choosing_a_category_changes_the_count_and_the_list(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/?lang=en")
    _wait_map_ready(page)
    _choose_category(page, "Libraries and reading")
    expect(page).to_have_url(re.compile(r"cat=library"))
    expect(page.get_by_text("initiatives shown").first).not_to_contain_text(f"{TOTAL} initiatives")
    shown = _count(page, "initiatives shown")
    assert 0 < shown < TOTAL
    items = page.locator("ol.bim-list li")
    expect(items.first).to_contain_text("Libraries and reading")
    assert items.count() == min(shown, 50)
    assert all("Libraries and reading" in text for text in items.all_inner_texts())


def test_switching_to_dutch_changes_labels_and_commune_names(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/?lang=fr&commune=21004")
    expect(page.locator("h1").first).to_have_text("Initiatives citoyennes à Bruxelles")
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').click()
    page.get_by_role("option", name="Nederlands").click()
    expect(page.locator("h1").first).to_have_text("Burgerinitiatieven in Brussel")
    expect(page).to_have_url(re.compile(r"lang=nl"))
    expect(page.get_by_text("initiatieven getoond").first).to_be_visible()
    expect(page.locator('[data-testid="stMultiSelect"]').nth(1)).to_contain_text("Brussel")
    listed = page.locator("ol.bim-list")
    expect(listed.locator("li").first).to_contain_text(" · Brussel · ")
    assert " · Bruxelles · " not in listed.inner_text()  # the commune name; addresses stay as given


def test_a_browser_asking_for_dutch_gets_dutch(browser: Browser, app_url: str) -> None:
    context = browser.new_context(locale="nl-BE")
    tab = context.new_page()
    tab.goto(app_url)
    expect(tab.locator("h1").first).to_have_text("Burgerinitiatieven in Brussel", timeout=WAIT_MS)
    context.close()


def test_a_shared_link_restores_the_filters(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/?lang=en&cat=library,food&commune=21004,21015&q=initiative")
    _wait_map_ready(page)
    filters = page.locator('[data-testid="stMultiSelect"]')
    expect(filters.nth(0)).to_contain_text("Libraries and reading")
    expect(filters.nth(0)).to_contain_text("Food and urban agriculture")
    expect(filters.nth(1)).to_contain_text("City of Brussels")
    expect(filters.nth(1)).to_contain_text("Schaerbeek")
    expect(page.locator('[data-testid="stTextInput"] input')).to_have_value("initiative")
    items = page.locator("ol.bim-list li").all_inner_texts()
    assert items and all(("City of Brussels" in i or "Schaerbeek" in i) for i in items)
    assert _count(page, "initiatives shown") == len(items) or len(items) == 50


def test_the_geojson_download_matches_the_filter(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/?lang=en&cat=library&commune=21004")
    _wait_map_ready(page)
    shown = _count(page, "initiatives shown")
    with page.expect_download() as download:
        page.locator('[data-testid="stDownloadButton"] button').filter(has_text="GeoJSON").click()
    collection = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    features = collection["features"]
    assert len(features) == shown > 0
    assert {f["properties"]["category"] for f in features} == {"library"}
    assert {f["properties"]["nis_code"] for f in features} == {"21004"}
    assert "contact" not in features[0]["properties"]
    assert collection["licence"] and collection["attribution"]


INITIATIVE_LINK = 'a[href^="/initiative?"]'  # our own page, relative; every other link goes out


@pytest.mark.parametrize(
    ("query", "payload", "links"),
    [("onerror", '"><img src=x onerror=alert(1)>', 1), ("javascript", "javascript:alert(1)", 0)],
)
def test_hostile_text_shows_as_text_in_popups_and_the_list(
    page: Page, app_url: str, query: str, payload: str, links: int
) -> None:
    """The sample's record 1 has a hostile name and a good website; record 2 a javascript: website."""
    page.goto(f"{app_url}/?lang=en&q={query}")
    _wait_map_ready(page, shown=".bim-marker")
    marker = _map(page).locator(".bim-marker").first
    marker.click()
    popup = _map(page).locator(".leaflet-popup-content")
    expect(popup).to_contain_text(payload)
    assert popup.locator("img, script, svg").count() == 0
    expect(popup.locator(INITIATIVE_LINK)).to_have_count(1)  # the page link follows the texts, with the extras
    outside = popup.locator(f"a:not({INITIATIVE_LINK})")
    assert outside.count() == links
    assert all(href.startswith("https://") for href in outside.evaluate_all("as => as.map(a => a.href)"))
    listed = page.locator("ol.bim-list")
    expect(listed).to_contain_text(payload)
    assert listed.locator("img, script, svg").count() == 0
    assert listed.locator(f"a:not({INITIATIVE_LINK})").count() == links


PAGES = ["", "coverage", "commune", "data", "contribute", "moderate"]  # navigation.PAGES; moderation closed here


def _wait_page_drawn(page: Page, path: str) -> None:
    """Until the page's title and its map's borders (if it has a map) show."""
    expect(page.locator("h1").first).to_be_visible()
    if path in ("", "coverage", "commune", "contribute"):
        _map(page).locator("path.leaflet-interactive").first.wait_for()


@pytest.mark.parametrize("path", PAGES)
def test_no_request_leaves_the_app_and_none_fails(page: Page, app_url: str, path: str) -> None:
    outside, failed, in_flight = [], [], set()
    page.on(
        "request", lambda r: None if r.url.startswith((app_url, "data:", "blob:", "about:")) else outside.append(r.url)
    )
    page.on("request", lambda r: in_flight.add(r))
    page.on("requestfinished", lambda r: in_flight.discard(r))
    page.on("requestfailed", lambda r: in_flight.discard(r))
    page.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
    page.on(
        "response",
        lambda r: (
            failed.append(f"{r.url} {r.status}") if r.status >= 400 and not BASE_PATH_PROBE.search(r.url) else None
        ),
    )
    page.set_viewport_size({"width": 1400, "height": 2400})  # Streamlit scrolls inside: a tall window shows more
    page.goto(f"{app_url}/{path}?lang=en")
    _wait_page_drawn(page, path)
    _wait_until_quiet(page, in_flight)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{path or 'map'}-page.png", full_page=True)
    assert not outside, f"requests outside the app: {outside}"
    assert not failed, f"failed requests: {failed}"


@pytest.mark.parametrize("path", ["", "coverage"])
def test_pages_preload_the_map_code_and_every_link_answers(app_url: str, path: str) -> None:
    """app.py: the page names Streamlit's st.iframe chunk and the map's Leaflet assets."""
    with urllib.request.urlopen(f"{app_url}/{path}") as response:
        links = re.findall(r"<([^>]+)>", response.headers["Link"])
    assert any(re.search(r"/IFrame\.[\w-]+\.js$", link) for link in links), links
    assert {"/app/static/vendor/leaflet/leaflet.js", "/app/static/vendor/supercluster/supercluster.min.js"} <= set(
        links
    )
    for link in links:
        with urllib.request.urlopen(urljoin(f"{app_url}/{path}", link)) as asset:
            assert asset.status == 200, link


def test_a_first_visit_fetches_the_map_code_before_streamlit_connects(browser: Browser, app_url: str) -> None:
    """On an empty cache, the map frame's code and Leaflet are asked for with the page, not after it."""
    context = browser.new_context()
    tab = context.new_page()
    events: list[str] = []
    tab.on("request", lambda request: events.append(request.url))
    tab.on("websocket", lambda ws: events.append("websocket"))
    tab.goto(f"{app_url}/?lang=en")
    _map(tab).locator(".bim-cluster").first.wait_for(timeout=WAIT_MS)
    context.close()
    connected = events.index("websocket")
    early = events[:connected]
    assert any(re.search(r"/static/js/IFrame\.[\w-]+\.js$", url) for url in early), early
    assert any(url.endswith("/leaflet/leaflet.js") for url in early), early


def test_the_server_warms_the_map_caches_at_start(app_url: str, app_log: Path) -> None:
    for _ in range(WAIT_MS // 100):
        log = app_log.read_text()
        if "caches warmed" in log or "caches not warmed" in log:
            break
        time.sleep(0.1)
    assert "caches warmed in" in log, log


def test_the_popup_texts_the_map_names_are_served_compressed_or_not(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/?lang=nl")
    _wait_map_ready(page)
    url = urljoin(app_url, map_texts_path(page))
    assert re.search(r"/maps/texts/[0-9a-f]+\.json$", url)
    gzipped = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(gzipped) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert "immutable" in response.headers["Cache-Control"]
        texts = json.loads(gzip.decompress(response.read()))
    with urllib.request.urlopen(url) as response:  # a client that does not accept gzip
        assert response.headers["Content-Encoding"] is None
        assert json.loads(response.read()) == texts
    assert len(texts["rows"]) == TOTAL
    for stale in (
        f"{app_url}/maps/texts/{'0' * 24}.json",
        url.replace(".json", "0.json"),
        f"{app_url}/maps/texts/app.py",
    ):
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(stale)
        assert error.value.code == 404


def test_popups_ask_to_reload_when_their_texts_cannot_be_had(page: Page, app_url: str) -> None:
    """What a page opened before the data changed shows (the server answers 404 for old texts)."""
    page.route("**/maps/texts/**", lambda route: route.fulfill(status=404))
    page.goto(f"{app_url}/?lang=en&q=maisonnette")
    _wait_map_ready(page)
    _map(page).locator(".bim-cluster").click()
    expect(_map(page).locator(".leaflet-popup-content")).to_contain_text("Details unavailable: reload the page.")


@pytest.mark.parametrize("path", PAGES)
def test_pages_and_their_maps_have_no_serious_accessibility_violation(page: Page, app_url: str, path: str) -> None:
    """axe-core in the page and inside its frames; Streamlit's own are listed in tests/axe.py."""
    page.goto(f"{app_url}/{path}?lang=fr")
    _wait_page_drawn(page, path)
    if path == "":
        _wait_map_ready(page)
    found = axe.violations(page)
    ours = [v for v in found if not v.upstream]
    assert not ours, "\n".join(map(str, ours))
    known = {rule for rule, _ in axe.STREAMLIT_OWN}
    assert {v.rule for v in found if v.upstream} == known, "Streamlit fixed one: drop it from tests/axe.py"


def _focused(page: Page) -> dict:
    """What has the keyboard focus in the map frame: its classes, title and focus outline."""
    frame = next(f for f in page.frames if f.evaluate("() => !!document.querySelector('.leaflet-container')"))
    return frame.evaluate(
        """() => { const e = document.activeElement, style = getComputedStyle(e);
            const outline = style.outlineStyle + ' ' + style.outlineWidth;
            return {classes: e.getAttribute('class') || e.tagName, title: e.title, outline: outline}; }"""
    )


def test_a_cluster_is_reached_with_tab_shows_its_focus_and_zooms_in_with_enter(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/?lang=en")
    _wait_map_ready(page)
    before = _map_zoom(page)
    _map(page).locator(".leaflet-container").focus()
    for _ in range(40):  # past the commune borders, which Chromium lets Tab visit too
        page.keyboard.press("Tab")
        focused = _focused(page)
        if "bim-" in focused["classes"]:
            break
    assert "bim-cluster" in focused["classes"] and re.fullmatch(r"\d+ initiatives: click to zoom in", focused["title"])
    assert focused["outline"] == "solid 3px", focused  # :focus-visible
    page.keyboard.press("Enter")
    for _ in range(WAIT_MS // 100):
        if _map_zoom(page) > before:
            break
        page.wait_for_timeout(100)
    assert _map_zoom(page) > before
    assert "leaflet-container" in _focused(page)["classes"]  # the cluster is gone; Tab goes on from the map


def test_initiatives_at_one_place_open_with_space(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/?lang=en&q=maisonnette")
    _wait_map_ready(page)
    cluster = _map(page).get_by_role("button", name=f"{len(SHARED_PLACE)} initiatives: click to zoom in")
    cluster.focus()
    page.keyboard.press(" ")
    popup = _map(page).locator(".leaflet-popup-content")
    for name in SHARED_PLACE:
        expect(popup).to_contain_text(name)


def test_a_marker_is_named_after_its_initiative_and_opens_with_enter(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/?lang=en&q=onerror")
    _wait_map_ready(page, shown=".bim-marker")
    name = re.compile(r'^Initiative 1 .*"><img src=x onerror=alert\(1\)> – \w')  # plain text, once the texts are in
    marker = _map(page).get_by_role("button", name=name)
    marker.focus()
    assert _focused(page)["outline"] == "solid 3px"
    page.keyboard.press("Enter")
    expect(_map(page).locator(".leaflet-popup-content")).to_contain_text('"><img src=x onerror=alert(1)>')
