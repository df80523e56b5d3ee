"""Coordinate reference systems: we compute in Belgian Lambert 72 and publish WGS84."""

from __future__ import annotations

import numpy as np
from pyproj import Transformer

WGS84 = "EPSG:4326"
PROJECTED_CRS = "EPSG:31370"  # Belgian Lambert 72, metres: every distance and area
LAMBERT_2008 = "EPSG:3812"  # Belgian Lambert 2008, metres: some files give x/y in it

_TO_PROJECTED = Transformer.from_crs(WGS84, PROJECTED_CRS, always_xy=True)
_TO_WGS84 = Transformer.from_crs(PROJECTED_CRS, WGS84, always_xy=True)
_LAMBERT_2008_TO_WGS84 = Transformer.from_crs(LAMBERT_2008, WGS84, always_xy=True)


def to_projected(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 degrees to EPSG:31370 metres (NaN stays NaN)."""
    return _TO_PROJECTED.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))


def to_wgs84(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """EPSG:31370 metres to WGS84 degrees."""
    return _TO_WGS84.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))


def lambert2008_to_wgs84(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """EPSG:3812 metres to WGS84 degrees."""
    return _LAMBERT_2008_TO_WGS84.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
