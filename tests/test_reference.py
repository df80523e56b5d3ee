"""The reference builder: real data in, validated layers out; bad sources stop it cleanly."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from core import settings
from core.errors import ReferenceDataError, ReferenceNotBuiltError
from core.settings import PROJECT_DIR
from geo import reference, sources


def test_builds_the_19_communes_with_codes_names_area_and_population(built_reference) -> None:
    communes = built_reference.communes
    assert communes["nis_code"].tolist() == [str(code) for code in range(21001, 21020)]
    brussels = communes.set_index("nis_code").loc["21004"]
    assert (brussels["name_fr"], brussels["name_nl"]) == ("Bruxelles", "Brussel")
    assert communes["area_km2"].sum() == pytest.approx(162.4, abs=0.5)
    assert communes["population_year"].unique().tolist() == [2024]


def test_commune_population_is_the_latest_statbel_year(built_reference, source_dir: Path) -> None:
    table = pd.read_csv(source_dir / "population/brussels_population_statbel_2015_2024.csv", dtype={"nis_code": str})
    latest = table[(table["year"] == table["year"].max()) & (table["nis_code"] != "04000")]
    merged = built_reference.communes.merge(latest, on="nis_code")
    assert (merged["population"] == merged["total"]).all() and len(merged) == 19


def test_sectors_nest_in_their_commune_and_carry_population(built_reference) -> None:
    sectors = built_reference.sectors
    assert len(sectors) == 724
    assert (sectors["sector_code"].str[:5] == sectors["nis_code"]).all()
    assert sectors["population"].notna().all() and (sectors["population"] >= 0).all()
    assert (
        sectors.groupby("nis_code")["area_km2"]
        .sum()
        .round(3)
        .equals(built_reference.communes.set_index("nis_code")["area_km2"].round(3))
    )


def test_quartiers_have_bilingual_names(built_reference) -> None:
    quartiers = built_reference.quartiers
    assert len(quartiers) == 145
    assert quartiers[["name_fr", "name_nl"]].notna().all().all()


def test_outputs_are_rfc7946_wgs84_geojson(built_settings) -> None:
    for layer in reference.LAYERS:
        path = built_settings.boroughs_dir / f"{layer}.geojson"
        document = json.loads(path.read_text())
        assert "crs" not in document  # RFC 7946: WGS84 implied, no crs member
        minx, miny, maxx, maxy = gpd.read_file(path).total_bounds
        assert 4.2 < minx < maxx < 4.5 and 50.7 < miny < maxy < 51.0


def test_every_attribution_line_is_in_the_manifest_readme() -> None:
    readme = (PROJECT_DIR / "data/boroughs/README.md").read_text()
    for line in sources.attribution_lines():
        assert line in readme


def test_load_without_a_build_says_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(ReferenceNotBuiltError, match="python -m ingest reference"):
        reference.load(tmp_path)


# --- bad sources: a clear message, and the previous build untouched ---------------------------------


@pytest.fixture
def broken_source(tmp_path: Path, source_dir: Path) -> Path:
    """A writable copy of the source files the builder reads."""
    copy = tmp_path / "source"
    for source in sources.load_manifest().values():
        (copy / source.local_path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source_dir / source.local_path, copy / source.local_path)
    return copy


@pytest.fixture
def previous_build(tmp_path: Path, built_settings) -> settings.Settings:
    """A data folder holding a good earlier build."""
    data_dir = tmp_path / "data"
    shutil.copytree(built_settings.data_dir / "boroughs", data_dir / "boroughs")
    return dataclasses.replace(built_settings, data_dir=data_dir)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _build_fails(config: settings.Settings, source: Path, *messages: str) -> None:
    before = _snapshot(config.boroughs_dir)
    with pytest.raises(ReferenceDataError) as failure:
        reference.build(dataclasses.replace(config, source_dir=source))
    for message in messages:
        assert message in str(failure.value)
    assert _snapshot(config.boroughs_dir) == before


def test_a_missing_source_file_stops_the_build(broken_source: Path, previous_build) -> None:
    missing = broken_source / "boroughs/brussels_monitoring_districts_urbis.geojson"
    missing.unlink()
    _build_fails(previous_build, broken_source, str(missing), "missing")


def test_a_corrupt_geojson_stops_the_build(broken_source: Path, previous_build) -> None:
    corrupt = broken_source / "boroughs/brussels_statistical_sectors_statbel_2022.geojson"
    corrupt.write_text(corrupt.read_text()[:50_000])
    _build_fails(previous_build, broken_source, str(corrupt), "not a readable")


def test_sectors_that_do_not_sum_to_the_commune_totals_stop_the_build(broken_source: Path, previous_build) -> None:
    path = broken_source / "population/brussels_population_by_sector_statbel_2022.csv"
    table = pd.read_csv(path, dtype=str)
    table.loc[table["cd_sector"] == "21009A00-", "population"] = "1"
    table.to_csv(path, index=False)
    _build_fails(previous_build, broken_source, "21009", "sum to", "commune total")


def test_a_non_numeric_population_names_its_row_and_column(broken_source: Path, previous_build) -> None:
    path = broken_source / "population/brussels_population_statbel_2015_2024.csv"
    lines = path.read_text().splitlines()
    lines[3] = lines[3].rsplit(",", 1)[0] + ",lots"
    path.write_text("\n".join(lines) + "\n")
    _build_fails(previous_build, broken_source, str(path), "row 4", "'total'")


def test_the_cli_reports_a_bad_source_folder_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ingest", "reference", "--source", str(tmp_path)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        env={"PATH": "", "BIM_DATA_DIR": str(tmp_path / "data")},
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: missing from the source folder")
    assert "Traceback" not in result.stderr
