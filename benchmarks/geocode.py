"""Benchmark: offline geocoding throughput on 100,000 addresses drawn from the reference data.

Run: `.venv/bin/python benchmarks/geocode.py [--addresses N] [--baseline N]` (after
`python -m ingest reference`, which builds the index). The addresses are house-number points of
the source data written as one field, "Rue X 12, 1050 Ixelles", half in FR and half in NL, one
in ten with a typo (a letter dropped) and one in ten with an abbreviated street type. Prints
addresses/s of `geo.geocode.geocode` (index already loaded, best of 3), and of a naive baseline
measured in the same run: per row, rapidfuzz `process.extractOne` over all street names, then a
dictionary look-up of the house number; and the ratio of the two.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core import settings
from geo.geocode import geocode
from geo.geocode import index as gazetteer_index
from geo.geocode.normalise import street_key

ABBREVIATE = {"Avenue ": "Av. ", "Boulevard ": "Bd ", "Chaussée ": "Chée ", "Place ": "Pl. ", "Rue ": "R. "}


def sample_addresses(source_dir: Path, n: int, seed: int = 1) -> pd.DataFrame:
    """`n` one-field addresses (with their true commune) drawn from the house-number points."""
    points = pd.read_csv(source_dir / gazetteer_index.SOURCES["housenumbers"], dtype=str, keep_default_na=False)
    points = points[(points["street_fr"] != "") & (points["postcode"].str.len() == 4)]
    rng = np.random.default_rng(seed)
    drawn = points.iloc[rng.integers(0, len(points), n)].reset_index(drop=True)
    street = drawn["street_fr"].where(rng.random(n) < 0.5, drawn["street_nl"])
    abbreviated = rng.random(n) < 0.1
    for full, short in ABBREVIATE.items():
        street = street.where(~abbreviated, street.str.replace(full, short, regex=False))
    typo = rng.random(n) < 0.1
    cut = (street.str.len() * rng.random(n)).astype(int).clip(lower=4)
    street = street.where(~typo, [s[:c] + s[c + 1 :] for s, c in zip(street, cut, strict=True)])
    text = street + " " + drawn["housenumber"] + ", " + drawn["postcode"] + " " + drawn["commune_fr"]
    return pd.DataFrame({"address": text, "nis_code": drawn["nis_code"]})


def baseline(addresses: pd.DataFrame, gazetteer: gazetteer_index.Gazetteer) -> float:
    """Naive per-row geocoding: extractOne over every street name, then the house number; rows/s."""
    names = gazetteer.names["name_key"].tolist()
    streets = gazetteer.names["street"].to_numpy()
    start = time.perf_counter()
    for text in addresses["address"]:
        street, _, number = text.partition(",")[0].rpartition(" ")
        best = process.extractOne(street_key(street), names, scorer=fuzz.WRatio)
        gazetteer.addresses.index.get_indexer([f"{streets[best[2]]}|{number}"])
    return len(addresses) / (time.perf_counter() - start)


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--addresses", type=int, default=100_000)
    args.add_argument("--baseline", type=int, default=300, help="rows for the naive baseline (it is slow)")
    options = args.parse_args()
    config = settings.load()
    gazetteer = gazetteer_index.load(config.gazetteer_dir)
    addresses = sample_addresses(config.source_dir, options.addresses)

    times = []
    for _ in range(3):
        start = time.perf_counter()
        result = geocode(addresses[["address"]], config)
        times.append(time.perf_counter() - start)
    rate = len(addresses) / min(times)
    right = (result["nis_code"] == addresses["nis_code"]).mean()
    precision = result["geocode_precision"].value_counts(normalize=True).round(4).to_dict()
    print(f"geocode: {len(addresses):,} addresses in {min(times):.2f} s = {rate:,.0f} addresses/s (target 20,000)")
    print(f"  right commune {right:.2%}; precision {precision}")
    naive = baseline(addresses.head(options.baseline), gazetteer)
    print(
        f"baseline (per-row extractOne over {len(gazetteer.names):,} names, {options.baseline} rows): "
        f"{naive:,.0f} addresses/s; ours is {rate / naive:,.0f}x faster"
    )


if __name__ == "__main__":
    main()
