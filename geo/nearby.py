"""The initiatives nearest to one place, by straight-line distance in EPSG:31370 metres.

For the initiative page's "nearest initiatives": a vectorised distance to every placed record,
then the `count` smallest (ties broken by input order, so the list is stable).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.crs import to_projected


def nearest(records: pd.DataFrame, lon: float, lat: float, count: int, exclude_id: str | None = None) -> pd.DataFrame:
    """The `count` placed records nearest to (lon, lat), nearest first, with a `distance_m` column.

    Parameters
    ----------
    records : DataFrame with `id`, `lon`, `lat` (WGS84 degrees; NaN: not placed, left out).
    lon, lat : the place, WGS84 degrees.
    count : how many to return at most.
    exclude_id : a record id to leave out (the initiative itself).

    Returns
    -------
    DataFrame
        Those rows of `records`, nearest first, plus `distance_m` (metres, EPSG:31370).
    """
    placed = records[records["lon"].notna() & records["lat"].notna()]
    if exclude_id is not None:
        placed = placed[placed["id"] != exclude_id]
    x, y = to_projected(placed["lon"].to_numpy(float), placed["lat"].to_numpy(float))
    x0, y0 = to_projected(np.array([lon]), np.array([lat]))
    distance = np.hypot(x - x0[0], y - y0[0])
    order = np.argsort(distance, kind="stable")[:count]
    return placed.iloc[order].assign(distance_m=distance[order])
