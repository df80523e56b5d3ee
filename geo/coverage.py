"""Coverage statistics per commune: how many initiatives, and how many residents live near one.

Everything is computed in EPSG:31370 (metres). Inputs are the reference layers (any CRS) and
initiative records (core.record.RECORD_COLUMNS: lon/lat in WGS84, nis_code, category).

Method for "residents within R metres" (straight line): each statistical sector's population is
spread uniformly over the sector's area, and the residents within R of an initiative are the
population times the share of the sector's area lying within R of at least one initiative
(anywhere, including across a commune border). Why not sector centroids: with sectors from a
few hectares to several km², a centroid test counts a whole sector as served or unserved on one
point; the area share changes smoothly as initiatives are added or moved and never exceeds what
the geometry allows. Its bias (residents assumed evenly spread, including over parks) is the
same for every commune, so communes stay comparable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from core.taxonomy import CATEGORIES
from geo.crs import PROJECTED_CRS, to_projected

RADII_M: tuple[int, ...] = (500, 1000)
GAP_RADIUS_M = 500
BORDER_RADIUS_M = 500
CIRCLE_QUAD_SEGS = 16  # circle area error below 0.7 %
COMMUNE_NAME_COLUMNS = ["nis_code", "name_fr", "name_nl", "name_en"]


def share_column(radius_m: int) -> str:
    return f"share_within_{radius_m}m"


def residents_column(radius_m: int) -> str:
    return f"residents_within_{radius_m}m"


def category_column(key: str) -> str:
    return f"initiatives_{key}"


def projected(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame in EPSG:31370 (unchanged when it already is)."""
    return frame if frame.crs == PROJECTED_CRS else frame.to_crs(PROJECTED_CRS)


def initiative_points(records: pd.DataFrame) -> np.ndarray:
    """Shapely points (EPSG:31370) of the records with coordinates, in record order (None elsewhere)."""
    x, y = to_projected(records["lon"].to_numpy(dtype=float), records["lat"].to_numpy(dtype=float))
    points = shapely.points(x, y)
    points[~(np.isfinite(x) & np.isfinite(y))] = None
    return points


def covered_population(sectors: gpd.GeoDataFrame, points: np.ndarray, radius_m: float) -> np.ndarray:
    """Residents of each sector within `radius_m` of at least one point (population spread over area).

    `sectors` in EPSG:31370 with a `population` column; `points` shapely points in EPSG:31370.
    """
    points = points[~shapely.is_missing(points)]
    geoms = sectors.geometry.to_numpy()
    if len(points) == 0:
        return np.zeros(len(geoms))
    reach = shapely.union_all(shapely.buffer(points, radius_m, quad_segs=CIRCLE_QUAD_SEGS))
    shapely.prepare(reach)
    covered_area = shapely.area(shapely.intersection(geoms, reach))
    share = np.divide(covered_area, shapely.area(geoms), out=np.zeros(len(geoms)), where=shapely.area(geoms) > 0)
    return sectors["population"].to_numpy(dtype=float) * np.clip(share, 0.0, 1.0)


def nearest_initiative_m(sectors: gpd.GeoDataFrame, points: np.ndarray) -> np.ndarray:
    """Distance in metres from each sector to its nearest point (0 inside; inf with no point)."""
    points = points[~shapely.is_missing(points)]
    geoms = sectors.geometry.to_numpy()
    distance = np.full(len(geoms), np.inf)
    if len(points):
        (sector_idx, _), found = shapely.STRtree(points).query_nearest(geoms, return_distance=True)
        distance[sector_idx] = found
    return distance


def commune_statistics(
    communes: gpd.GeoDataFrame, sectors: gpd.GeoDataFrame, records: pd.DataFrame, radii_m: tuple[int, ...] = RADII_M
) -> gpd.GeoDataFrame:
    """One row per commune (EPSG:31370 polygons), sorted by NIS code.

    Columns: names, population (latest commune year) and its year, area_km2, initiatives (all and
    `initiatives_<category>`), per_10k_residents, per_km2, sector_population (the sector file's
    year, the base of the shares), and per radius `residents_within_<R>m` and `share_within_<R>m`
    (0..1). Initiatives are counted by their record's nis_code.
    """
    communes = projected(communes).sort_values("nis_code").reset_index(drop=True)
    sectors = projected(sectors).assign(nis_code=lambda s: s["nis_code"].astype(str))
    nis = records["nis_code"].astype("string")
    table = communes[[*COMMUNE_NAME_COLUMNS, "population", "population_year", "area_km2", "geometry"]].copy()
    table["initiatives"] = table["nis_code"].map(nis.value_counts()).fillna(0).astype(int)
    per_category = pd.crosstab(nis, records["category"]) if len(records) else pd.DataFrame()
    for key in CATEGORIES:
        counts = per_category[key] if key in per_category else pd.Series(dtype=int)
        table[category_column(key)] = table["nis_code"].map(counts).fillna(0).astype(int)
    table["per_10k_residents"] = table["initiatives"] / table["population"] * 10_000
    table["per_km2"] = table["initiatives"] / table["area_km2"]

    points = initiative_points(records)
    sector_population = sectors.groupby("nis_code")["population"].sum()
    table["sector_population"] = table["nis_code"].map(sector_population).fillna(0).astype(int)
    for radius in radii_m:
        covered = pd.Series(covered_population(sectors, points, radius)).groupby(sectors["nis_code"].values).sum()
        table[residents_column(radius)] = table["nis_code"].map(covered).fillna(0.0)
        table[share_column(radius)] = table[residents_column(radius)] / table["sector_population"]
    return gpd.GeoDataFrame(table, geometry="geometry", crs=PROJECTED_CRS)


