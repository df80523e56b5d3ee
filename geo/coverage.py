"""Coverage statistics per commune and per quartier: how many initiatives, and who lives near one.

Everything is computed in EPSG:31370 (metres). Inputs are the reference layers, the residents'
points of `geo.population` (each sector's population spread over its house-number points) with
their snaps to the walking network (`geo.walking`), and initiative records
(core.record.RECORD_COLUMNS: lon/lat in WGS84, nis_code, quartier_code, category).

"Residents within R metres" comes in two measures, on the same residents' points: the straight
line to the nearest initiative (anywhere, across a commune border too), and the walk to it along
the street network, the way to and from the street included. A walk is never shorter than the
straight line, so a walking share never exceeds the straight-line one. Shares are of the
residents placed on points, that is the population of the commune's (or quartier's) sectors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from core.taxonomy import CATEGORIES
from geo import network
from geo.crs import PROJECTED_CRS, to_projected
from geo.walking import Walking

RADII_M: tuple[int, ...] = (500, 1000)
MEASURES: tuple[str, ...] = ("walk", "straight")
GAP_RADIUS_M = 500
BORDER_RADIUS_M = 500
COMMUNE_NAME_COLUMNS = ["nis_code", "name_fr", "name_nl", "name_en"]
QUARTIER_NAME_COLUMNS = ["quartier_code", "name_fr", "name_nl"]


def share_column(radius_m: int, measure: str = "straight") -> str:
    return f"share_within_{radius_m}m" + ("_walk" if measure == "walk" else "")


def residents_column(radius_m: int, measure: str = "straight") -> str:
    return f"residents_within_{radius_m}m" + ("_walk" if measure == "walk" else "")


def category_column(key: str) -> str:
    return f"initiatives_{key}"


def projected(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame in EPSG:31370 (unchanged when it already is)."""
    return frame if frame.crs == PROJECTED_CRS else frame.to_crs(PROJECTED_CRS)


