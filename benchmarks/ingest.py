"""Benchmark: import 100,000 initiatives with coordinates end to end into each backend.

Run: `.venv/bin/python benchmarks/ingest.py [--rows N] [--backend sqlite|postgis|both]` (after
`make reference`; PostGIS needs `make system-deps`), or `make bench`. It writes a realistic
town-hall CSV into a temp dir (semicolons, French headers, decimal commas, Windows-1252, random
points inside the region, names, free-text categories, addresses, e-mails), then imports it with
`ingest.pipeline.import_file` into an empty SQLite store and into an empty database of a
temporary PostGIS server (started like the tests do, fsync on). Prints rows/s per stage (read,
validate, join, write) and the total. The commune index is built once per process before the
imports, and its time is printed apart. Target: under 20 s for 100k rows with the embedded store.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core import settings
from geo import reference
from geo.join import load_join
from ingest.pipeline import import_file
from tests.postgis import start_postgis

CATEGORIES = ("potager collectif", "repair café", "maison de quartier", "bibliothèque", "buurthuis", "cultuur",
              "école de devoirs", "compost", "épicerie sociale", "community garden", "vélo", "santé")  # fmt: skip
STREETS = ("Rue Haute", "Chaussée d'Ixelles", "Avenue Louise", "Rue de la Loi", "Steenweg op Gent", "Rue Neuve",
           "Boulevard Anspach", "Chaussée de Wavre", "Rue du Midi", "Avenue de Tervueren")  # fmt: skip
WORDS = ("Jardin", "Atelier", "Collectif", "Maison", "Café", "Buurt", "Potager", "Vélo", "Solidarité", "Lecture")


def write_sample(path: Path, rows: int, config: settings.Settings, seed: int = 7) -> None:
    """A CSV of `rows` initiatives at random points inside the region."""
    rng = np.random.default_rng(seed)
    region = shapely.union_all(reference.load(config.data_dir).communes.geometry.to_numpy())
    xmin, ymin, xmax, ymax = region.bounds
    lon, lat = np.empty(0), np.empty(0)
    while len(lon) < rows:
        x, y = rng.uniform(xmin, xmax, rows), rng.uniform(ymin, ymax, rows)
        inside = shapely.contains_xy(region, x, y)
        lon, lat = np.concatenate([lon, x[inside]]), np.concatenate([lat, y[inside]])
    number = np.arange(rows)
    frame = pd.DataFrame(
        {
            "nom": pd.Series(rng.choice(WORDS, rows))
            + " "
            + pd.Series(rng.choice(WORDS, rows))
            + " "
            + number.astype(str),
            "adresse": pd.Series(rng.choice(STREETS, rows)) + " " + rng.integers(1, 300, rows).astype(str),
            "code postal": rng.choice(["1000", "1030", "1050", "1060", "1080", "1180"], rows),
            "catégorie": rng.choice(CATEGORIES, rows),
            "latitude": np.round(lat[:rows], 6),
            "longitude": np.round(lon[:rows], 6),
            "site web": np.where(rng.random(rows) < 0.5, "https://example.org/i/" + number.astype(str), ""),
            "courriel": np.where(rng.random(rows) < 0.3, "contact" + number.astype(str) + "@example.org", ""),
        }
    )
    frame.to_csv(path, sep=";", decimal=",", index=False, encoding="cp1252")


def run(path: Path, config: settings.Settings, label: str) -> None:
    report = import_file(path, config, source_name="benchmark")
    rows = len(report.rows)
    assert report.new == rows, f"{label}: expected {rows} new records, got {report.new}"
    stages = "  ".join(
        f"{stage} {rows / report.seconds[stage]:>9,.0f}/s" for stage in ("read", "validate", "join", "write")
    )
    total = report.seconds["total"]
    print(f"{label:<8} {stages}  total {total:5.1f} s ({rows / total:,.0f} rows/s)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--backend", choices=("sqlite", "postgis", "both"), default="both")
    args = parser.parse_args()
    base = settings.load()
    with tempfile.TemporaryDirectory(prefix="bim-bench-") as folder:
        path = Path(folder) / "initiatives.csv"
        write_sample(path, args.rows, base)
        print(f"{args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB CSV with coordinates", flush=True)
        start = time.perf_counter()
        load_join(base.data_dir)
        print(f"commune/quartier/sector index built in {time.perf_counter() - start:.1f} s (once per process)")
        if args.backend in ("sqlite", "both"):
            url = f"sqlite:///{Path(folder) / 'initiatives.sqlite'}"
            run(path, dataclasses.replace(base, database_url=url), "sqlite")
        if args.backend in ("postgis", "both"):
            server = start_postgis(durable=True)
            try:
                run(path, dataclasses.replace(base, database_url=server.new_database()), "postgis")
            finally:
                server.stop()


if __name__ == "__main__":
    main()
