"""geo.nearby: the nearest initiatives, measured in EPSG:31370 metres."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.crs import to_projected, to_wgs84
from geo.nearby import nearest


def test_the_nearest_come_first_with_their_distance_in_metres_and_unplaced_ones_are_left_out() -> None:
    x0, y0 = to_projected(np.array([4.3525]), np.array([50.8467]))  # Grand-Place
    offsets_m = [(0, 0), (300, 0), (0, -100), (1000, 1000), (50, 0)]
    lon, lat = to_wgs84(x0[0] + np.array([dx for dx, _ in offsets_m]), y0[0] + np.array([dy for _, dy in offsets_m]))
    records = pd.DataFrame({"id": ["self", "east", "south", "far", "close"], "lon": lon, "lat": lat})
    records = pd.concat([records, pd.DataFrame({"id": ["unplaced"], "lon": [np.nan], "lat": [np.nan]})])
    found = nearest(records, float(lon[0]), float(lat[0]), 3, exclude_id="self")
    assert found["id"].tolist() == ["close", "south", "east"]
    assert np.allclose(found["distance_m"], [50, 100, 300], atol=0.01)
    assert nearest(records, float(lon[0]), float(lat[0]), 10)["id"].tolist() == [
        "self", "close", "south", "east", "far"
    ]  # fmt: skip
