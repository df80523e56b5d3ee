"""Shared fixtures: the source folder, and reference data built once per test session."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from core import settings
from geo import reference
from geo.geocode import build_index
from geo.join import BoundaryJoin
from ingest.store import Store, open_store
from tests.postgis import PostgisServer, start_postgis

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def source_dir() -> Path:
    """The open-data source folder (BIM_SOURCE_DIR, by default ../shared/data)."""
    folder = settings.load().source_dir
    if folder is None or not folder.is_dir():
        pytest.fail("no source folder: set BIM_SOURCE_DIR or put the shared data beside the checkout")
    return folder


@pytest.fixture(scope="session")
def built_settings(tmp_path_factory: pytest.TempPathFactory, source_dir: Path) -> settings.Settings:
    """Settings whose data folder holds reference data freshly built from the source folder."""
    config = dataclasses.replace(settings.load(), data_dir=tmp_path_factory.mktemp("data"), source_dir=source_dir)
    reference.build(config)
    return config


@pytest.fixture(scope="session")
def built_reference(built_settings: settings.Settings) -> reference.Reference:
    return reference.load(built_settings.data_dir)


@pytest.fixture(scope="session")
def boundary_join(built_reference: reference.Reference) -> BoundaryJoin:
    return BoundaryJoin.from_reference(built_reference)


def read_fixture(name: str) -> pd.DataFrame:
    """A small CSV fixture under tests/fixtures (lines starting with # are comments)."""
    return pd.read_csv(FIXTURES / name, comment="#", dtype={"nis_code": str})


@pytest.fixture(scope="session")
def postgis_server() -> Iterator[PostgisServer]:
    """A real PostgreSQL + PostGIS server for the session (tests/postgis.py), removed at the end."""
    server = start_postgis()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgis"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty store of each backend: an SQLite file in a temp dir, or a fresh PostGIS database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'initiatives.sqlite'}"
        return
    server = request.getfixturevalue("postgis_server")
    url = server.new_database()
    yield url
    server.drop_database(url)


@pytest.fixture
def store_settings(built_settings: settings.Settings, database_url: str) -> settings.Settings:
    """Settings with the built reference data and an empty store of each backend."""
    return dataclasses.replace(built_settings, database_url=database_url)


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """An empty, open store of each backend."""
    opened = open_store(dataclasses.replace(settings.load(), database_url=database_url))
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def gazetteer_settings(built_settings: settings.Settings) -> settings.Settings:
    """`built_settings` whose data folder also holds the offline geocoder's index, built once."""
    build_index(built_settings)
    return built_settings