def metric_columns(radii_m: tuple[int, ...] = RADII_M) -> list[str]:
    """The comparable per-commune metrics, in display order."""
    return ["initiatives", "per_10k_residents", "per_km2", *(share_column(r) for r in radii_m)]


def regional_summary(stats: pd.DataFrame, radii_m: tuple[int, ...] = RADII_M) -> pd.DataFrame:
    """Per metric (index): the whole region's value and the median of the 19 communes."""
    region = {
        "initiatives": stats["initiatives"].sum(),
        "per_10k_residents": stats["initiatives"].sum() / stats["population"].sum() * 10_000,
        "per_km2": stats["initiatives"].sum() / stats["area_km2"].sum(),
    }
    for radius in radii_m:
        region[share_column(radius)] = stats[residents_column(radius)].sum() / stats["sector_population"].sum()
    metrics = metric_columns(radii_m)
    return pd.DataFrame(
        {"region": [float(region[m]) for m in metrics], "median": [float(stats[m].median()) for m in metrics]},
        index=pd.Index(metrics, name="metric"),
    )


@dataclass(frozen=True)
class CommuneReport:
    """What a town hall wants to know about one commune."""

    nis_code: str
    figures: pd.DataFrame  # index metric; columns commune, median, region, vs_median (commune - median)
    categories: pd.DataFrame  # category, initiatives, share (0..1), regional_share (0..1)
    gaps: gpd.GeoDataFrame  # populated sectors with no initiative within GAP_RADIUS_M (EPSG:31370)
    across_border: pd.DataFrame  # records outside the commune within BORDER_RADIUS_M of it, with distance_m


def commune_report(
    nis_code: str, stats: gpd.GeoDataFrame, sectors: gpd.GeoDataFrame, records: pd.DataFrame
) -> CommuneReport:
    """The report card of one commune, from `commune_statistics` output and the same inputs."""
    row = stats.set_index("nis_code").loc[nis_code]
    summary = regional_summary(stats)
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

    sectors = projected(sectors)
    sectors = sectors[sectors["nis_code"].astype(str) == nis_code]
    points = initiative_points(records)
    distance = nearest_initiative_m(sectors, points)
    gaps = sectors.assign(nearest_initiative_m=distance)
    gaps = gaps[(gaps["population"] > 0) & (distance > GAP_RADIUS_M)].sort_values("population", ascending=False)

    border = stats.loc[stats["nis_code"] == nis_code, "geometry"].iloc[0]
    outside = records["nis_code"].astype("string").fillna("") != nis_code
    placed = ~shapely.is_missing(points)
    near = placed & outside.to_numpy()
    near[near] = shapely.dwithin(points[near], border, BORDER_RADIUS_M)
    across = records[near].assign(distance_m=shapely.distance(points[near], border)).sort_values("distance_m")
    return CommuneReport(nis_code, figures[["commune", "median", "region", "vs_median"]], categories, gaps, across)


# --- serialisation (downloads and `python -m ingest stats`) ---------------------------------------


def statistics_csv(stats: pd.DataFrame) -> bytes:
    """The per-commune table as UTF-8 CSV, without geometry."""
    return stats.drop(columns="geometry", errors="ignore").to_csv(index=False).encode("utf-8")


def statistics_geojson(stats: gpd.GeoDataFrame, attribution: list[str]) -> bytes:
    """The per-commune table as RFC 7946 GeoJSON polygons (WGS84), with an attribution member."""
    collection = json.loads(stats.to_crs("EPSG:4326").to_json(drop_id=True))
    collection["attribution"] = attribution
    return json.dumps(collection, ensure_ascii=False).encode("utf-8")
