"""Exports: RFC 7946 GeoJSON with licences, CSV and GeoPackage, never the private contact."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from core.record import PUBLIC_COLUMNS
from ingest.export import export, spreadsheet_safe, to_geojson_dict
from ingest.store import Store
from tests.test_store import make_records


@pytest.fixture
def stored(store: Store) -> pd.DataFrame:
    """Three records read back from the store with their private contact, one without coordinates."""
    records = make_records(3)
    records.loc[2, ["lon", "lat", "nis_code"]] = None
    store.upsert(records)
    return store.read(include_private=True)


def test_geojson_follows_rfc_7946(stored: pd.DataFrame) -> None:
    collection = to_geojson_dict(stored)
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    first = collection["features"][0]
    assert first["id"] == stored["id"].iloc[0]
    assert first["geometry"] == {"type": "Point", "coordinates": [4.35, 50.846]}  # lon, lat
    assert collection["features"][2]["geometry"] is None  # unplaced: kept, with a null geometry
    assert set(first["properties"]) == set(PUBLIC_COLUMNS) - {"id", "lon", "lat"}


def test_geojson_names_licences_and_attribution(stored: pd.DataFrame) -> None:
    collection = to_geojson_dict(stored)
    assert collection["licence"] == [{"source": "test", "licence": "CC0"}]
    assert "test (CC0)" in collection["attribution"] and "Statbel" in collection["attribution"]


@pytest.mark.parametrize("fmt", ["geojson", "csv", "gpkg"])
def test_exports_never_contain_the_contact(stored: pd.DataFrame, fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"initiatives.{fmt}"
    assert export(stored, fmt, out) == 3
    assert b"@example.org" not in out.read_bytes()
    assert b"contact" not in out.read_bytes()


def test_csv_has_the_public_columns(stored: pd.DataFrame, tmp_path: Path) -> None:
    export(stored, "csv", tmp_path / "out.csv")
    frame = pd.read_csv(tmp_path / "out.csv")
    assert list(frame.columns) == list(PUBLIC_COLUMNS)
    assert frame["id"].tolist() == stored["id"].tolist()


def test_geopackage_holds_points_in_wgs84_with_the_licence(stored: pd.DataFrame, tmp_path: Path) -> None:
    export(stored, "gpkg", tmp_path / "out.gpkg")
    info = pyogrio.read_info(tmp_path / "out.gpkg")
    assert (info["crs"], info["geometry_type"], info["features"]) == ("EPSG:4326", "Point", 3)
    assert json.loads(info["layer_metadata"]["licence"]) == [{"source": "test", "licence": "CC0"}]


def test_a_failed_export_leaves_the_previous_file(stored: pd.DataFrame, tmp_path: Path) -> None:
    out = tmp_path / "exports" / "out.geojson"
    out.parent.mkdir()
    out.write_text("previous export")
    broken = stored.assign(description=[object()] * len(stored))  # not JSON: fails while writing
    with pytest.raises(TypeError):
        export(broken, "geojson", out)
    assert out.read_text() == "previous export"
    assert [p.name for p in out.parent.iterdir()] == ["out.geojson"]


def test_csv_cells_that_would_run_as_spreadsheet_formulas_are_defused() -> None:
    frame = pd.DataFrame(
        {"name": ['=HYPERLINK("http://x")', "+1", "@SUM(A1)", "Maison -1", None], "n": [1, 2, 3, 4, 5]}
    )
    safe = spreadsheet_safe(frame)
    assert safe["name"].tolist()[:4] == ['\'=HYPERLINK("http://x")', "'+1", "'@SUM(A1)", "Maison -1"]
    assert pd.isna(safe["name"].iloc[4])
    assert safe["n"].tolist() == [1, 2, 3, 4, 5]
