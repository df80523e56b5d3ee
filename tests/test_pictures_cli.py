"""`python -m ingest pictures add` and the exports' `pictures`: a moderator's picture, published at once."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import sqlalchemy as sa

from core import settings
from geo.join import BoundaryJoin
from ingest import gallery
from ingest.__main__ import main
from ingest.store import open_store
from tests.pictures import HTML, camera_jpeg
from tests.sample_initiatives import app_environment, fill_store, sample_records


@pytest.fixture
def config(
    built_settings: settings.Settings, boundary_join: BoundaryJoin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> settings.Settings:
    config = fill_store(built_settings, sample_records(3, boundary_join), tmp_path)
    for name, value in app_environment(config).items():
        monkeypatch.setenv(name, value)
    return config


def first_id(config: settings.Settings) -> str:
    with open_store(config) as store:
        return str(store.read()["id"].iloc[0])


def add(record_id: str, file: Path, *options: str) -> int:
    return main(["pictures", "add", record_id, str(file), "--alt", "The garden in May", "--credit", "Ana", *options])


def test_a_picture_added_on_the_command_line_is_published_and_in_every_export(
    config: settings.Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record_id = first_id(config)
    photo = tmp_path / "garden.jpg"
    photo.write_bytes(camera_jpeg())
    assert add(record_id, photo, "--licence", "CC0-1.0") == 0
    with open_store(config) as store:
        [picture] = gallery.of_initiative(store, record_id)
    assert picture.url in capsys.readouterr().out
    expected = [{"url": picture.url, "alt": "The garden in May", "credit": "Ana", "licence": "CC0-1.0"}]
    for fmt in ("geojson", "csv", "gpkg"):
        assert main(["export", "--format", fmt, "--out", str(tmp_path / f"out.{fmt}")]) == 0
    features = {
        f["id"]: f["properties"]["pictures"] for f in json.loads((tmp_path / "out.geojson").read_text())["features"]
    }
    assert features[record_id] == expected and sum(map(len, features.values())) == 1
    table = pd.read_csv(tmp_path / "out.csv").set_index("id")
    assert json.loads(table.loc[record_id, "pictures"]) == expected
    assert table["pictures"].isna().sum() == 2
    layer = gpd.read_file(tmp_path / "out.gpkg").set_index("id")
    assert json.loads(layer.loc[record_id, "pictures"]) == expected


def test_a_refused_file_prints_why_and_stores_nothing(
    config: settings.Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "photo.jpg"
    page.write_bytes(HTML)
    assert add(first_id(config), page) == 1
    assert f"error: {page}: not a JPEG, PNG or WebP picture" in capsys.readouterr().err
    with open_store(config) as store, store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(store.tables.pictures)).scalar_one() == 0


def test_an_unknown_initiative_or_a_missing_file_is_an_error_naming_it(
    config: settings.Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photo = tmp_path / "garden.jpg"
    photo.write_bytes(camera_jpeg())
    assert add("no-such-id", photo) == 1
    assert "no initiative with id no-such-id" in capsys.readouterr().err
    assert add(first_id(config), tmp_path / "missing.jpg") == 1
    assert "missing.jpg: cannot read the file" in capsys.readouterr().err
