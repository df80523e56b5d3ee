"""AppTest checks of the statistics (coverage) page and the pages' plumbing, without a browser."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core import settings
from geo import coverage
from geo.join import BoundaryJoin
from i18n import LANGUAGES
from ingest.store import open_store
from tests.sample_initiatives import app_environment, fill_store, sample_records
from ui import data, maps

APP = settings.PROJECT_DIR / "navigation.py"
APP_TIMEOUT_S = 60


@pytest.fixture(scope="module")
def app_settings(
    built_settings: settings.Settings, boundary_join: BoundaryJoin, tmp_path_factory: pytest.TempPathFactory
) -> settings.Settings:
    return fill_store(built_settings, sample_records(400, boundary_join), tmp_path_factory.mktemp("app-store"))


@pytest.fixture
def open_page(app_settings: settings.Settings, monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str], AppTest]:
    """Run the app over the sample store, in `lang`, on the page at `path`."""
    for name, value in app_environment(app_settings).items():
        monkeypatch.setenv(name, value)

    def open_(path: str, lang: str) -> AppTest:
        app = AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT_S)
        app.query_params["lang"] = lang
        app.run()
        return app.switch_page(path).run()

    return open_


@pytest.fixture
def coverage_page(open_page: Callable[[str, str], AppTest]) -> AppTest:
    return open_page("app_pages/coverage.py", "en")


def test_coverage_page_shows_the_19_communes_without_error(coverage_page: AppTest) -> None:
    assert not coverage_page.exception
    assert coverage_page.title[0].value == "Coverage of the 19 communes"
    table = coverage_page.dataframe[0].value
    assert len(table) == 19
    assert table["initiatives"].sum() == 400
    assert "City of Brussels" in set(table["commune"])


def test_coverage_page_shows_region_and_median_of_the_chosen_metric(coverage_page: AppTest) -> None:
    labels = [m.label for m in coverage_page.metric]
    assert labels == ["Region", "Median of the communes"]
    assert coverage_page.metric[0].value.endswith("%")
    coverage_page.selectbox(key="coverage_metric:en").select("initiatives").run()
    assert coverage_page.metric[0].value == "400"
    assert coverage_page.query_params["metric"] == "initiatives"


def test_coverage_page_counts_only_the_chosen_categories(coverage_page: AppTest) -> None:
    coverage_page.selectbox(key="coverage_metric:en").select("initiatives").run()
    coverage_page.multiselect(key="coverage_categories:en").select("library").run()
    assert not coverage_page.exception
    libraries = coverage_page.dataframe[0].value["initiatives"].sum()
    assert 0 < libraries < 400
    assert coverage_page.metric[0].value == f"{libraries:,}"
    assert coverage_page.query_params["cat"] == "library"


def test_coverage_page_states_its_method(coverage_page: AppTest) -> None:
    method = " ".join(m.value for m in coverage_page.markdown)
    assert "EPSG:31370" in method and "dasymetric" in method and "address points" in method


def test_coverage_page_shows_both_measures_and_switches_between_them(coverage_page: AppTest) -> None:
    table = coverage_page.dataframe[0].value
    assert {"share_within_500m", "share_within_500m_walk"} <= set(table.columns)
    assert (table["share_within_500m_walk"] <= table["share_within_500m"]).all()
    assert coverage_page.selectbox(key="coverage_metric:en").value == "share_within_500m_walk"
    walk_region = coverage_page.metric[0].value
    coverage_page.segmented_control(key="coverage_measure:en").set_value("straight").run()
    assert not coverage_page.exception
    assert coverage_page.selectbox(key="coverage_metric:en").value == "share_within_500m"
    assert coverage_page.query_params["measure"] == "straight"
    assert float(coverage_page.metric[0].value.rstrip(" %")) >= float(walk_region.rstrip(" %"))
    assert "Walking service area (500 m and 1 km)" in [h.value for h in coverage_page.header]


def test_commune_report_lists_streets_and_sectors_beyond_a_walk(open_page: Callable[[str, str], AppTest]) -> None:
    app = open_page("app_pages/commune.py", "en")
    assert not app.exception
    assert app.query_params["measure"] == "walk"
    walk_caption = next(c.value for c in app.caption if "beyond 500 m (On foot)" in c.value)
    app.segmented_control(key="commune_measure:en").set_value("straight").run()
    assert not app.exception
    straight_caption = next(c.value for c in app.caption if "beyond 500 m (Straight line)" in c.value)
    walk_residents = int(walk_caption.rsplit(": ", 1)[1].split()[0].replace(",", ""))
    straight_residents = int(straight_caption.rsplit(": ", 1)[1].split()[0].replace(",", ""))
    assert walk_residents >= straight_residents


def test_coverage_page_speaks_dutch_from_the_url(open_page: Callable[[str, str], AppTest]) -> None:
    app = open_page("app_pages/coverage.py", "nl")
    assert app.title[0].value == "Dekking van de 19 gemeenten"
    assert "Brussel" in set(app.dataframe[0].value["commune"])


@pytest.mark.parametrize("page", ["app_pages/map.py", "app_pages/commune.py", "app_pages/data.py"])
def test_every_page_runs_without_error(open_page: Callable[[str, str], AppTest], page: str) -> None:
    assert not open_page(page, "fr").exception


def test_map_search_ignores_accents_and_finds_category_labels(open_page: Callable[[str, str], AppTest]) -> None:
    app = open_page("app_pages/map.py", "fr")
    app.text_input(key="map_text:fr").input("bibliotheque").run()
    assert not app.exception
    count = app.markdown[0].value
    assert count.startswith("**") and "sur 400" in count
    shown = int(count.split("**")[1].replace("\u202f", ""))
    assert 0 < shown < 400
    assert app.query_params["q"] == "bibliotheque"


def test_warming_fills_the_caches_first_visits_read(
    open_page: Callable[[str, str], AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    """app.py warms the caches at start: the map and coverage pages then compute nothing new."""
    data.initiatives_map.clear()  # what earlier tests built must not count
    data.statistics.clear()
    data.warm(settings.load())  # the settings the app reads (open_page set its environment)

    def not_again(*_args: object) -> None:
        raise AssertionError("a page computed what the warm-up should have")

    monkeypatch.setattr(coverage, "commune_statistics", not_again)
    with monkeypatch.context() as patch:
        patch.setattr(maps, "page", not_again)  # the coverage page draws its small choropleth each run
        for lang in LANGUAGES:
            app = open_page("app_pages/map.py", lang)
            assert not app.exception, app.exception
    app = open_page("app_pages/coverage.py", "en")
    assert not app.exception, app.exception


def test_popup_texts_are_served_until_the_data_changes(
    built_settings: settings.Settings, boundary_join: BoundaryJoin, tmp_path: Path
) -> None:
    """The texts a map names are the store's as of its page; after a change the old name is gone."""
    records = sample_records(30, boundary_join)
    config = fill_store(built_settings, records.iloc[:20], tmp_path)
    name = data.marker_table(data.snapshot(config)).name
    texts = json.loads(gzip.decompress(data.popup_texts(config, name)))
    assert len(texts["rows"]) == 20
    with open_store(config) as store:
        store.upsert(records.iloc[20:])
    assert data.popup_texts(config, name) is None
    newer = data.marker_table(data.snapshot(config)).name
    assert newer != name and len(json.loads(gzip.decompress(data.popup_texts(config, newer)))["rows"]) == 30