def initiative_xy(records: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """EPSG:31370 x, y of the records with coordinates, and the mask of those records."""
    x, y = to_projected(records["lon"].to_numpy(dtype=float), records["lat"].to_numpy(dtype=float))
    placed = np.isfinite(x) & np.isfinite(y)
    return x[placed], y[placed], placed


@dataclass(frozen=True)
class Reach:
    """Metres from each residents' point (and each service-area grid cell) to the nearest initiative."""

    points: pd.DataFrame  # geo.population.POINT_COLUMNS
    straight_m: np.ndarray
    walk_m: np.ndarray
    grid: np.ndarray  # n x 2 cell centres
    grid_walk_m: np.ndarray

    def distance(self, measure: str) -> np.ndarray:
        return self.walk_m if measure == "walk" else self.straight_m


def reach(walking: Walking, records: pd.DataFrame, snapped: network.Snap | None = None) -> Reach:
    """Straight-line and walking distances of every residents' point to the records' initiatives.

    Parameters
    ----------
    walking : the built walking data (network, residents' points and their snaps)
    records : initiatives; those without coordinates reach nobody
    snapped : the snaps of the records with coordinates (`walking.snap`), when already known

    Returns
    -------
    Reach (inf everywhere when no record has coordinates)
    """
    x, y, _ = initiative_xy(records)
    points = walking.points
    straight = np.full(len(points), np.inf)
    if len(x):
        straight, _ = cKDTree(np.column_stack([x, y])).query(points[["x", "y"]].to_numpy(), workers=-1)
    walk, grid_walk = walking.distances(walking.snap(x, y) if snapped is None else snapped)
    return Reach(points, straight, walk, walking.grid, grid_walk)


def _covered(reach_: Reach, key: str, radii_m: tuple[int, ...]) -> pd.DataFrame:
    """Per value of `key` (nis_code or quartier_code): residents, and per radius and measure those within."""
    codes, values = pd.factorize(reach_.points[key])  # instant on the categoricals `walking.load` gives
    residents = reach_.points["residents"].to_numpy()
    known = codes >= 0
    table = {"residents": np.bincount(codes[known], residents[known], len(values))}
    for radius in radii_m:
        for measure in MEASURES:
            within = known & (reach_.distance(measure) <= radius)
            table[residents_column(radius, measure)] = np.bincount(codes[within], residents[within], len(values))
    return pd.DataFrame(table, index=pd.Index(values))


def _shares(keys: pd.Index, covered: pd.DataFrame, radii_m: tuple[int, ...]) -> dict[str, np.ndarray]:
    """sector_population, and per radius and measure the residents within and their share, per key."""
    covered = covered.reindex(keys).fillna(0.0)
    residents = covered["residents"].to_numpy()
    columns: dict[str, np.ndarray] = {"sector_population": residents.round().astype(int)}
    for radius in radii_m:
        for measure in MEASURES:
            within = covered[residents_column(radius, measure)].to_numpy()
            columns[residents_column(radius, measure)] = within
            columns[share_column(radius, measure)] = np.divide(
                within, residents, out=np.full(len(keys), np.nan), where=residents > 0
            )
    return columns


def _initiative_counts(keys: pd.Index, codes: pd.Series, records: pd.DataFrame) -> dict[str, np.ndarray]:
    """initiatives, and initiatives_<category> for every category, per key."""
    pairs = pd.DataFrame({"code": codes.to_numpy(), "category": records["category"].to_numpy()})
    counts = pairs.groupby(["code", "category"]).size().unstack(fill_value=0)
    counts = counts.reindex(index=keys, columns=list(CATEGORIES), fill_value=0).fillna(0).astype(int)
    columns = {"initiatives": counts.to_numpy().sum(axis=1) + _uncategorised(keys, pairs)}
    columns.update({category_column(k): counts[k].to_numpy() for k in CATEGORIES})
    return columns


def _uncategorised(keys: pd.Index, pairs: pd.DataFrame) -> np.ndarray:
    """Records whose category is not in the taxonomy still count among `initiatives`."""
    other = pairs.loc[~pairs["category"].isin(list(CATEGORIES)), "code"]
    counts: np.ndarray = other.value_counts().reindex(keys, fill_value=0).to_numpy()
    return counts


def _table(frame: gpd.GeoDataFrame, columns: list[str], added: dict[str, np.ndarray]) -> gpd.GeoDataFrame:
    table = pd.concat([frame[columns].reset_index(drop=True), pd.DataFrame(added)], axis=1)
    return gpd.GeoDataFrame(table, geometry=frame.geometry.to_numpy(), crs=PROJECTED_CRS)


def commune_statistics(
    communes: gpd.GeoDataFrame, reach_: Reach, records: pd.DataFrame, radii_m: tuple[int, ...] = RADII_M
) -> gpd.GeoDataFrame:
    """One row per commune (EPSG:31370 polygons), sorted by NIS code.

    Columns: names, population (latest commune year) and its year, area_km2, initiatives (all and
    `initiatives_<category>`), per_10k_residents, per_km2, sector_population (the sector file's
    year, the base of the shares), and per radius `residents_within_<R>m`, `share_within_<R>m`
    (straight line, 0..1) and the same with `_walk`. Initiatives are counted by their nis_code.
    """
    communes = projected(communes).sort_values("nis_code").reset_index(drop=True)
    keys = pd.Index(communes["nis_code"])
    added = _initiative_counts(keys, records["nis_code"].astype("string"), records)
    added["per_10k_residents"] = added["initiatives"] / communes["population"].to_numpy() * 10_000
    added["per_km2"] = added["initiatives"] / communes["area_km2"].to_numpy()
    added.update(_shares(keys, _covered(reach_, "nis_code", radii_m), radii_m))
    return _table(communes, [*COMMUNE_NAME_COLUMNS, "population", "population_year", "area_km2"], added)


def quartier_statistics(
    quartiers: gpd.GeoDataFrame, reach_: Reach, records: pd.DataFrame, radii_m: tuple[int, ...] = RADII_M
) -> gpd.GeoDataFrame:
    """One row per quartier of the Monitoring des Quartiers (EPSG:31370), sorted by code.

    Columns: quartier_code, names, area_km2, initiatives (by the records' quartier_code),
    per_km2, sector_population (residents placed on its points: quartiers do not nest in
    sectors), per_10k_residents, and the residents and shares within each radius, both measures.
    """
    quartiers = projected(quartiers).sort_values("quartier_code").reset_index(drop=True)
    keys = pd.Index(quartiers["quartier_code"])
    codes = pd.to_numeric(records["quartier_code"], errors="coerce").astype("Int64")
    added = _initiative_counts(keys, codes, records)
    added["per_km2"] = added["initiatives"] / quartiers["area_km2"].to_numpy()
    added.update(_shares(keys, _covered(reach_, "quartier_code", radii_m), radii_m))
    residents = added["sector_population"].astype(float)
    added["per_10k_residents"] = np.divide(
        added["initiatives"] * 10_000, residents, out=np.full(len(keys), np.nan), where=residents > 0
    )
    return _table(quartiers, [*QUARTIER_NAME_COLUMNS, "area_km2"], added)


def metric_columns(measure: str = "walk", radii_m: tuple[int, ...] = RADII_M) -> list[str]:
    """The comparable per-commune metrics of one measure, in display order."""
    return ["initiatives", "per_10k_residents", "per_km2", *(share_column(r, measure) for r in radii_m)]


def regional_summary(stats: pd.DataFrame, measure: str = "walk", radii_m: tuple[int, ...] = RADII_M) -> pd.DataFrame:
    """Per metric (index): the whole region's value and the median of the 19 communes."""
    region = {
        "initiatives": stats["initiatives"].sum(),
        "per_10k_residents": stats["initiatives"].sum() / stats["population"].sum() * 10_000,
        "per_km2": stats["initiatives"].sum() / stats["area_km2"].sum(),
    }
    for radius in radii_m:
        covered = stats[residents_column(radius, measure)].sum()
        region[share_column(radius, measure)] = covered / stats["sector_population"].sum()
    metrics = metric_columns(measure, radii_m)
    return pd.DataFrame(
        {"region": [float(region[m]) for m in metrics], "median": [float(stats[m].median()) for m in metrics]},
        index=pd.Index(metrics, name="metric"),
    )


def service_area(reach_: Reach, radius_m: float, cell_m: float) -> shapely.Geometry:
    """The grid cells whose centre is within `radius_m` walk of an initiative, merged (EPSG:31370)."""
    centres = reach_.grid[reach_.grid_walk_m <= radius_m]
    half = cell_m / 2
    cells = shapely.box(centres[:, 0] - half, centres[:, 1] - half, centres[:, 0] + half, centres[:, 1] + half)
    return shapely.coverage_union_all(cells) if len(cells) else shapely.Polygon()


# --- the commune report -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CommuneReport:
    """What a town hall wants to know about one commune, by one measure (walk or straight line)."""

    nis_code: str
    measure: str
    figures: pd.DataFrame  # index metric; columns commune, median, region, vs_median (commune - median)
    categories: pd.DataFrame  # category, initiatives, share (0..1), regional_share (0..1)
    gaps: gpd.GeoDataFrame  # sectors with residents beyond GAP_RADIUS_M: residents_beyond, nearest_initiative_m
    streets: pd.DataFrame  # streets with residents beyond GAP_RADIUS_M: street_fr, street_nl, residents_beyond, ...
    across_border: pd.DataFrame  # records outside the commune within BORDER_RADIUS_M of it, with distance_m


def commune_report(
    nis_code: str,
    stats: gpd.GeoDataFrame,
    sectors: gpd.GeoDataFrame,
    reach_: Reach,
    records: pd.DataFrame,
    measure: str = "walk",
) -> CommuneReport:
    """The report card of one commune, from `commune_statistics` output and the same inputs."""
    row = stats.set_index("nis_code").loc[nis_code]
    summary = regional_summary(stats, measure)
    figures = summary.assign(commune=[float(row[m]) for m in summary.index])
    figures["vs_median"] = figures["commune"] - figures["median"]

    counts = np.array([row[category_column(k)] for k in CATEGORIES], dtype=float)
    regional = np.array([stats[category_column(k)].sum() for k in CATEGORIES], dtype=float)
    categories = pd.DataFrame(
        {
            "category": list(CATEGORIES),
            "initiatives": counts.astype(int),
            "share": counts / counts.sum() if counts.sum() else 0.0,
            "regional_share": regional / regional.sum() if regional.sum() else 0.0,
        }
    )
    gaps, streets = _gaps(nis_code, projected(sectors), reach_, measure)

    border = stats.loc[stats["nis_code"] == nis_code, "geometry"].iloc[0]
    x, y, placed = initiative_xy(records)
    points = shapely.points(x, y)
    outside = (records["nis_code"].astype("string").fillna("") != nis_code).to_numpy()[placed]
    near = outside & shapely.dwithin(points, border, BORDER_RADIUS_M)
    across = records[placed][near].assign(distance_m=shapely.distance(points[near], border)).sort_values("distance_m")
    return CommuneReport(
        nis_code, measure, figures[["commune", "median", "region", "vs_median"]], categories, gaps, streets, across
    )


def _gaps(
    nis_code: str, sectors: gpd.GeoDataFrame, reach_: Reach, measure: str
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """The commune's sectors and streets with residents beyond GAP_RADIUS_M (by `measure`)."""
    mine = (reach_.points["nis_code"] == nis_code).to_numpy()
    points = reach_.points[mine].assign(distance_m=reach_.distance(measure)[mine])
    beyond = points["distance_m"] > GAP_RADIUS_M
    points = points.assign(residents_beyond=np.where(beyond, points["residents"], 0.0))

    by_sector = points.groupby("sector_code").agg(
        residents_beyond=("residents_beyond", "sum"),
        residents=("residents", "sum"),
        nearest_initiative_m=("distance_m", "min"),
    )
    by_sector = by_sector[by_sector["residents_beyond"] > 0]
    gaps = sectors[["sector_code", "name_fr", "name_nl", "population", "geometry"]].merge(
        by_sector, left_on="sector_code", right_index=True
    )
    gaps = gaps.assign(share_beyond=gaps["residents_beyond"] / gaps["residents"]).sort_values(
        "residents_beyond", ascending=False
    )

    named = points[points["street_fr"].fillna("") + points["street_nl"].fillna("") != ""]
    streets = named.groupby(["street_fr", "street_nl"], as_index=False).agg(
        residents_beyond=("residents_beyond", "sum"), residents=("residents", "sum"), farthest_m=("distance_m", "max")
    )
    streets = streets[streets["residents_beyond"] > 0].assign(
        share_beyond=lambda s: s["residents_beyond"] / s["residents"]
    )
    return gaps.reset_index(drop=True), streets.sort_values("residents_beyond", ascending=False).reset_index(drop=True)


# --- serialisation (downloads and `python -m ingest stats`) ---------------------------------------


def statistics_csv(stats: pd.DataFrame) -> bytes:
    """The per-commune (or per-quartier) table as UTF-8 CSV, without geometry."""
    text: str = stats.drop(columns="geometry", errors="ignore").to_csv(index=False)
    return text.encode("utf-8")


def statistics_geojson(stats: gpd.GeoDataFrame, attribution: list[str]) -> bytes:
    """The table as RFC 7946 GeoJSON polygons (WGS84), with an attribution member."""
    collection = json.loads(stats.to_crs("EPSG:4326").to_json(drop_id=True))
    collection["attribution"] = attribution
    return json.dumps(collection, ensure_ascii=False).encode("utf-8")
