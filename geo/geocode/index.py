"""The offline geocoder's index: built once from the address sources, loaded fast.

A *street* here is one street in one commune (Boulevard du Souverain in Auderghem and in
Watermael-Boitsfort are two), so a postcode or a locality can choose between them. Each street
has its FR and NL names, its postcodes, its line (EPSG:31370, from the OSM street lines) and its
house-number points (OSM, street inferred: the second candidate street is kept too). For
interpolation every house-number point also records where it projects on its street's line
(`s`, metres along the line) and its offset from the line (`dx`, `dy`), so a missing number is
placed between its neighbours on the same side of the street.

The built files are parquet tables under `settings.gazetteer_dir` (git-ignored).
"""

from __future__ import annotations

import functools
import json
import shutil
import tempfile
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from core.errors import GazetteerNotBuiltError, ReferenceDataError
from core.settings import PROJECT_DIR, Settings
from geo.crs import PROJECTED_CRS, to_projected
from geo.geocode.normalise import housenumber_parts, locality_key, street_keys
from geo.reference import commune_names

SOURCES = {
    "housenumbers": "gazetteer/brussels_housenumbers_osm_2021_tiles.csv",
    "best_streets": "gazetteer/brussels_streets_best_2022.csv",
    "lines": "gazetteer/brussels_streets_osm_2021_tiles.geojson",
    "postcodes": "postcodes/brussels_postcode_commune_street_counts_best2022.csv",
}
METADATA_FILE = "build.json"
# Committed fact table (names only): sections and former municipalities to their commune, "Laeken" -> 21004.
SUBLOCALITY_TABLE = PROJECT_DIR / "data" / "boroughs" / "sublocalities.csv"
MAX_LINE_OFFSET_M = 60.0  # farther from its street line, a point says nothing about its number's place


@dataclass(frozen=True)
class Gazetteer:
    """Everything the offline matcher looks up; tables indexed 0..n-1 unless said otherwise.

    - `streets`: one row per street in one commune: `street_fr`, `street_nl`, `nis_code`,
      `postcodes` (";"-joined), `x`, `y` (a representative point; NaN when the street has no
      line nor point), `n_points`.
    - `lines`: shapely line of each street (None when OSM has none), EPSG:31370.
    - `names`: `name_key` (see `normalise.street_key`) and `street` (row of `streets`).
    - `addresses`: indexed by "street|12a" (exact) and "street|#12" (number only): `x`, `y`,
      `second` (True when the point's street is its second candidate).
    - `numbers`: points usable for interpolation: `street`, `number`, `s`, `dx`, `dy`, `x`, `y`.
    - `communes`: indexed by `nis_code`: `name_fr`, `name_nl`, `x`, `y` (a house-number point
      near the middle of the commune's addresses).
    - `postcodes`: every (postcode, nis_code) pair BeST lists, with `n_streets`.
    - `localities`: `locality_key` and `nis_code`.
    """

    streets: pd.DataFrame
    lines: np.ndarray
    names: pd.DataFrame
    addresses: pd.DataFrame
    numbers: pd.DataFrame
    communes: pd.DataFrame
    postcodes: pd.DataFrame
    localities: pd.DataFrame


@dataclass(frozen=True)
class Sources:
    """The address sources as read from the source folder (lines in EPSG:31370)."""

    housenumbers: pd.DataFrame
    best_streets: pd.DataFrame
    lines: gpd.GeoDataFrame
    postcodes: pd.DataFrame


