"""Coverage statistics on a case small enough to check by hand.

Two square sectors of 1 km² side by side (EPSG:31370), each its own commune:
A = [0, 1000] x [0, 1000] with 1,000 residents, B = [1000, 2000] x [0, 1000] with 500.
An initiative at A's centre reaches, within 500 m, a disc of pi * 500² m² wholly inside A
(so pi/4 of A's residents) and none of B (its nearest point is exactly 500 m away); within
1 km it reaches all of A (A's corners are 707 m from the centre).
"""

from __future__ import annotations

import json
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo import coverage
from geo.crs import PROJECTED_CRS, to_wgs84

X0, Y0 = 150_000.0, 170_000.0  # somewhere in Brussels, in EPSG:31370


def square(x: float, side: float = 1000.0) -> shapely.Polygon:
    return shapely.box(X0 + x, Y0, X0 + x + side, Y0 + side)


@pytest.fixture
def sectors() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "sector_code": ["21001A", "21002A"],
            "name_fr": ["Secteur A", "Secteur B"],
            "name_nl": ["Sector A", "Sector B"],
            "nis_code": ["21001", "21002"],
            "population": [1000, 500],
        },
        geometry=[square(0), square(1000)],
        crs=PROJECTED_CRS,
    )


@pytest.fixture
def communes(sectors: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "nis_code": ["21001", "21002"],
            "name_fr": ["A", "B"],
            "name_nl": ["A", "B"],
            "name_en": ["A", "B"],
            "area_km2": [1.0, 1.0],
            "population": [1000, 500],
            "population_year": [2024, 2024],
        },
        geometry=sectors.geometry.values,
        crs=PROJECTED_CRS,
    )


def initiatives(xy: list[tuple[float, float]], nis_codes: list[str], category: str = "library") -> pd.DataFrame:
    """Records at local metre offsets (x, y) from the squares' corner."""
    lon, lat = to_wgs84(np.array([X0 + x for x, _ in xy]), np.array([Y0 + y for _, y in xy]))
    return pd.DataFrame(
        {
            "id": [f"r{i}" for i in range(len(xy))],
            "name": [f"Initiative {i}" for i in range(len(xy))],
            "category": category,
            "lon": lon,
            "lat": lat,
            "nis_code": nis_codes,
        }
    )


def test_disc_inside_a_sector_covers_its_area_share_of_residents(sectors: gpd.GeoDataFrame) -> None:
    points = coverage.initiative_points(initiatives([(500, 500)], ["21001"]))
    covered = coverage.covered_population(sectors, points, 500)
    assert covered[0] == pytest.approx(1000 * math.pi / 4, rel=2e-3)
    assert covered[1] == pytest.approx(0.0, abs=1e-6)


def test_a_larger_radius_covers_the_whole_sector_but_no_more(sectors: gpd.GeoDataFrame) -> None:
    points = coverage.initiative_points(initiatives([(500, 500)], ["21001"]))
    assert coverage.covered_population(sectors, points, 1000)[0] == pytest.approx(1000, rel=1e-9)


def test_overlapping_discs_are_counted_once(sectors: gpd.GeoDataFrame) -> None:
    points = coverage.initiative_points(initiatives([(500, 500), (500, 500)], ["21001", "21001"]))
    assert coverage.covered_population(sectors, points, 500)[0] == pytest.approx(1000 * math.pi / 4, rel=2e-3)


def test_records_without_coordinates_cover_nobody(sectors: gpd.GeoDataFrame) -> None:
    records = initiatives([(500, 500)], ["21001"]).assign(lon=np.nan, lat=np.nan)
    assert coverage.covered_population(sectors, coverage.initiative_points(records), 500).sum() == 0


