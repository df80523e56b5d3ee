"""The embeddable map in headless chromium: clusters and popups without a Streamlit session, nothing
fetched from another origin, and no serious or critical axe-core violation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from core import settings
from geo.join import BoundaryJoin
from tests.app_server import CHROMIUM, CHROMIUM_ARGS
from tests.axe import violations
from tests.web_app import SampleApp, sample_app

pytestmark = pytest.mark.browser
WAIT_MS = 30_000


@pytest.fixture(scope="module")
def app(
    built_settings: settings.Settings, boundary_join: BoundaryJoin, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SampleApp]:
    if not (settings.PROJECT_DIR / "static" / "vendor" / "leaflet" / "leaflet.js").is_file():
        pytest.fail("the offline map assets are missing: run `make assets`")
    with sample_app(built_settings, boundary_join, tmp_path_factory.mktemp("embed-browser"), n=300) as running:
        yield running


@pytest.fixture
def page(app: SampleApp) -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser: Browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 900, "height": 600})
        tab.set_default_timeout(WAIT_MS)
        yield tab
        browser.close()


def test_the_embed_shows_clusters_and_popups_from_its_own_origin_only(app: SampleApp, page: Page) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{app.url}/embed?lang=en")
    page.locator(".bim-cluster").first.wait_for(state="visible")
    page.locator(".bim-cluster").first.click()
    page.wait_for_function("document.querySelectorAll('.bim-cluster, .bim-marker').length > 1")
    page.locator(".bim-marker").first.click()
    page.locator(".bim-popup strong").first.wait_for(state="visible")
    outside = [url for url in requested if not url.startswith((app.url, "data:", "blob:"))]
    assert outside == []
    assert not [url for url in requested if "/_stcore/" in url], "an embed opens no Streamlit session"


def test_the_embed_has_no_serious_accessibility_violation(app: SampleApp, page: Page) -> None:
    page.goto(f"{app.url}/embed?lang=fr&cat=food,library")
    page.locator(".bim-cluster, .bim-marker").first.wait_for(state="visible")
    page.wait_for_timeout(300)  # the first markers placed
    found = violations(page)
    assert not found, "\n".join(str(v) for v in found)