def read_sources(source_dir: Path | None) -> Sources:
    """Read the address files of the source folder; ReferenceDataError names any missing one."""
    if source_dir is None:
        raise ReferenceDataError(
            "the offline geocoder is built from the address files of a source folder (BIM_SOURCE_DIR); "
            "they cannot be downloaded. Set BIM_SOURCE_DIR to the open-data folder."
        )
    paths = {key: source_dir / relative for key, relative in SOURCES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise ReferenceDataError(f"missing from the source folder {source_dir}: {', '.join(missing)}.")
    lines = gpd.read_file(paths["lines"]).to_crs(PROJECTED_CRS)
    return Sources(
        housenumbers=pd.read_csv(paths["housenumbers"], dtype=str, keep_default_na=False),
        best_streets=pd.read_csv(paths["best_streets"], dtype=str, keep_default_na=False),
        lines=lines.fillna(""),
        postcodes=pd.read_csv(paths["postcodes"], dtype={"postcode": str, "nis_code": str}),
    )


def build(sources: Sources) -> Gazetteer:
    """Index the sources (pure: the accuracy benchmark builds one without some points)."""
    lines, points, best = sources.lines, sources.housenumbers, sources.best_streets
    lines_key = np.where(lines["best_street_no"] != "", lines["best_street_no"], "osm:" + lines["name"])
    points_key = np.where(points["best_street_no"] != "", points["best_street_no"], "osm:" + points["street_osm"])
    # An OSM name in a commune names one street; the second candidate is known by name only.
    by_name = pd.concat(
        [
            pd.DataFrame({"name": lines["name"], "nis_code": lines["nis_code"], "key": lines_key}),
            pd.DataFrame({"name": points["street_osm"], "nis_code": points["nis_code"], "key": points_key}),
        ]
    ).drop_duplicates(["name", "nis_code"])
    alt = points[["street_alt_osm", "nis_code"]].merge(
        by_name, how="left", left_on=["street_alt_osm", "nis_code"], right_on=["name", "nis_code"]
    )
    alt_key = alt["key"].fillna("osm:" + alt["street_alt_osm"]).where(alt["street_alt_osm"] != "", "")

    streets = _streets(best, lines, lines_key, points, points_key)
    unit = pd.Series(np.arange(len(streets)), index=pd.MultiIndex.from_frame(streets[["key", "nis_code"]]))
    lines_unit, point_unit, alt_unit = (
        unit.reindex(pd.MultiIndex.from_arrays([key, nis])).fillna(-1).to_numpy(int)
        for key, nis in (
            (lines_key, lines["nis_code"]),
            (points_key, points["nis_code"]),
            (alt_key, points["nis_code"]),
        )
    )

    street_lines = np.full(len(streets), None, dtype=object)
    parts, part_line = shapely.get_parts(lines.geometry.values, return_index=True)
    order = np.argsort(lines_unit[part_line], kind="stable")
    with_line, compact = np.unique(lines_unit[part_line][order], return_inverse=True)
    street_lines[with_line] = shapely.multilinestrings(parts[order], indices=compact)

    x, y = to_projected(points["lon"].astype(float), points["lat"].astype(float))
    number = housenumber_parts(points["housenumber"])
    streets = _representative_points(streets, street_lines, point_unit, x, y)
    return Gazetteer(
        streets=streets.drop(columns="key"),
        lines=street_lines,
        names=_names(streets, lines, lines_unit, points, point_unit),
        addresses=_addresses(point_unit, alt_unit, number, x, y),
        numbers=_numbers(street_lines, point_unit, number["number"].to_numpy(), x, y),
        communes=_communes(points["nis_code"].to_numpy(), x, y),
        postcodes=sources.postcodes[["postcode", "nis_code", "n_streets"]],
        localities=_localities(best),
    )


def build_index(settings: Settings) -> None:
    """Build the offline geocoder's index from the source folder into `settings.gazetteer_dir`.

    Called by `python -m ingest reference`. The previous index stays until the new one is
    complete. Raises ReferenceDataError when the source files are missing.
    """
    gazetteer = build(read_sources(settings.source_dir))
    target = settings.gazetteer_dir
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".gazetteer-", dir=target.parent))
    try:
        save(gazetteer, staging)
        backup = target.with_name(target.name + ".old")
        shutil.rmtree(backup, ignore_errors=True)
        if target.exists():
            target.rename(backup)
        staging.rename(target)
        shutil.rmtree(backup, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def save(gazetteer: Gazetteer, folder: Path) -> None:
    """Write the index as parquet tables plus a metadata file."""
    folder.mkdir(parents=True, exist_ok=True)
    streets = gazetteer.streets.assign(line=shapely.to_wkb(gazetteer.lines))
    streets.to_parquet(folder / "streets.parquet")
    for name in ("names", "addresses", "numbers", "communes", "postcodes", "localities"):
        getattr(gazetteer, name).to_parquet(folder / f"{name}.parquet")
    counts = {"streets": len(streets), "addresses": len(gazetteer.addresses), "names": len(gazetteer.names)}
    metadata = {"built_at": datetime.now(UTC).isoformat(timespec="seconds"), "sources": SOURCES, "counts": counts}
    (folder / METADATA_FILE).write_text(json.dumps(metadata, indent=2))


def load(folder: Path) -> Gazetteer:
    """The index built in `folder`, read once per process and build (GazetteerNotBuiltError if absent)."""
    marker = folder / METADATA_FILE
    if not marker.is_file():
        raise GazetteerNotBuiltError(
            f"no geocoder index in {folder}: build it with `python -m ingest reference` "
            "(it needs the address files of the source folder, BIM_SOURCE_DIR)."
        )
    return _load(folder, marker.stat().st_mtime_ns)


@functools.lru_cache(maxsize=1)  # a rebuilt index replaces the previous one in memory
def _load(folder: Path, built_ns: int) -> Gazetteer:
    tables = {f.name: pd.read_parquet(folder / f"{f.name}.parquet") for f in fields(Gazetteer) if f.name != "lines"}
    streets = tables["streets"]
    tables["lines"] = shapely.from_wkb(streets.pop("line").to_numpy())
    return Gazetteer(**tables)


# --- building blocks ---------------------------------------------------------------------------


def _streets(
    best: pd.DataFrame, lines: gpd.GeoDataFrame, lines_key: np.ndarray, points: pd.DataFrame, points_key: np.ndarray
) -> pd.DataFrame:
    """One row per (street key, commune), with its FR/NL names and postcodes."""
    from_best = pd.DataFrame(
        {
            "key": best["street_no"],
            "nis_code": best["city_no"],
            "street_fr": best["street_fr"],
            "street_nl": best["street_nl"],
            "postcode": best["postal_id"],
        }
    )
    from_lines = pd.DataFrame(
        {
            "key": lines_key,
            "nis_code": lines["nis_code"],
            "street_fr": np.where(lines["name_fr_guess"] != "", lines["name_fr_guess"], lines["name"]),
            "street_nl": np.where(lines["name_nl_guess"] != "", lines["name_nl_guess"], lines["name"]),
            "postcode": "",
        }
    )
    named = points[points["street_osm"] != ""]
    split = named["street_osm"].str.split(" - ", n=1, expand=True).reindex(columns=[0, 1])
    from_points = pd.DataFrame(
        {
            "key": points_key[points["street_osm"] != ""],
            "nis_code": named["nis_code"],
            "street_fr": split[0],
            "street_nl": split[1].fillna(split[0]),
            "postcode": named["postcode"],
        }
    )
    rows = pd.concat([from_best, from_lines, from_points], ignore_index=True)
    rows = rows[rows["postcode"].str.len() <= 4]  # a point between two postcodes says nothing
    postcodes = (
        rows[rows["postcode"] != ""]
        .groupby(["key", "nis_code"])["postcode"]
        .agg(lambda codes: ";".join(sorted(set(codes))))
    )
    streets = rows.drop_duplicates(["key", "nis_code"]).drop(columns="postcode")
    streets = streets.join(postcodes, on=["key", "nis_code"]).fillna({"postcode": ""})
    return streets.rename(columns={"postcode": "postcodes"}).reset_index(drop=True)


def _representative_points(
    streets: pd.DataFrame, lines: np.ndarray, point_unit: np.ndarray, x: np.ndarray, y: np.ndarray
) -> pd.DataFrame:
    """Middle of each street's line; without a line, the house-number point nearest their median."""
    has_line = np.array([line is not None for line in lines])
    middle = shapely.line_interpolate_point(lines[has_line], 0.5, normalized=True)
    rx = np.full(len(streets), np.nan)
    ry = np.full(len(streets), np.nan)
    rx[has_line], ry[has_line] = shapely.get_x(middle), shapely.get_y(middle)
    placed = point_unit >= 0
    near = _nearest_to_median(point_unit[placed], x[placed], y[placed])
    fill = near.index[~has_line[near.index]]
    rx[fill], ry[fill] = near.loc[fill, "x"], near.loc[fill, "y"]
    n_points = np.bincount(point_unit[placed], minlength=len(streets))
    return streets.assign(x=rx, y=ry, n_points=n_points)


def _nearest_to_median(group: np.ndarray, x: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    """Per group, the point nearest the median of the group's points (a point that is really there)."""
    frame = pd.DataFrame({"group": group, "x": x, "y": y})
    median = frame.groupby("group")[["x", "y"]].transform("median")
    frame["d2"] = (frame["x"] - median["x"]) ** 2 + (frame["y"] - median["y"]) ** 2
    return frame.loc[frame.groupby("group")["d2"].idxmin()].set_index("group")[["x", "y"]]


def _names(
    streets: pd.DataFrame, lines: gpd.GeoDataFrame, lines_unit: np.ndarray, points: pd.DataFrame, point_unit: np.ndarray
) -> pd.DataFrame:
    """Every spelling that names a street: BeST FR/NL, the OSM name and its FR/NL halves."""
    unit = np.arange(len(streets))
    spellings = [
        (streets["street_fr"], unit),
        (streets["street_nl"], unit),
        (lines["name"], lines_unit),
        (lines["name_fr_guess"], lines_unit),
        (lines["name_nl_guess"], lines_unit),
        (points["street_osm"], point_unit),
    ]
    names = pd.concat(
        [pd.DataFrame({"name": np.asarray(n), "street": u}) for n, u in spellings], ignore_index=True
    ).drop_duplicates()
    names = names[(names["name"] != "") & (names["street"] >= 0)]
    names["name_key"] = street_keys(names["name"])
    return names[["name_key", "street"]].drop_duplicates().reset_index(drop=True)


def _addresses(
    point_unit: np.ndarray, alt_unit: np.ndarray, number: pd.DataFrame, x: np.ndarray, y: np.ndarray
) -> pd.DataFrame:
    """House-number points by "street|12a" and "street|#12"; the inferred street wins over the second."""
    tables = []
    for unit, second in ((point_unit, False), (alt_unit, True)):
        ok = (unit >= 0) & (number["number"].to_numpy() >= 0)
        unit_text = unit[ok].astype(str)
        for key in (
            unit_text + "|" + number["key"].to_numpy()[ok],
            unit_text + "|#" + number["number"].astype(str)[ok],
        ):
            tables.append(pd.DataFrame({"key": key, "x": x[ok], "y": y[ok], "second": second}))
    # The same number twice on a street (an entrance beside its building, mostly): the first one.
    # Measured on the town halls, the first in OSM's order beats the mean and the one nearest the road.
    table = pd.concat(tables, ignore_index=True).sort_values("second", kind="stable")
    return table.drop_duplicates("key").set_index("key")


def _numbers(
    lines: np.ndarray, point_unit: np.ndarray, number: np.ndarray, x: np.ndarray, y: np.ndarray
) -> pd.DataFrame:
    """Where each numbered point projects on its street's line, and its offset from the line."""
    ok = (point_unit >= 0) & (number >= 0)
    ok[ok] = lines[point_unit[ok]] != None  # noqa: E711 (element-wise on an object array)
    street, number, x, y = point_unit[ok], number[ok], x[ok], y[ok]
    line = lines[street]
    s = shapely.line_locate_point(line, shapely.points(x, y))
    foot = shapely.line_interpolate_point(line, s)
    dx, dy = x - shapely.get_x(foot), y - shapely.get_y(foot)
    offset = np.hypot(dx, dy)
    table = pd.DataFrame(
        {"street": street, "number": number, "s": s, "dx": dx, "dy": dy, "x": x, "y": y, "offset": offset}
    )
    # One point per number: the one nearest its street line.
    table = table[offset <= MAX_LINE_OFFSET_M].sort_values("offset").drop_duplicates(["street", "number"])
    return table.drop(columns="offset").sort_values(["street", "number"], ignore_index=True)


def _communes(nis: np.ndarray, x: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    """Each commune's names and a representative address point."""
    names = commune_names().set_index("nis_code")[["name_fr", "name_nl"]]
    return names.join(_nearest_to_median(nis, x, y))


def _localities(best: pd.DataFrame) -> pd.DataFrame:
    """Locality spellings to communes: commune names (FR/NL/EN), BeST postal names ("Laeken") and the
    sub-localities of `SUBLOCALITY_TABLE` ("Neder-Over-Heembeek", "Stokkel")."""
    names = commune_names()
    rows = [(names[column], names["nis_code"]) for column in ("name_fr", "name_nl", "name_en")]
    sections = pd.read_csv(SUBLOCALITY_TABLE, dtype=str)
    rows.append((sections["name"], sections["nis_code"]))
    single = best.groupby("postal_id")["city_no"].transform("nunique") == 1
    for column in ("postal_fr", "postal_nl"):
        postal = best.loc[single & ~best[column].str.contains(r"\+", regex=True), [column, "city_no"]]
        rows.append((postal[column], postal["city_no"]))
        inner = postal[column].str.extract(r"\((.+)\)")[0]
        rows.append((inner, postal["city_no"]))
    table = pd.concat([pd.DataFrame({"name": n.to_numpy(), "nis_code": c.to_numpy()}) for n, c in rows])
    table = table.dropna()
    table["locality_key"] = [locality_key(n) for n in table["name"]]
    return table[["locality_key", "nis_code"]].drop_duplicates().reset_index(drop=True)
