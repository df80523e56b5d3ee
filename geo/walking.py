"""The walking data the coverage needs: the network, the residents' points, both snapped once.

Built by `python -m ingest reference` (through `geo.reference.build`) from the source folder's
OpenStreetMap street lines and house-number points, validated, and written under
`data/network/` as arrays (npz, parquet) that load in a fraction of a second. What a filter change
costs is then one Dijkstra (see `distances`): the initiatives are snapped once per data revision.

Which lines a pedestrian may use: every class of the street lines (pedestrian streets, paths,
footways, steps, tracks, service and residential roads, main roads with their pavements) except
the road tunnels, which have no pavement, and streets still under construction. Residents and
initiatives are snapped to the largest connected part of the network: the small islands left are
pieces cut off by missing unnamed paths, where nobody could be reached.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from core.errors import ReferenceDataError, ReferenceNotBuiltError
from geo import network, population
from geo.crs import PROJECTED_CRS
from geo.network import Snap, WalkNetwork

SOURCES = {
    "lines": "gazetteer/brussels_streets_osm_2021_tiles.geojson",
    "addresses": "gazetteer/brussels_housenumbers_osm_2021_tiles.csv",
}
FOLDER = "network"
METADATA_FILE = "build.json"
MIN_LARGEST_SHARE = 0.9  # of the network's length
MAX_NODE_OFFSET_M = 3.0  # from the nearest source line
MAX_LENGTH_CHANGE = 0.01  # network length against the source lines' length
MAX_OUTSIDE_SHARE = 0.01  # of the address points, in no sector
MAX_MEDIAN_SNAP_M = 50.0  # of the residents' points
ROAD_TUNNEL_CLASSES = {"motorway", "trunk", "primary", "secondary"}


@dataclass(frozen=True)
class Walking:
    """The network, its segment index, and the residents' and grid points snapped to it."""

    network: WalkNetwork
    points: pd.DataFrame  # population.POINT_COLUMNS
    points_snap: Snap
    grid: np.ndarray  # n x 2 cell centres (population.GRID_M), EPSG:31370
    grid_snap: Snap
    metadata: dict
    tree: shapely.STRtree = field(repr=False)  # segments of the largest component
    main_edges: np.ndarray = field(repr=False)  # edge index of each tree entry

    def snap(self, x: np.ndarray, y: np.ndarray) -> Snap:
        """Snap points (EPSG:31370) to the largest component."""
        return _snap_main(self.network, self.tree, self.main_edges, x, y)

    def distances(self, sources: Snap) -> tuple[np.ndarray, np.ndarray]:
        """Walking metres from each residents' point and each grid cell to the nearest of the
        snapped initiatives (inf everywhere when there is none)."""
        node_m = network.node_distances(self.network, sources)
        return (
            network.point_distances(self.network, node_m, self.points_snap, sources),
            network.point_distances(self.network, node_m, self.grid_snap, sources),
        )


