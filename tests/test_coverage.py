"""Coverage statistics on a case small enough to check by hand (EPSG:31370).

Two square sectors of 1 km² side by side, each its own commune and quartier:
A = [0, 1000] x [0, 1000] with 1,000 residents, B = [1000, 2000] x [0, 1000] with 500. A canal
runs between x = 900 and x = 1100: A's street (y = 500, x 0..900) meets B's (x 1100..2000) only
over a bridge at y = 900, so the walk from (900, 500) to (1100, 500) is 400 + 200 + 400 m.
A's four addresses sit 10 m off its street at x = 100, 300, 500, 800 (250 residents each); B's two
at x = 1200 and 1500 (250 each). One initiative stands on A's street at x = 850.

Straight line: A's addresses are 750, 550, 350 and 51 m away; B's 350 and 650 m.
Walking (10 m to the street, then along it): A's 760, 560, 360, 60 m; B's 10 + 50 + 1000 + 100
= 1160 m and 1460 m. So within 500 m: A 50 % both ways, B 50 % straight but 0 % on foot.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo import coverage, walking
from geo.crs import PROJECTED_CRS, to_wgs84

X0, Y0 = 150_000.0, 170_000.0  # somewhere in Brussels


def square(x: float) -> shapely.Polygon:
    return shapely.box(X0 + x, Y0, X0 + x + 1000, Y0 + 1000)


def line(*xy: tuple[float, float]) -> shapely.LineString:
    return shapely.LineString([(X0 + x, Y0 + y) for x, y in xy])


@pytest.fixture(scope="module")
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


@pytest.fixture(scope="module")
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


@pytest.fixture(scope="module")
def quartiers(sectors: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"quartier_code": [1, 2], "name_fr": ["QA", "QB"], "name_nl": ["WA", "WB"], "area_km2": [1.0, 1.0]},
        geometry=sectors.geometry.values,
        crs=PROJECTED_CRS,
    )


@pytest.fixture(scope="module")
def walk_data(sectors: gpd.GeoDataFrame, quartiers: gpd.GeoDataFrame) -> walking.Walking:
    streets = gpd.GeoDataFrame(
        geometry=[
            line((0, 500), (900, 500)),
            line((900, 500), (900, 900), (1100, 900), (1100, 500)),  # the bridge
            line((1100, 500), (2000, 500)),
        ],
        crs=PROJECTED_CRS,
    )
    xs = [100, 300, 500, 800, 1200, 1500]
    addresses = pd.DataFrame(
        {
            "x": [X0 + x for x in xs],
            "y": Y0 + 510.0,
            "street_fr": ["Rue A"] * 4 + ["Rue B"] * 2,
            "street_nl": ["Straat A"] * 4 + ["Straat B"] * 2,
        }
    )
    return walking.from_parts(streets, addresses, sectors, quartiers)


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
            "quartier_code": [1 if c == "21001" else 2 for c in nis_codes],
        }
    )


ONE = [(850, 500)], ["21001"]


def report_of(nis_code: str, records: pd.DataFrame, frames: tuple, measure: str = "walk") -> coverage.CommuneReport:
    """`frames`: (communes, sectors, walk_data)."""
    communes, sectors, walk_data = frames
    reach = coverage.reach(walk_data, records)
    stats = coverage.commune_statistics(communes, reach, records)
    return coverage.commune_report(nis_code, stats, sectors, reach, records, measure)


@pytest.fixture(scope="module")
def frames(communes: gpd.GeoDataFrame, sectors: gpd.GeoDataFrame, walk_data: walking.Walking) -> tuple:
    return communes, sectors, walk_data


def test_straight_and_walking_distances_of_each_address(walk_data: walking.Walking) -> None:
    reach = coverage.reach(walk_data, initiatives(*ONE))
    assert reach.straight_m == pytest.approx(np.hypot([750, 550, 350, 50, 350, 650], 10), abs=0.05)
    assert reach.walk_m == pytest.approx([760, 560, 360, 60, 1160, 1460], abs=0.05)


def test_residents_are_spread_over_the_address_points_of_their_sector(walk_data: walking.Walking) -> None:
    assert walk_data.points["residents"].tolist() == [250.0] * 6
    assert walk_data.points["method"].unique().tolist() == ["address"]


def test_commune_shares_by_straight_line_and_on_foot(communes: gpd.GeoDataFrame, walk_data: walking.Walking) -> None:
    records = initiatives(*ONE)
    stats = coverage.commune_statistics(communes, coverage.reach(walk_data, records), records).set_index("nis_code")
    assert stats.loc["21001", "initiatives"] == 1 and stats.loc["21001", "initiatives_library"] == 1
    assert stats.loc["21001", "per_10k_residents"] == pytest.approx(10.0)
    assert stats.loc["21001", ["share_within_500m", "share_within_500m_walk"]].tolist() == [0.5, 0.5]
    assert stats.loc["21002", ["share_within_500m", "share_within_500m_walk"]].tolist() == [0.5, 0.0]
    assert stats.loc["21002", ["share_within_1000m", "share_within_1000m_walk"]].tolist() == [1.0, 0.0]
    assert stats.loc["21002", "residents_within_500m"] == pytest.approx(250)


def test_quartier_shares_and_counts(quartiers: gpd.GeoDataFrame, walk_data: walking.Walking) -> None:
    records = initiatives(*ONE)
    stats = coverage.quartier_statistics(quartiers, coverage.reach(walk_data, records), records)
    stats = stats.set_index("quartier_code")
    assert stats["initiatives"].tolist() == [1, 0]
    assert stats["sector_population"].tolist() == [1000, 500]
    assert stats.loc[2, "share_within_1000m_walk"] == 0.0 and stats.loc[2, "share_within_1000m"] == 1.0


def test_regional_value_pools_residents_and_median_is_of_communes(
    communes: gpd.GeoDataFrame, walk_data: walking.Walking
) -> None:
    records = initiatives(*ONE)
    stats = coverage.commune_statistics(communes, coverage.reach(walk_data, records), records)
    walk = coverage.regional_summary(stats, "walk")
    assert walk.loc["share_within_500m_walk", "region"] == pytest.approx(500 / 1500)
    assert walk.loc["share_within_500m_walk", "median"] == pytest.approx(0.25)
    straight = coverage.regional_summary(stats, "straight")
    assert straight.loc["share_within_500m", "region"] == pytest.approx(750 / 1500)
    assert straight.loc["initiatives", "median"] == pytest.approx(0.5)


def test_records_without_coordinates_reach_nobody(walk_data: walking.Walking) -> None:
    reach = coverage.reach(walk_data, initiatives(*ONE).assign(lon=np.nan, lat=np.nan))
    assert np.isinf(reach.walk_m).all() and np.isinf(reach.straight_m).all()


def test_gaps_are_the_streets_and_sectors_beyond_a_500_m_walk(frames: tuple) -> None:
    records = initiatives(*ONE)
    report = report_of("21002", records, frames)
    assert report.gaps["sector_code"].tolist() == ["21002A"]
    assert report.gaps["residents_beyond"].tolist() == [500.0]
    assert report.gaps["nearest_initiative_m"].iloc[0] == pytest.approx(1160, abs=0.05)
    assert report.streets[["street_fr", "residents_beyond"]].values.tolist() == [["Rue B", 500.0]]
    straight = report_of("21002", records, frames, "straight")
    assert straight.gaps["residents_beyond"].tolist() == [250.0]  # only x = 1500 is beyond 500 m
    a_gaps = report_of("21001", records, frames).streets
    assert a_gaps[["street_fr", "residents_beyond", "farthest_m"]].values.tolist() == [
        ["Rue A", 500.0, pytest.approx(760, abs=0.05)]
    ]


def test_an_initiative_200_m_across_the_border_serves_the_neighbour(frames: tuple) -> None:
    records = initiatives([(500, 500), (1200, 500), (1800, 500)], ["21001", "21002", "21002"])
    across = report_of("21001", records, frames).across_border
    assert across["id"].tolist() == ["r1"]  # r0 is inside A, r2 is 800 m away
    assert across["distance_m"].iloc[0] == pytest.approx(200, abs=0.01)


def test_report_compares_the_commune_with_the_median(frames: tuple) -> None:
    report = report_of("21001", initiatives(*ONE), frames)
    assert report.figures.loc["initiatives", "commune"] == 1
    assert report.figures.loc["initiatives", "vs_median"] == pytest.approx(0.5)
    assert report.figures.loc["share_within_500m_walk", "vs_median"] == pytest.approx(0.25)
    categories = report.categories.set_index("category")
    assert categories.loc["library", "initiatives"] == 1 and categories.loc["library", "share"] == 1.0


def test_the_service_area_is_the_grid_cells_within_the_walk(walk_data: walking.Walking) -> None:
    reach = coverage.reach(walk_data, initiatives(*ONE))
    area = coverage.service_area(reach, 500, 100)
    within = reach.grid[reach.grid_walk_m <= 500]
    assert area.area == pytest.approx(len(within) * 100 * 100)
    assert len(within) > 0 and (within[:, 0] < X0 + 1000).all()  # nothing across the canal


def test_statistics_geojson_is_wgs84_polygons_with_attribution(
    communes: gpd.GeoDataFrame, walk_data: walking.Walking
) -> None:
    records = initiatives(*ONE)
    stats = coverage.commune_statistics(communes, coverage.reach(walk_data, records), records)
    collection = json.loads(coverage.statistics_geojson(stats, ["Statbel"]))
    assert collection["attribution"] == ["Statbel"]
    lon, lat = collection["features"][0]["geometry"]["coordinates"][0][0]
    assert 4.2 < lon < 4.5 and 50.7 < lat < 50.95
    assert b"share_within_500m_walk" in coverage.statistics_csv(stats)
