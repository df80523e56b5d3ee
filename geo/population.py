"""Residents where they live: each sector's population spread over its house-number points.

Dasymetric mapping: a statistical sector's residents are shared equally among the address points
inside it, so a park, a rail yard or an office block without addresses holds nobody (address
points place census population with about 5 % error, against 21 % for spreading it over the area:
Zandbergen 2011, Transactions in GIS). A populated sector without any address point falls back
to its area: its residents are shared among the points of a regular grid inside it (or its
representative point when it is smaller than one grid cell). Every address counts once, whatever
its number of dwellings (the data has none); addresses of sectors without residents carry none.

The same regular grid, over the whole region, draws the walking service area on the maps.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from core.errors import ReferenceDataError
from geo.crs import PROJECTED_CRS, to_projected

GRID_M = 100.0  # spacing of the area fallback's points and of the service-area map's cells
ADDRESS_COLUMNS = ["lon", "lat", "street_fr", "street_nl"]
POINT_COLUMNS = ["x", "y", "residents", "sector_code", "nis_code", "quartier_code", "street_fr", "street_nl", "method"]


def read_addresses(path: Path) -> pd.DataFrame:
    """House-number points (the source folder's OSM CSV): x, y in EPSG:31370, street_fr, street_nl.

    Raises
    ------
    ReferenceDataError naming the file, and the first row without valid coordinates
    """
    try:
        table = pd.read_csv(path, dtype=str, usecols=lambda c: c in ADDRESS_COLUMNS, keep_default_na=False)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise ReferenceDataError(f"{path}: not a readable table ({exc}). Replace it with a good copy.") from exc
    missing = [c for c in ADDRESS_COLUMNS if c not in table]
    if missing:
        raise ReferenceDataError(f"{path}: missing column(s) {missing}.")
    lon = pd.to_numeric(table["lon"], errors="coerce").to_numpy()
    lat = pd.to_numeric(table["lat"], errors="coerce").to_numpy()
    bad = ~(np.isfinite(lon) & np.isfinite(lat))
    if bad.any():
        row = int(np.flatnonzero(bad)[0]) + 2  # header + 1-based
        raise ReferenceDataError(f"{path}: row {row}: lon/lat {table['lon'].iloc[row - 2]!r}, not a coordinate.")
    x, y = to_projected(lon, lat)
    return pd.DataFrame({"x": x, "y": y, "street_fr": table["street_fr"], "street_nl": table["street_nl"]})


def region_grid(region: shapely.Geometry, spacing_m: float = GRID_M) -> np.ndarray:
    """Centres (n x 2, EPSG:31370) of the square cells of a regular grid whose centre is in `region`."""
    minx, miny, maxx, maxy = region.bounds
    xs = np.arange(np.floor(minx / spacing_m), np.ceil(maxx / spacing_m)) * spacing_m + spacing_m / 2
    ys = np.arange(np.floor(miny / spacing_m), np.ceil(maxy / spacing_m)) * spacing_m + spacing_m / 2
    gx, gy = (a.ravel() for a in np.meshgrid(xs, ys))
    shapely.prepare(region)
    inside = shapely.contains_xy(region, gx, gy)
    return np.column_stack([gx[inside], gy[inside]])


def _codes_at(x: np.ndarray, y: np.ndarray, polygons: gpd.GeoDataFrame, key: str) -> pd.Series:
    """The `key` of the polygon holding each point (the smallest code on a shared border; NA outside)."""
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=PROJECTED_CRS)
    joined = points.sjoin(polygons[[key, "geometry"]], predicate="within", how="inner")
    first = joined[key].groupby(level=0).min()
    return first.reindex(range(len(x)))


def population_points(
    addresses: pd.DataFrame, sectors: gpd.GeoDataFrame, quartiers: gpd.GeoDataFrame, grid: np.ndarray
) -> tuple[pd.DataFrame, int]:
    """The residents as weighted points (columns POINT_COLUMNS, EPSG:31370).

    Parameters
    ----------
    addresses : `read_addresses` output
    sectors : EPSG:31370, with sector_code, nis_code, population
    quartiers : EPSG:31370, with quartier_code
    grid : `region_grid` centres, used for the sectors without any address point

    Returns
    -------
    The points (only those carrying residents), and how many addresses lie in no sector.
    """
    sector = _codes_at(addresses["x"].to_numpy(), addresses["y"].to_numpy(), sectors, "sector_code")
    outside = int(sector.isna().sum())
    placed = addresses[sector.notna().to_numpy()].assign(sector_code=sector.dropna().to_numpy(), method="address")

    fallback = sectors[(sectors["population"] > 0) & ~sectors["sector_code"].isin(placed["sector_code"])]
    grid_sector = _codes_at(grid[:, 0], grid[:, 1], fallback, "sector_code")
    area = pd.DataFrame({"x": grid[:, 0], "y": grid[:, 1], "sector_code": grid_sector}).dropna()
    lone = fallback[~fallback["sector_code"].isin(area["sector_code"])]
    inner = shapely.point_on_surface(lone.geometry.to_numpy())
    lone_points = pd.DataFrame(
        {"x": shapely.get_x(inner), "y": shapely.get_y(inner), "sector_code": lone["sector_code"].to_numpy()}
    )
    area = pd.concat([area, lone_points], ignore_index=True).assign(street_fr="", street_nl="", method="area")

    points = pd.concat([placed, area], ignore_index=True)
    by_sector = sectors.set_index("sector_code")
    share = points.groupby("sector_code")["x"].transform("size")
    points["residents"] = points["sector_code"].map(by_sector["population"]).astype(float) / share
    points["nis_code"] = points["sector_code"].map(by_sector["nis_code"]).astype(str)
    points["quartier_code"] = _codes_at(points["x"].to_numpy(), points["y"].to_numpy(), quartiers, "quartier_code")
    points = points[points["residents"] > 0].reset_index(drop=True)
    points["quartier_code"] = points["quartier_code"].astype("Int64")
    return points[POINT_COLUMNS], outside
