"""Benchmark: how far from the truth the offline geocoder places addresses it has never seen.

Run: `.venv/bin/python benchmarks/geocode_accuracy.py [--share 0.02] [--seed 1]` (needs the
source folder, BIM_SOURCE_DIR, and the built reference boundaries).
1. Draws a random 2% of the OSM house-number points, removes them from the sources (and any
   other point with the same street, number and commune, an entrance beside its building), builds
   an index without them, and geocodes them from their street (FR), number and postcode: only
   the street lines and the neighbouring numbers can place them.
   The same held-out points on street names that exist in two or more communes are then
   geocoded as one field "street number, commune", no postcode, FR and NL alternately (street and
   commune in the same language): the locality alone must choose the commune (targets: right
   commune >= 98%, median <= 30 m).
2. Geocodes the OSM community places that carry `addr:*` tags with the full index.
Prints, for each: the share placed, the share whose commune is right (the commune the geocoder
names, and the commune polygon its point falls in), and the median / 90th-percentile distance
error in metres (EPSG:31370). Targets: right commune >= 99%, median <= 30 m.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core import settings
from geo.crs import to_projected
from geo.geocode import index
from geo.geocode.geocoder import geocode_offline
from geo.join import load_join
from geo.reference import commune_names

PLACES = "initiatives/brussels_osm_community_places.geojson"


def report(label: str, truth: pd.DataFrame, result: pd.DataFrame, data_dir: Path, target: float = 0.99) -> None:
    """Print placement, commune and distance figures of `result` against `truth` (lon, lat, nis_code)."""
    placed = result["lon"].notna()
    x, y = to_projected(result["lon"], result["lat"])
    tx, ty = to_projected(truth["lon"], truth["lat"])
    error = np.hypot(x - tx, y - ty)[placed.to_numpy()]
    named = (result["nis_code"] == truth["nis_code"]).mean()
    polygon = load_join(data_dir).commune_of_xy(x, y).astype(object)
    in_polygon = (pd.Series(polygon, index=truth.index) == truth["nis_code"]).mean()
    precision = result["geocode_precision"].value_counts(normalize=True).round(4).to_dict()
    print(f"{label}: {len(truth):,} addresses, placed {placed.mean():.2%}, precision {precision}")
    print(f"  right commune {named:.2%} (commune named), {in_polygon:.2%} (point inside it); target {target:.0%}")
    if len(error):
        print(
            f"  distance error median {np.median(error):.1f} m (target 30), "
            f"90th percentile {np.quantile(error, 0.9):.1f} m"
        )


def held_out_points(config: settings.Settings, share: float, seed: int) -> None:
    sources = index.read_sources(config.source_dir)
    points = sources.housenumbers
    usable = points[(points["street_fr"] != "") & (points["postcode"].str.len() == 4)]
    held = usable.sample(frac=share, random_state=seed)
    twin = ["street_osm", "housenumber", "nis_code"]
    keep = ~points.set_index(twin).index.isin(held.set_index(twin).index)
    gazetteer = index.build(dataclasses.replace(sources, housenumbers=points[keep].reset_index(drop=True)))
    queries = held.rename(columns={"street_fr": "street"})[["street", "housenumber", "postcode"]]
    truth = held[["lon", "lat", "nis_code"]].astype({"lon": float, "lat": float})
    report(
        f"held-out house numbers, street + number + postcode ({share:.0%}, {(~keep).sum():,} points removed)",
        truth,
        geocode_offline(queries, gazetteer),
        config.data_dir,
    )
    shared = sources.best_streets.groupby("street_fr")["city_no"].nunique()
    held = held[held["street_fr"].isin(shared.index[shared >= 2]) & (held["street_nl"] != "")]
    communes = commune_names().set_index("nis_code")
    dutch = np.arange(len(held)) % 2 == 1
    street = held["street_fr"].where(~dutch, held["street_nl"])
    commune = held["nis_code"].map(communes["name_fr"]).where(~dutch, held["nis_code"].map(communes["name_nl"]))
    report(
        "the same held out on street names found in 2+ communes, street + number + commune (FR/NL), no postcode",
        held[["lon", "lat", "nis_code"]].astype({"lon": float, "lat": float}),
        geocode_offline(pd.DataFrame({"address": street + " " + held["housenumber"] + ", " + commune}), gazetteer),
        config.data_dir,
        target=0.98,
    )


def community_places(config: settings.Settings) -> None:
    places = gpd.read_file(config.source_dir / PLACES)
    places = places[places["addr:street"].notna()]
    queries = pd.DataFrame(
        {
            "street": places["addr:street"],
            "housenumber": places["addr:housenumber"],
            "postcode": places["addr:postcode"],
            "locality": places["addr:city"],
        }
    ).fillna("")
    truth = pd.DataFrame({"lon": places.geometry.x, "lat": places.geometry.y, "nis_code": places["nis_code"]})
    result = geocode_offline(queries, index.load(config.gazetteer_dir))
    inside = truth["nis_code"].notna()
    report("OSM community places with addr:* tags, in the region", truth[inside], result[inside], config.data_dir)
    outside = result[~inside]
    print(
        f"  outside the region: {len(outside)}, not placed: {(outside['geocode_precision'] == 'none').sum()} "
        f"({'; '.join(outside['geocode_note'].unique())})"
    )


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--share", type=float, default=0.02)
    args.add_argument("--seed", type=int, default=1)
    options = args.parse_args()
    config = settings.load()
    held_out_points(config, options.share, options.seed)
    community_places(config)


if __name__ == "__main__":
    main()
