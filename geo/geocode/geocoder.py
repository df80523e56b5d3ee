"""The geocoder every caller uses: offline on whole columns, then the online service if enabled."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.settings import Settings
from core.text import is_missing, split_addresses
from geo.crs import to_wgs84
from geo.geocode import index, offline
from geo.geocode import online as online_geocoder

OUTPUT_COLUMNS = (
    "lon",
    "lat",
    "geocode_precision",
    "geocode_score",
    "geocode_source",
    "street_fr",
    "street_nl",
    "nis_code",
    "geocode_note",
)
INPUT_COLUMNS = ("street", "housenumber", "postcode", "locality")


def geocode(addresses: pd.DataFrame, settings: Settings, *, online: bool = False) -> pd.DataFrame:
    """Place each row of `addresses`: one result row per input row, same index.

    Input columns (any of): `address` (one field, "Rue X 12, 1000 Bruxelles"), `street`,
    `housenumber`, `postcode`, `locality`; a split field wins over the same part parsed from
    `address`. Output: `OUTPUT_COLUMNS` (lon/lat WGS84, NaN when not placed; precision
    address|street|postcode|none; score 0..100; the note says why or what contradicts).
    With `online`, rows the offline geocoder could not place at address or street precision
    go to the online service of the settings (see `geo.geocode.online`).
    Raises GazetteerNotBuiltError when the index is not built.
    """
    gazetteer = index.load(settings.gazetteer_dir)
    parts = _parts(addresses)
    placed = offline.match(gazetteer, parts)
    result = _to_output(placed)
    if not online:
        return result
    # Not for addresses known to lie outside the region: a bounded search would find a namesake.
    weak = np.flatnonzero(result["geocode_precision"].isin(["postcode", "none"]) & ~placed["outside"])
    if len(weak):
        found = online_geocoder.geocode(_query_text(parts.iloc[weak]), settings)
        better = found["geocode_precision"].isin(["address", "street"]).to_numpy()
        columns = [result.columns.get_loc(c) for c in OUTPUT_COLUMNS]
        result.iloc[weak[better], columns] = found.iloc[better][list(OUTPUT_COLUMNS)].to_numpy()
        note = result.columns.get_loc("geocode_note")
        rest = weak[~better]
        result.iloc[rest, note] = (
            result["geocode_note"].iloc[rest] + "; " + found["geocode_note"].iloc[~better].to_numpy()
        )
    return result


def geocode_offline(addresses: pd.DataFrame, gazetteer: index.Gazetteer) -> pd.DataFrame:
    """`geocode` without the online fallback, on a given index (the accuracy benchmark builds its own)."""
    return _to_output(offline.match(gazetteer, _parts(addresses)))


def _to_output(placed: pd.DataFrame) -> pd.DataFrame:
    """The matcher's result in WGS84 with the output columns."""
    lon, lat = to_wgs84(placed["x"].to_numpy(), placed["y"].to_numpy())
    return placed.assign(lon=lon, lat=lat, geocode_source="offline")[list(OUTPUT_COLUMNS)]


def geocode_one(text: str, settings: Settings, *, online: bool = False) -> dict:
    """Place one free-text address; the result as a dict of `OUTPUT_COLUMNS` (NaN as None)."""
    row = geocode(pd.DataFrame({"address": [text]}), settings, online=online).iloc[0]
    plain = {key: value.item() if isinstance(value, np.generic) else value for key, value in row.items()}
    return {key: None if is_missing(value) and not isinstance(value, str) else value for key, value in plain.items()}


def _parts(addresses: pd.DataFrame) -> pd.DataFrame:
    """Street, house number, postcode and locality per row, from split fields or the one field."""
    if "address" in addresses:
        parsed = split_addresses(addresses["address"])
    else:
        parsed = pd.DataFrame("", index=addresses.index, columns=list(INPUT_COLUMNS))
    for column in INPUT_COLUMNS:
        if column in addresses:
            given = addresses[column]
            if pd.api.types.is_float_dtype(given):  # 1000.0 read from a spreadsheet is postcode 1000
                given = given.round().astype("Int64")
            given = given.astype("string").str.strip().fillna("")
            parsed[column] = given.where(given != "", parsed[column])
    # A locality field holding "1030 Schaerbeek" (or "B-1030"), with no postcode of its own.
    joined = (parsed["postcode"] == "") & parsed["locality"].str.contains(r"\d", regex=True)
    if joined.any():
        again = split_addresses(parsed.loc[joined, "locality"])
        use = again["postcode"] != ""
        parsed.loc[use[use].index, "postcode"] = again.loc[use, "postcode"]
        parsed.loc[use[use].index, "locality"] = again.loc[use, "locality"]
    # A street field holding "Rue X 12" or a whole address, with no house number of its own.
    whole = (parsed["housenumber"] == "") & parsed["street"].str.contains(r"\d", regex=True)
    if whole.any():
        again = split_addresses(parsed.loc[whole, "street"])
        for column in INPUT_COLUMNS:
            kept = parsed.loc[whole, column]
            parsed.loc[whole, column] = kept.where(kept != "", again[column]) if column != "street" else again[column]
    return parsed


def _query_text(parts: pd.DataFrame) -> pd.Series:
    """One-line query for an online service: "Rue X 12, 1000 Bruxelles"."""
    street = (parts["street"] + " " + parts["housenumber"]).str.strip()
    place = (parts["postcode"] + " " + parts["locality"]).str.strip()
    return (street + ", " + place).str.strip(", ")
