"""Likely duplicates for moderators: a similar name within 200 m, or the same address.

Vectorised: candidate pairs come from a spatial index (EPSG:31370, metres) and names are
compared pairwise with rapidfuzz, so checking a whole import against the store is cheap.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from rapidfuzz import fuzz, process

from core.text import fold_series
from geo.crs import to_projected

RADIUS_M = 200.0
MIN_NAME_SCORE = 85.0
PAIR_COLUMNS = ["candidate_id", "existing_id", "reason", "distance_m", "name_score"]


def likely_duplicates(
    candidates: pd.DataFrame,
    existing: pd.DataFrame,
    radius_m: float = RADIUS_M,
    min_name_score: float = MIN_NAME_SCORE,
) -> pd.DataFrame:
    """Pairs (candidate, existing record) that are probably the same initiative.

    Both frames carry `id`, `name`, `lon`, `lat`, `street`, `housenumber`, `postcode`. A pair is
    returned when the names score at least `min_name_score` (rapidfuzz token-set ratio) and the
    points are within `radius_m`, or when street, number and postcode are the same. A record is
    never paired with itself.
    """
    found = pd.concat(
        [_near_and_similar(candidates, existing, radius_m, min_name_score), _same_address(candidates, existing)],
        ignore_index=True,
    )
    found = found[found["candidate_id"] != found["existing_id"]]
    return found.drop_duplicates(["candidate_id", "existing_id"]).reset_index(drop=True)[PAIR_COLUMNS]


def _near_and_similar(
    candidates: pd.DataFrame, existing: pd.DataFrame, radius_m: float, min_name_score: float
) -> pd.DataFrame:
    cand = candidates.dropna(subset=["lon", "lat"])
    known = existing.dropna(subset=["lon", "lat"])
    if cand.empty or known.empty:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    cand_points = shapely.points(*to_projected(cand["lon"], cand["lat"]))
    known_points = shapely.points(*to_projected(known["lon"], known["lat"]))
    ci, ki = shapely.STRtree(known_points).query(cand_points, predicate="dwithin", distance=radius_m)
    scores = process.cpdist(
        fold_series(cand["name"]).to_numpy()[ci], fold_series(known["name"]).to_numpy()[ki], scorer=fuzz.token_set_ratio
    )
    keep = np.asarray(scores) >= min_name_score
    return pd.DataFrame(
        {
            "candidate_id": cand["id"].to_numpy()[ci[keep]],
            "existing_id": known["id"].to_numpy()[ki[keep]],
            "reason": "similar name nearby",
            "distance_m": shapely.distance(cand_points[ci[keep]], known_points[ki[keep]]).round(1),
            "name_score": np.asarray(scores)[keep].round(1),
        }
    )


def _same_address(candidates: pd.DataFrame, existing: pd.DataFrame) -> pd.DataFrame:
    def keyed(frame: pd.DataFrame) -> pd.DataFrame:
        key = (
            fold_series(frame["street"])
            + "|"
            + fold_series(frame["housenumber"])
            + "|"
            + fold_series(frame["postcode"])
        )
        complete = frame["street"].notna() & frame["housenumber"].notna() & frame["postcode"].notna()
        return pd.DataFrame({"id": frame["id"].to_numpy(), "key": key.to_numpy()})[complete.to_numpy()]

    merged = keyed(candidates).merge(keyed(existing), on="key", suffixes=("_c", "_e"))
    return pd.DataFrame(
        {
            "candidate_id": merged["id_c"],
            "existing_id": merged["id_e"],
            "reason": "same address",
            "distance_m": np.nan,
            "name_score": np.nan,
        }
    )