def test_commune_statistics_counts_densities_and_shares(communes: gpd.GeoDataFrame, sectors: gpd.GeoDataFrame) -> None:
    stats = coverage.commune_statistics(communes, sectors, initiatives([(500, 500)], ["21001"])).set_index("nis_code")
    assert stats.loc["21001", "initiatives"] == 1
    assert stats.loc["21001", "initiatives_library"] == 1
    assert stats.loc["21002", "initiatives"] == 0
    assert stats.loc["21001", "per_10k_residents"] == pytest.approx(10.0)
    assert stats.loc["21001", "per_km2"] == pytest.approx(1.0)
    assert stats.loc["21001", "share_within_500m"] == pytest.approx(math.pi / 4, rel=2e-3)
    assert stats.loc["21002", "share_within_500m"] == pytest.approx(0.0, abs=1e-9)
    assert stats.loc["21001", "share_within_1000m"] == pytest.approx(1.0)


def test_regional_value_pools_residents_and_median_is_of_communes(
    communes: gpd.GeoDataFrame, sectors: gpd.GeoDataFrame
) -> None:
    stats = coverage.commune_statistics(communes, sectors, initiatives([(500, 500)], ["21001"]))
    summary = coverage.regional_summary(stats)
    assert summary.loc["share_within_500m", "region"] == pytest.approx(1000 * math.pi / 4 / 1500, rel=2e-3)
    assert summary.loc["share_within_500m", "median"] == pytest.approx(math.pi / 8, rel=2e-3)
    assert summary.loc["per_10k_residents", "region"] == pytest.approx(1 / 1500 * 10_000)
    assert summary.loc["initiatives", "median"] == pytest.approx(0.5)


def test_a_populated_sector_beyond_500_m_is_a_gap_with_its_residents(
    communes: gpd.GeoDataFrame, sectors: gpd.GeoDataFrame
) -> None:
    records = initiatives([(100, 500)], ["21001"])  # 900 m from B
    stats = coverage.commune_statistics(communes, sectors, records)
    assert coverage.commune_report("21001", stats, sectors, records).gaps.empty
    gaps = coverage.commune_report("21002", stats, sectors, records).gaps
    assert gaps["sector_code"].tolist() == ["21002A"]
    assert gaps["population"].tolist() == [500]
    assert gaps["nearest_initiative_m"].iloc[0] == pytest.approx(900, abs=0.01)


def test_an_initiative_200_m_across_the_border_serves_the_neighbour(
    communes: gpd.GeoDataFrame, sectors: gpd.GeoDataFrame
) -> None:
    records = initiatives([(500, 500), (1200, 500), (1800, 500)], ["21001", "21002", "21002"])
    stats = coverage.commune_statistics(communes, sectors, records)
    across = coverage.commune_report("21001", stats, sectors, records).across_border
    assert across["id"].tolist() == ["r1"]  # r0 is inside A, r2 is 800 m away
    assert across["distance_m"].iloc[0] == pytest.approx(200, abs=0.01)


def test_report_compares_the_commune_with_the_median(communes: gpd.GeoDataFrame, sectors: gpd.GeoDataFrame) -> None:
    records = initiatives([(500, 500)], ["21001"])
    stats = coverage.commune_statistics(communes, sectors, records)
    figures = coverage.commune_report("21001", stats, sectors, records).figures
    assert figures.loc["initiatives", "commune"] == 1
    assert figures.loc["initiatives", "vs_median"] == pytest.approx(0.5)
    categories = coverage.commune_report("21001", stats, sectors, records).categories.set_index("category")
    assert categories.loc["library", "initiatives"] == 1
    assert categories.loc["library", "share"] == pytest.approx(1.0)


def test_statistics_geojson_is_wgs84_polygons_with_attribution(
    communes: gpd.GeoDataFrame, sectors: gpd.GeoDataFrame
) -> None:
    stats = coverage.commune_statistics(communes, sectors, initiatives([(500, 500)], ["21001"]))
    collection = json.loads(coverage.statistics_geojson(stats, ["Statbel"]))
    assert collection["attribution"] == ["Statbel"]
    assert len(collection["features"]) == 2
    lon, lat = collection["features"][0]["geometry"]["coordinates"][0][0]
    assert 4.2 < lon < 4.5 and 50.7 < lat < 50.95
    assert b"share_within_500m" in coverage.statistics_csv(stats)