def walkable_lines(lines: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The street lines a pedestrian may use (see the module docstring)."""
    classes = lines["osm_class"].fillna("").str.split(",")
    tunnel = lines["name"].fillna("").str.contains(r"\btunnel\b", case=False) & classes.map(
        lambda c: bool(ROAD_TUNNEL_CLASSES & set(c))
    )
    construction = classes.map(lambda c: set(c) == {"construction"})
    return lines[~(tunnel | construction)]


def from_parts(
    lines: gpd.GeoDataFrame, addresses: pd.DataFrame, sectors: gpd.GeoDataFrame, quartiers: gpd.GeoDataFrame
) -> Walking:
    """Assemble the walking data (all inputs in EPSG:31370)."""
    walk = network.from_lines(lines.geometry.to_numpy())
    main_edges = np.flatnonzero(walk.component[walk.u] == 0)
    tree = shapely.STRtree(walk.segments()[main_edges])
    region = shapely.union_all(sectors.geometry.to_numpy())
    grid = population.region_grid(region)
    points, outside = population.population_points(addresses, sectors, quartiers, grid)
    points_snap = _snap_main(walk, tree, main_edges, points["x"].to_numpy(), points["y"].to_numpy())
    grid_snap = _snap_main(walk, tree, main_edges, grid[:, 0], grid[:, 1])
    metadata = {
        "nodes": walk.n_nodes,
        "edges": len(walk.u),
        "length_km": round(float(walk.length_m.sum()) / 1000, 1),
        "components": int(walk.component.max()) + 1,
        "largest_component_share": round(_largest_share(walk), 4),
        "source_lines_km": round(float(lines.length.sum()) / 1000, 1),
        "address_points": len(addresses),
        "addresses_outside_sectors": outside,
        "residents_points": int((points["method"] == "address").sum()),
        "area_fallback_points": int((points["method"] == "area").sum()),
        "area_fallback_sectors": int(points.loc[points["method"] == "area", "sector_code"].nunique()),
        "median_snap_m": round(float(np.median(points_snap.offset_m)), 1),
        "grid_m": population.GRID_M,
    }
    return Walking(walk, points, points_snap, grid, grid_snap, metadata, tree, main_edges)


def _snap_main(walk: WalkNetwork, tree: shapely.STRtree, main_edges: np.ndarray, x: np.ndarray, y: np.ndarray) -> Snap:
    """Snap to the largest component: `tree` indexes its edges, `main_edges` their numbers."""
    return network.snap(walk, x, y, main_edges, tree)


def _largest_share(walk: WalkNetwork) -> float:
    return float(walk.length_m[walk.component[walk.u] == 0].sum() / walk.length_m.sum())


def validate(walking: Walking, lines: gpd.GeoDataFrame, sectors: gpd.GeoDataFrame) -> list[str]:
    """Every problem that makes the walking data unfit to use (empty when it is sound)."""
    meta, walk, problems = walking.metadata, walking.network, []
    if abs(meta["length_km"] - meta["source_lines_km"]) > MAX_LENGTH_CHANGE * meta["source_lines_km"]:
        problems.append(f"network: {meta['length_km']} km of edges from {meta['source_lines_km']} km of street lines")
    if meta["largest_component_share"] < MIN_LARGEST_SHARE:
        problems.append(
            f"network: its largest connected part holds {meta['largest_component_share']:.1%} of its length "
            f"(at least {MIN_LARGEST_SHARE:.0%} expected): the lines do not meet"
        )
    nodes = shapely.points(walk.x, walk.y)
    _, offset = shapely.STRtree(lines.geometry.to_numpy()).query_nearest(nodes, return_distance=True)
    if offset.max() > MAX_NODE_OFFSET_M:
        problems.append(
            f"network: a node lies {offset.max():.1f} m from every street line (at most {MAX_NODE_OFFSET_M} m)"
        )
    if meta["addresses_outside_sectors"] > MAX_OUTSIDE_SHARE * meta["address_points"]:
        problems.append(f"addresses: {meta['addresses_outside_sectors']} of {meta['address_points']} lie in no sector")
    if meta["median_snap_m"] > MAX_MEDIAN_SNAP_M:
        problems.append(f"addresses: the median distance to the network is {meta['median_snap_m']} m")
    placed = walking.points.groupby("nis_code")["residents"].sum()
    expected = sectors.groupby("nis_code")["population"].sum()
    for nis_code, total in expected.items():
        if abs(placed.get(nis_code, 0.0) - total) > 0.5:
            problems.append(
                f"residents of {nis_code}: {placed.get(nis_code, 0.0):.0f} placed on points, {total} in its sectors"
            )
    return problems


def build(source_dir: Path, sectors: gpd.GeoDataFrame, quartiers: gpd.GeoDataFrame) -> Walking:
    """Read the sources, assemble and validate (sectors and quartiers in EPSG:31370).

    Raises
    ------
    ReferenceDataError naming the missing or bad file, or listing the failed checks
    """
    paths = {key: source_dir / relative for key, relative in SOURCES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise ReferenceDataError(
            f"missing from the source folder {source_dir}: {', '.join(missing)} (walking network)."
        )
    try:
        lines = gpd.read_file(paths["lines"]).to_crs(PROJECTED_CRS)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise ReferenceDataError(f"{paths['lines']}: not a readable vector file ({exc}).") from exc
    if "osm_class" not in lines or "name" not in lines:
        raise ReferenceDataError(f"{paths['lines']}: missing column(s) 'osm_class'/'name'.")
    lines = walkable_lines(lines[lines.geometry.notna() & ~lines.geometry.is_empty])
    walking = from_parts(lines, population.read_addresses(paths["addresses"]), sectors, quartiers)
    problems = validate(walking, lines, sectors)
    if problems:
        raise ReferenceDataError("walking network failed validation:\n- " + "\n- ".join(problems))
    return walking


def write(walking: Walking, data_dir: Path) -> None:
    """Write the walking data aside, then move it into `data_dir/network` (metadata last)."""
    target = data_dir / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=target))
    try:
        w = walking.network
        np.savez(staging / "network.npz", x=w.x, y=w.y, u=w.u, v=w.v, length_m=w.length_m, component=w.component)
        snaps = {
            f"{name}_{part}": getattr(getattr(walking, f"{name}_snap"), part)
            for name in ("points", "grid")
            for part in ("edge", "along_m", "offset_m")
        }
        np.savez(staging / "snaps.npz", grid=walking.grid, **snaps)
        walking.points.to_parquet(staging / "points.parquet", index=False)
        (staging / METADATA_FILE).write_text(json.dumps(walking.metadata, indent=2))
        for name in ("network.npz", "snaps.npz", "points.parquet", METADATA_FILE):
            (staging / name).replace(target / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def load(data_dir: Path) -> Walking:
    """The built walking data; raises ReferenceNotBuiltError when it is not there."""
    folder = data_dir / FOLDER
    if not (folder / METADATA_FILE).is_file():
        raise ReferenceNotBuiltError(
            f"no walking network in {folder}: build it with `python -m ingest reference` from a source folder "
            "holding the OpenStreetMap street lines and house numbers."
        )
    with np.load(folder / "network.npz") as arrays:
        walk = network.WalkNetwork(**{key: arrays[key] for key in arrays.files})
    with np.load(folder / "snaps.npz") as arrays:
        snaps = {
            name: Snap(*(arrays[f"{name}_{part}"] for part in ("edge", "along_m", "offset_m")))
            for name in ("points", "grid")
        }
        grid = arrays["grid"]
    main_edges = np.flatnonzero(walk.component[walk.u] == 0)
    tree = shapely.STRtree(walk.segments()[main_edges])
    points = pd.read_parquet(folder / "points.parquet")
    points[["nis_code", "quartier_code"]] = points[["nis_code", "quartier_code"]].astype("category")  # fast grouping
    metadata = json.loads((folder / METADATA_FILE).read_text())
    return Walking(walk, points, snaps["points"], grid, snaps["grid"], metadata, tree, main_edges)
