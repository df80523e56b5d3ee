"""`python -m ingest stats`: the per-commune statistics the coverage page shows, as files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from core import settings
from geo.join import BoundaryJoin
from ingest.__main__ import main
from tests.sample_initiatives import app_environment, fill_store, sample_records


@pytest.fixture(scope="module")
def stats_settings(
    built_settings: settings.Settings, boundary_join: BoundaryJoin, tmp_path_factory: pytest.TempPathFactory
) -> settings.Settings:
    return fill_store(built_settings, sample_records(200, boundary_join), tmp_path_factory.mktemp("stats-store"))


@pytest.fixture(autouse=True)
def environment(stats_settings: settings.Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in app_environment(stats_settings).items():
        monkeypatch.setenv(name, value)


def test_stats_writes_one_csv_row_per_commune(tmp_path: Path) -> None:
    assert main(["stats", "--out", str(tmp_path / "stats.csv")]) == 0
    table = pd.read_csv(tmp_path / "stats.csv", dtype={"nis_code": str})
    assert len(table) == 19
    assert table["initiatives"].sum() == 200
    assert table["share_within_500m"].between(0, 1).all()
    assert (table["share_within_500m_walk"] <= table["share_within_500m"]).all()
    assert (table["share_within_1000m_walk"] <= table["share_within_1000m"]).all()
    assert "geometry" not in table


def test_stats_writes_the_quartier_table_with_walking_shares(tmp_path: Path) -> None:
    assert main(["stats", "--level", "quartier", "--out", str(tmp_path / "quartiers.csv")]) == 0
    table = pd.read_csv(tmp_path / "quartiers.csv")
    assert len(table) == 145 and table["quartier_code"].is_unique
    assert table["initiatives"].sum() == 200
    assert {"share_within_500m_walk", "residents_within_1000m_walk", "share_within_500m"} <= set(table.columns)
    assert table["sector_population"].sum() == pytest.approx(1_219_413, abs=200)  # rounded per quartier


def test_stats_writes_geojson_polygons_when_asked(tmp_path: Path) -> None:
    assert main(["stats", "--out", str(tmp_path / "stats.geojson"), "--category", "library"]) == 0
    collection = json.loads((tmp_path / "stats.geojson").read_text(encoding="utf-8"))
    assert len(collection["features"]) == 19
    assert {f["geometry"]["type"] for f in collection["features"]} <= {"Polygon", "MultiPolygon"}
    assert sum(f["properties"]["initiatives"] for f in collection["features"]) == sum(
        f["properties"]["initiatives_library"] for f in collection["features"]
    )
    assert any("Statbel" in line for line in collection["attribution"])
