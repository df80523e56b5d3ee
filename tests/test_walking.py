"""The walking network and residents' points built from the real source folder."""

from __future__ import annotations

import dataclasses
import shutil

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from core import settings
from core.errors import ReferenceDataError
from geo import coverage, network, population, reference, sources, walking
from geo.crs import PROJECTED_CRS, to_projected

# Two house-number points facing each other across the canal (OSM, 2021): Quai de Mariemont in
# Molenbeek and Quai de l'Industrie in Anderlecht, about 77 m apart with no bridge between them.
MARIEMONT = (4.3301851, 50.8481487)
INDUSTRIE = (4.3309575, 50.8476610)


@pytest.fixture(scope="module")
def walk_data(built_settings: settings.Settings) -> walking.Walking:
    return walking.load(built_settings.data_dir)


@pytest.fixture(scope="module")
def places(source_dir) -> pd.DataFrame:
    """The 375 OSM community places of the source folder, as initiative records."""
    frame = gpd.read_file(source_dir / "initiatives/brussels_osm_community_places.geojson")
    return pd.DataFrame(
        {"lon": frame.geometry.x, "lat": frame.geometry.y, "nis_code": frame["nis_code"], "category": "library"}
    ).assign(quartier_code=None)


def test_the_build_reports_a_connected_network_and_its_checks(walk_data: walking.Walking) -> None:
    meta = walk_data.metadata
    assert meta["largest_component_share"] >= walking.MIN_LARGEST_SHARE
    assert meta["length_km"] == pytest.approx(meta["source_lines_km"], rel=walking.MAX_LENGTH_CHANGE)
    assert meta["components"] > 1  # islands are reported, not hidden
    assert meta["median_snap_m"] < 30


def test_sector_residents_are_all_placed_on_points(walk_data: walking.Walking, built_reference) -> None:
    placed = walk_data.points.groupby("sector_code")["residents"].sum()
    sectors = built_reference.sectors.set_index("sector_code")["population"]
    populated = sectors[sectors > 0]
    assert placed.reindex(populated.index).to_numpy() == pytest.approx(populated.to_numpy())


def test_across_the_canal_is_close_in_a_straight_line_and_far_on_foot(walk_data: walking.Walking) -> None:
    (ax, bx), (ay, by) = to_projected(np.array([MARIEMONT[0], INDUSTRIE[0]]), np.array([MARIEMONT[1], INDUSTRIE[1]]))
    source, target = walk_data.snap(np.array([ax]), np.array([ay])), walk_data.snap(np.array([bx]), np.array([by]))
    node_m = network.node_distances(walk_data.network, source)
    walk_m = network.point_distances(walk_data.network, node_m, target, source)[0]
    straight_m = float(np.hypot(ax - bx, ay - by))
    assert straight_m < 100
    assert walk_m > 5 * straight_m


def test_walking_is_never_shorter_than_the_straight_line_for_any_address(
    walk_data: walking.Walking, places: pd.DataFrame
) -> None:
    reach = coverage.reach(walk_data, places)
    assert len(reach.walk_m) == len(walk_data.points) > 200_000
    assert (reach.walk_m >= reach.straight_m - 1e-6).all()


def test_walking_shares_never_exceed_straight_line_shares(
    walk_data: walking.Walking, built_reference: reference.Reference, places: pd.DataFrame
) -> None:
    reach = coverage.reach(walk_data, places)
    for stats in (
        coverage.commune_statistics(built_reference.communes, reach, places),
        coverage.quartier_statistics(built_reference.quartiers, reach, places),
    ):
        for radius in coverage.RADII_M:
            walk, straight = stats[coverage.share_column(radius, "walk")], stats[coverage.share_column(radius)]
            assert (walk.fillna(0) <= straight.fillna(0) + 1e-12).all()
    assert len(stats) == 145


def test_a_populated_sector_without_addresses_falls_back_to_its_area() -> None:
    sector = gpd.GeoDataFrame(
        {"sector_code": ["S"], "nis_code": ["21001"], "population": [90]},
        geometry=[gpd.points_from_xy([150_050.0], [170_050.0])[0].buffer(1).envelope.buffer(150, join_style="mitre")],
        crs=PROJECTED_CRS,
    )
    quartier = sector.rename(columns={"sector_code": "quartier_code"}).assign(quartier_code=7)
    grid = population.region_grid(sector.geometry.iloc[0])
    no_addresses = pd.DataFrame(columns=["x", "y", "street_fr", "street_nl"], dtype=float)
    points, outside = population.population_points(no_addresses, sector, quartier, grid)
    assert outside == 0 and len(points) == len(grid) >= 4
    assert points["residents"].sum() == pytest.approx(90) and set(points["method"]) == {"area"}


def test_streets_that_never_meet_fail_validation() -> None:
    square = gpd.GeoSeries.from_xy([150_000.0], [170_000.0]).buffer(600, cap_style="square")
    sectors = gpd.GeoDataFrame(
        {"sector_code": ["S"], "nis_code": ["21001"], "population": [10]}, geometry=square.values, crs=PROJECTED_CRS
    )
    quartiers = sectors.rename(columns={"sector_code": "quartier_code"}).assign(quartier_code=1)
    lines = gpd.GeoDataFrame(
        geometry=gpd.GeoSeries.from_wkt(
            ["LINESTRING (149500 170000, 149900 170000)", "LINESTRING (150100 170000, 150500 170000)"]
        ).values,
        crs=PROJECTED_CRS,
    )
    addresses = pd.DataFrame({"x": [149600.0, 150400.0], "y": 170010.0, "street_fr": "", "street_nl": ""})
    built = walking.from_parts(lines, addresses, sectors, quartiers)
    problems = walking.validate(built, lines, sectors)
    assert (
        "network: its largest connected part holds 50.0% of its length (at least 90% expected): the lines do not meet"
    ) in problems


def test_a_street_file_without_its_classes_stops_the_build_and_keeps_the_previous_one(
    tmp_path, source_dir, built_settings: settings.Settings
) -> None:
    copy = tmp_path / "source"
    for relative in [s.local_path for s in sources.load_manifest().values()] + list(walking.SOURCES.values()):
        (copy / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source_dir / relative, copy / relative)
    lines = copy / walking.SOURCES["lines"]
    gpd.read_file(lines)[["geometry"]].to_file(lines, driver="GeoJSON")
    data_dir = tmp_path / "data"
    shutil.copytree(built_settings.data_dir / "boroughs", data_dir / "boroughs")
    shutil.copytree(built_settings.data_dir / "network", data_dir / "network")
    before = {p.name: p.read_bytes() for folder in ("boroughs", "network") for p in (data_dir / folder).iterdir()}
    config = dataclasses.replace(built_settings, data_dir=data_dir, source_dir=copy)
    with pytest.raises(ReferenceDataError, match="osm_class") as failure:
        reference.build(config)
    assert str(lines) in str(failure.value)
    after = {p.name: p.read_bytes() for folder in ("boroughs", "network") for p in (data_dir / folder).iterdir()}
    assert after == before
