"""Benchmark: assign 1,000,000 random points to communes, ours vs geopandas.sjoin.

Run: `.venv/bin/python benchmarks/join.py [--points N]` (after `make reference`), or `make bench`.
Points are uniform in the region's bounding box (EPSG:31370). Prints, for the commune join and
then for the full join (commune + quartier + sector): points/s of ours and of
`geopandas.sjoin(predicate="within")` (point geometries included: sjoin needs them), the ratio,
whether the answers are identical, and the extra peak memory (RSS) of each, measured in a fresh
process. Times are the best of 3 runs.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core import settings
from geo import reference
from geo.crs import PROJECTED_CRS
from geo.join import BoundaryJoin

KEYS = {"communes": "nis_code", "quartiers": "quartier_code", "sectors": "sector_code"}


def sjoin_codes(xy: tuple[np.ndarray, np.ndarray], polygons: gpd.GeoDataFrame, key: str) -> pd.Series:
    """geopandas' answer per point; where polygons overlap, the smallest code (our rule)."""
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(*xy), crs=PROJECTED_CRS)
    joined = gpd.sjoin(points, polygons[[key, "geometry"]], predicate="within", how="left")
    return joined[key].groupby(level=0).min()


def best_of(run: Callable[[], object], repeat: int = 3) -> tuple[object, float]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return result, min(times)


def same(ours: pd.Series, theirs: pd.Series) -> bool:
    a = ours.astype(object).where(ours.notna(), None).to_numpy()
    b = theirs.astype(object).where(theirs.notna(), None).to_numpy()
    return len(a) == len(b) and bool((a == b).all())


def setup(points: int, seed: int):
    built = reference.load(settings.load().data_dir)
    start = time.perf_counter()
    join = BoundaryJoin.from_reference(built)
    build_s = time.perf_counter() - start
    layers = {name: getattr(built, name).to_crs(PROJECTED_CRS) for name in KEYS}
    xmin, ymin, xmax, ymax = layers["communes"].total_bounds
    rng = np.random.default_rng(seed)
    return join, layers, (rng.uniform(xmin, xmax, points), rng.uniform(ymin, ymax, points)), build_s


def runners(join: BoundaryJoin, layers: dict, xy) -> dict[str, Callable[[], object]]:
    return {
        "ours-communes": lambda: pd.Series(join.commune_of_xy(*xy)),
        "sjoin-communes": lambda: sjoin_codes(xy, layers["communes"], "nis_code"),
        "ours-all": lambda: join.locate_xy(*xy),
        "sjoin-all": lambda: [sjoin_codes(xy, layers[name], key) for name, key in KEYS.items()],
    }


def extra_peak_mib(which: str, points: int, seed: int) -> float:
    """Peak RSS added by one run, in a fresh process so earlier runs do not hide it."""
    out = subprocess.run(
        [sys.executable, __file__, "--points", str(points), "--seed", str(seed), "--memory-of", which],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--memory-of", help=argparse.SUPPRESS)
    args = parser.parse_args()

    join, layers, xy, build_s = setup(args.points, args.seed)
    run = runners(join, layers, xy)
    if args.memory_of:
        before = int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize()
        Path("/proc/self/clear_refs").write_text("5")  # Linux: reset the peak (VmHWM) to now
        run[args.memory_of]()
        status = Path("/proc/self/status").read_text()
        peak = int(status.split("VmHWM:")[1].split()[0]) * 1024
        print((peak - before) / 2**20)
        return

    n = args.points
    ours, ours_s = best_of(run["ours-communes"])
    theirs, sjoin_s = best_of(run["sjoin-communes"])
    mem = {name: extra_peak_mib(name, n, args.seed) for name in run}
    print(
        f"join communes: {n:,} points"
        f" | ours {n / ours_s:,.0f} points/s ({ours_s:.3f} s, +{mem['ours-communes']:.0f} MiB)"
        f" | geopandas.sjoin {n / sjoin_s:,.0f} points/s ({sjoin_s:.3f} s, +{mem['sjoin-communes']:.0f} MiB)"
        f" | ratio {sjoin_s / ours_s:.1f}x | identical: {same(ours, theirs)}"
    )
    placed, all_s = best_of(run["ours-all"])
    expected, sjoins_s = best_of(run["sjoin-all"], repeat=1)
    identical = all(same(placed[key], exp) for key, exp in zip(KEYS.values(), expected, strict=True))
    print(
        f"join commune+quartier+sector: ours {n / all_s:,.0f} points/s ({all_s:.3f} s, +{mem['ours-all']:.0f} MiB)"
        f" | 3 x geopandas.sjoin {n / sjoins_s:,.0f} points/s ({sjoins_s:.3f} s, +{mem['sjoin-all']:.0f} MiB)"
        f" | ratio {sjoins_s / all_s:.1f}x | identical: {identical} | index build {build_s:.2f} s"
    )


if __name__ == "__main__":
    main()
