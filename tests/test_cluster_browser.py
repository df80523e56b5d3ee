"""Two replicas behind nginx on one PostGIS (deploy/cluster.py), in a real browser through nginx: a
moderator on replica A approves, a visitor on replica B sees it on the next load; a replica killed,
the site keeps answering; the map's assets are served from nginx's cache."""

from __future__ import annotations

import dataclasses
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from core import settings
from deploy.cluster import Cluster, running_cluster
from ingest import accounts, contribute
from ingest.store import open_store
from tests import test_browser
from tests.sample_initiatives import app_environment
from tests.test_moderation_browser import _approve, _login

pytestmark = pytest.mark.browser
browser = test_browser.browser  # the same chromium
expect.set_options(timeout=test_browser.WAIT_MS)

PASSWORD = "replicas share one store, 2026"
PUBLISHED, PENDING = "Potager du Parc", "Atelier vélo du Sablon"
STICKY = "bim_replica"
ASSET = "/app/static/vendor/leaflet/leaflet.js"


@pytest.fixture(scope="module")
def cluster(postgis_server, built_settings: settings.Settings) -> Iterator[Cluster]:
    """Two replicas and nginx over a PostGIS store holding one published and one pending initiative."""
    url = postgis_server.new_database()
    config = dataclasses.replace(built_settings, database_url=url)
    with open_store(config) as store:
        for name, point, token in ((PUBLISHED, (4.3630, 50.8420), "one"), (PENDING, (4.3560, 50.8400), "two")):
            submission = contribute.Submission(
                name=name, category="culture", contact="x@example.org", lon=point[0], lat=point[1], token=token
            )
            record_id = contribute.submit(store, config, submission)
            if name == PUBLISHED:
                store.set_status(record_id, "published", "", "seed")
        accounts.add(store, "alice", PASSWORD)
    # Not under pytest's temp folder (mode 700): nginx's workers run as nobody when the tests run as root.
    with (
        tempfile.TemporaryDirectory(prefix="bim-cluster-") as run_dir,
        running_cluster(2, url, Path(run_dir), environment=app_environment(config)) as running,
    ):
        yield running
    postgis_server.drop_database(url)


def _served_by(cluster: Cluster, key: str, path: str = "/_stcore/health") -> str:
    """The replica that answered a visitor with sticky key `key` (the last nginx tried)."""
    request = urllib.request.Request(cluster.url + path, headers={"Cookie": f"{STICKY}={key}"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200
        return _answered(answer.headers["X-Bim-Replica"])


def _answered(tried: str) -> str:
    """The replica that answered, from nginx's $upstream_addr ("A, B" when A failed and B answered)."""
    return tried.split(", ")[-1]


def _key_for(cluster: Cluster, index: int) -> str:
    """A sticky key that nginx hashes to replica `index`."""
    address = f"127.0.0.1:{cluster.replicas[index].port}"
    return next(key for key in (f"visitor-{i}" for i in range(200)) if _served_by(cluster, key) == address)


def _tab(browser: Browser, cluster: Cluster, key: str) -> Page:
    context = browser.new_context(locale="en-GB", viewport={"width": 1400, "height": 1000})
    context.add_cookies([{"name": STICKY, "value": key, "url": cluster.url}])
    tab = context.new_page()
    tab.set_default_timeout(test_browser.WAIT_MS)
    return tab


def _load_map(tab: Page, cluster: Cluster) -> str:
    """Load the map page; the replica that answered."""
    response = tab.goto(f"{cluster.url}/?lang=en")
    assert response is not None and response.status == 200
    expect(tab.locator("ol.bim-list")).to_contain_text(PUBLISHED)
    return _answered(response.headers["x-bim-replica"])


def test_a_new_visitor_gets_a_sticky_key_and_static_assets_come_from_the_cache(cluster: Cluster) -> None:
    with urllib.request.urlopen(cluster.url + "/", timeout=10) as first:
        cookie = first.headers["Set-Cookie"]
    assert cookie.startswith(f"{STICKY}=") and "HttpOnly" in cookie
    key = cookie.split(";")[0].split("=", 1)[1]
    assert {_served_by(cluster, key) for _ in range(5)} == {first.headers["X-Bim-Replica"]}  # sticky
    caches = []
    for _ in range(2):
        with urllib.request.urlopen(cluster.url + ASSET, timeout=10) as answer:
            caches.append(answer.headers["X-Cache"])
    assert caches[-1] == "HIT"


def test_an_approval_on_one_replica_shows_on_the_other_and_a_dead_replica_is_routed_around(
    browser: Browser, cluster: Cluster
) -> None:
    replica_a, replica_b = (f"127.0.0.1:{r.port}" for r in cluster.replicas)
    moderator = _tab(browser, cluster, _key_for(cluster, 0))
    visitor = _tab(browser, cluster, _key_for(cluster, 1))
    assert _load_map(visitor, cluster) == replica_b
    assert PENDING not in visitor.locator("ol.bim-list").inner_text()

    _login(moderator, cluster.url, who="alice", password=PASSWORD)  # its websocket runs on replica A
    expect(moderator.get_by_text("Logged in: alice")).to_be_visible()
    assert _served_by(cluster, _key_for(cluster, 0)) == replica_a
    _approve(moderator, PENDING)

    assert _load_map(visitor, cluster) == replica_b
    expect(visitor.locator("ol.bim-list")).to_contain_text(PENDING)

    cluster.replicas[0].process.kill()
    cluster.replicas[0].process.wait()
    assert _load_map(moderator, cluster) == replica_b  # A's visitors move to B
    expect(moderator.locator("ol.bim-list")).to_contain_text(PENDING)
    assert _load_map(visitor, cluster) == replica_b
    assert {_served_by(cluster, f"visitor-{i}") for i in range(10)} == {replica_b}
    moderator.context.close()
    visitor.context.close()
