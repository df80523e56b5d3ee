"""Likely duplicates: similar names close together, or the same address; never a record itself."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.duplicates import likely_duplicates

# Grand-Place; 0.0009° of latitude is about 100 m, 0.0036° about 400 m.
LON, LAT = 4.35193, 50.84653


def _records(*rows: tuple) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["id", "name", "lon", "lat", "street", "housenumber", "postcode"])
    return frame.astype({"lon": float, "lat": float})


def test_a_similar_name_100_m_away_is_a_likely_duplicate() -> None:
    new = _records(("n1", "Repair Café Marolles", LON, LAT, None, None, None))
    old = _records(("o1", "repair cafe  marolles", LON, LAT + 0.0009, None, None, None))
    pairs = likely_duplicates(new, old)
    assert pairs[["candidate_id", "existing_id", "reason"]].values.tolist() == [["n1", "o1", "similar name nearby"]]
    assert 90 < pairs["distance_m"].iloc[0] < 110


def test_the_same_name_400_m_away_is_not() -> None:
    new = _records(("n1", "Repair Café", LON, LAT, None, None, None))
    old = _records(("o1", "Repair Café", LON, LAT + 0.0036, None, None, None))
    assert likely_duplicates(new, old).empty


def test_a_different_name_next_door_is_not() -> None:
    new = _records(("n1", "Bibliothèque des Riches Claires", LON, LAT, None, None, None))
    old = _records(("o1", "Potager collectif", LON, LAT + 0.0001, None, None, None))
    assert likely_duplicates(new, old).empty


def test_the_same_address_is_a_likely_duplicate_even_without_coordinates() -> None:
    new = _records(("n1", "Maison de quartier", np.nan, np.nan, "Rue Haute", "12", "1000"))
    old = _records(("o1", "Buurthuis", 4.3, 50.8, "rue haute", "12", "1000"))
    pairs = likely_duplicates(new, old)
    assert pairs[["candidate_id", "existing_id", "reason"]].values.tolist() == [["n1", "o1", "same address"]]


def test_a_record_is_never_its_own_duplicate() -> None:
    same = _records(("a", "Jardin partagé", LON, LAT, "Rue Haute", "1", "1000"))
    assert likely_duplicates(same, same).empty
