"""Boundaries made light enough for a web map: simplified in metres, coordinates rounded.

Full boundaries weigh about a megabyte of GeoJSON for the 19 communes; a 5 m tolerance is
invisible at city zoom levels and keeps the page payload small.
"""

from __future__ import annotations

import geopandas as gpd
import shapely

from geo.crs import PROJECTED_CRS, WGS84

DISPLAY_TOLERANCE_M = 5.0
DISPLAY_GRID_DEG = 1e-5  # about 1 m


def for_web_map(frame: gpd.GeoDataFrame, tolerance_m: float = DISPLAY_TOLERANCE_M) -> gpd.GeoDataFrame:
    """A copy in WGS84 with each geometry simplified by `tolerance_m` and rounded to about 1 m."""
    simplified = frame.to_crs(PROJECTED_CRS).simplify(tolerance_m, preserve_topology=True).to_crs(WGS84)
    return frame.set_geometry(shapely.set_precision(simplified.values, DISPLAY_GRID_DEG), crs=WGS84)
