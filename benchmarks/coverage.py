"""Benchmark: walking coverage, ours (scipy.sparse.csgraph) vs networkx on the same graph.

Run: `.venv/bin/python benchmarks/coverage.py [--initiatives N]` (after `make reference`), or
`make bench`. Initiatives are N random house-number points moved up to 30 m (EPSG:31370).
Prints the one-time build times (network, residents' points, snapping, loading the built files),
then the walking distance of every residents' point to its nearest initiative computed twice on
the same graph with the same virtual source: by our Dijkstra and by networkx's
`single_source_dijkstra_path_length` from that source (the multi-source Dijkstra networkx
offers, with the initiatives' partial edges as source weights). It checks the two agree within
1 mm for every point and prints the ratio of their times, then the time to recompute the
coverage (Dijkstra, straight line, per-commune and per-quartier tables; the initiatives are snapped
once per data revision, as the app does) after a filter change. Times are the best of 3 runs
(networkx: one).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.join import best_of as timed
from core import settings
from core.taxonomy import CATEGORIES
from geo import coverage, network, population, reference, walking
from geo.crs import PROJECTED_CRS, to_wgs84

TOLERANCE_M = 0.001


def build_times(config: settings.Settings, built: reference.Reference) -> None:
    """The one-time steps of `python -m ingest reference` for the walking data, timed."""
    sectors, quartiers = built.sectors.to_crs(PROJECTED_CRS), built.quartiers.to_crs(PROJECTED_CRS)
    paths = {key: config.source_dir / relative for key, relative in walking.SOURCES.items()}
    lines, read_s = timed(lambda: walking.walkable_lines(gpd.read_file(paths["lines"]).to_crs(PROJECTED_CRS)), 1)
    walk, network_s = timed(lambda: network.from_lines(lines.geometry.to_numpy()), 1)
    addresses, addresses_s = timed(lambda: population.read_addresses(paths["addresses"]), 1)
    whole, whole_s = timed(lambda: walking.from_parts(lines, addresses, sectors, quartiers), 1)
    _, load_s = timed(lambda: walking.load(config.data_dir))
    print(f"build: read street lines {read_s:.2f} s; network of {walk.n_nodes:,} nodes {network_s:.2f} s")
    print(f"build: read {len(addresses):,} house numbers {addresses_s:.2f} s; network + residents' points + snaps")
    print(f"       of {len(whole.points):,} points and {len(whole.grid):,} grid cells {whole_s:.2f} s")
    print(f"load:  the built walking data {load_s:.2f} s (what the app does once per process)")


def networkx_distances(data: walking.Walking, sources: network.Snap) -> tuple[np.ndarray, float]:
    """Node distances by networkx from the same virtual source as ours (graph built beforehand)."""
    w = data.network
    graph = nx.Graph()
    graph.add_weighted_edges_from(zip(w.u.tolist(), w.v.tolist(), w.length_m.tolist(), strict=True))
    start = time.perf_counter()
    source = w.n_nodes
    ends = np.concatenate([w.u[sources.edge], w.v[sources.edge]])
    cost = np.concatenate(
        [
            sources.along_m,
            w.length_m[sources.edge] - sources.along_m,
        ]
    ) + np.tile(sources.offset_m, 2)
    best: dict[int, float] = {}
    for end, c in zip(ends.tolist(), cost.tolist(), strict=True):
        best[end] = min(c, best.get(end, np.inf))
    digraph = graph.to_directed(as_view=False)
    digraph.add_weighted_edges_from((source, end, c) for end, c in best.items())
    found = nx.single_source_dijkstra_path_length(digraph, source)
    elapsed = time.perf_counter() - start
    node_m = np.full(w.n_nodes, np.inf)
    reached = [n for n in found if n != source]
    node_m[reached] = [found[n] for n in reached]
    return node_m, elapsed


def random_records(data: walking.Walking, n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    picked = data.points.iloc[rng.integers(0, len(data.points), n)]
    x = picked["x"].to_numpy() + rng.uniform(-30, 30, n)
    y = picked["y"].to_numpy() + rng.uniform(-30, 30, n)
    lon, lat = to_wgs84(x, y)
    categories = rng.choice(list(CATEGORIES), n)
    return pd.DataFrame(
        {"lon": lon, "lat": lat, "nis_code": picked["nis_code"].to_numpy(), "category": categories}
    ).assign(quartier_code=picked["quartier_code"].to_numpy())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--initiatives", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    config = settings.load()
    built = reference.load(config.data_dir)
    build_times(config, built)

    data = walking.load(config.data_dir)
    records = random_records(data, args.initiatives, args.seed)
    x, y, _ = coverage.initiative_xy(records)
    sources = data.snap(x, y)
    ours_m, ours_s = timed(lambda: network.node_distances(data.network, sources))
    theirs_m, theirs_s = networkx_distances(data, sources)
    ours = network.point_distances(data.network, ours_m, data.points_snap, sources)
    theirs = network.point_distances(data.network, theirs_m, data.points_snap, sources)
    finite = np.isfinite(ours)
    agree = np.array_equal(finite, np.isfinite(theirs)) and np.abs(ours[finite] - theirs[finite]).max() <= TOLERANCE_M
    print(f"\nload average (the machine is shared): {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    print(f"{args.initiatives:,} initiatives, {data.network.n_nodes:,} nodes, {len(ours):,} residents' points")
    print(
        f"Dijkstra, ours (scipy csgraph): {ours_s * 1000:.0f} ms; networkx: {theirs_s * 1000:.0f} ms; "
        f"{theirs_s / ours_s:.0f}x faster"
    )
    print(
        f"same distances within {TOLERANCE_M * 1000:.0f} mm for all {len(ours):,} points: {agree} "
        f"(largest difference {np.abs(ours[finite] - theirs[finite]).max() * 1000:.4f} mm)"
    )

    communes, quartiers = coverage.projected(built.communes), coverage.projected(built.quartiers)
    shown = (records["category"] != "library").to_numpy()  # a filter change: all categories but one

    def recompute() -> None:
        reach = coverage.reach(data, records[shown], sources.take(shown))
        coverage.commune_statistics(communes, reach, records[shown])
        coverage.quartier_statistics(quartiers, reach, records[shown])

    _, recompute_s = timed(recompute)
    cpu_start = time.process_time()
    recompute()
    cpu_s = time.process_time() - cpu_start
    walk_s = timed(lambda: data.distances(sources.take(shown)))[1]
    snap_s = timed(lambda: data.snap(x, y))[1]
    print(
        f"recompute after a filter change ({shown.sum():,} initiatives): {recompute_s:.3f} s wall, {cpu_s:.3f} s "
        f"CPU (target < 0.3 s), of which the walking distances {walk_s:.3f} s"
    )
    print(f"snapping all {len(x):,} initiatives, once per data revision: {snap_s:.3f} s")


if __name__ == "__main__":
    main()
