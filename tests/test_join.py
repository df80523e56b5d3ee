"""The commune join: each point gets the right commune, quartier and sector, or is flagged."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import read_fixture

from geo.crs import PROJECTED_CRS, to_projected
from geo.join import OUTSIDE, BoundaryJoin, GridIndex


def test_each_town_hall_lands_in_its_own_commune(boundary_join: BoundaryJoin) -> None:
    halls = read_fixture("town_halls.csv")
    placed = boundary_join.locate(halls["lon"], halls["lat"])
    assert placed["nis_code"].tolist() == halls["nis_code"].tolist()
    assert placed["in_region"].all()
    assert placed["sector_code"].str[:5].tolist() == halls["nis_code"].tolist()
    assert placed["quartier_code"].notna().all()


def test_points_just_outside_the_region_get_no_commune_and_are_flagged(boundary_join: BoundaryJoin) -> None:
    outside = read_fixture("outside_points.csv")
    placed = boundary_join.locate(outside["lon"], outside["lat"])
    assert len(placed) == len(outside)
    assert not placed["in_region"].any()
    assert placed[["nis_code", "quartier_code", "sector_code"]].isna().all().all()


def test_missing_or_far_coordinates_are_flagged_and_kept_in_order(boundary_join: BoundaryJoin) -> None:
    lon = np.array([4.35193, np.nan, 4.40, 2.35, 4.42410])
    lat = np.array([50.84653, 50.85, np.nan, 48.85, 50.84326])
    placed = boundary_join.locate(lon, lat)
    assert placed["in_region"].tolist() == [True, False, False, False, True]
    assert placed["nis_code"].iloc[[0, 4]].tolist() == ["21004", "21018"]


def test_random_points_agree_with_geopandas_sjoin(boundary_join: BoundaryJoin, built_reference) -> None:
    rng = np.random.default_rng(7)
    communes = built_reference.communes.to_crs(PROJECTED_CRS)
    xmin, ymin, xmax, ymax = communes.total_bounds
    x, y = rng.uniform(xmin, xmax, 50_000), rng.uniform(ymin, ymax, 50_000)
    placed = boundary_join.locate_xy(x, y)
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=PROJECTED_CRS)
    for layer, key in (("communes", "nis_code"), ("quartiers", "quartier_code"), ("sectors", "sector_code")):
        polygons = getattr(built_reference, layer).to_crs(PROJECTED_CRS)[[key, "geometry"]]
        expected = gpd.sjoin(points, polygons, predicate="within", how="left")[key]
        assert not expected.index.duplicated().any()
        pd.testing.assert_series_equal(
            placed[key].astype(object).where(placed[key].notna(), None),
            expected.astype(object).where(expected.notna(), None),
            check_names=False,
            check_index=False,
            check_dtype=False,
        )


def test_a_point_on_a_shared_border_goes_to_the_smallest_code(boundary_join: BoundaryJoin, built_reference) -> None:
    communes = built_reference.communes.to_crs(PROJECTED_CRS).set_index("nis_code")
    border = shapely.intersection(communes.geometry["21004"].boundary, communes.geometry["21015"].boundary)
    vertex = shapely.get_coordinates(border)[len(shapely.get_coordinates(border)) // 2]
    placed = boundary_join.locate_xy(np.array([vertex[0]]), np.array([vertex[1]]))
    assert placed["nis_code"].tolist() == ["21004"]


def test_grid_index_tie_break_follows_polygon_order_on_a_small_case() -> None:
    left = shapely.box(0, 0, 10, 10)
    right = shapely.box(10, 0, 20, 10)
    index = GridIndex.build(np.array([left, right]), cell_m=3.0)
    x = np.array([10.0, 5.0, 15.0, 25.0, 10.0])
    y = np.array([5.0, 5.0, 5.0, 5.0, 10.0])
    assert index.lookup(x, y).tolist() == [0, 0, 1, OUTSIDE, 0]


def test_projected_coordinates_of_grand_place() -> None:
    x, y = to_projected(np.array([4.3525]), np.array([50.8467]))
    assert x[0] == pytest.approx(148855, abs=30)
    assert y[0] == pytest.approx(170700, abs=30)
