"""Coordinates of a file's rows to WGS84: the system told by the header's annotation, else by the range.

A header or a CRS column that names a system ("X (Lambert 72)", see `ingest.columns`) sets it, and
the values are checked against its range over Belgium: values that do not fit the named system
are reported and not used (the row then waits for a geocoder or a moderator), never guessed.
Without a named system the range decides: WGS84 degrees (swapped lat/lon put right and noted),
Lambert 72 or Lambert 2008 metres.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geo.crs import lambert2008_to_wgs84, to_wgs84
from ingest.columns import LAMBERT72, LAMBERT2008, WGS84

if TYPE_CHECKING:
    from ingest.validate import _Problems

# Plausible ranges over Belgium: (x or lon min, max, y or lat min, max).
WGS84_BELGIUM = (2.0, 7.0, 49.0, 52.0)
LAMBERT72_BELGIUM = (10_000.0, 320_000.0, 10_000.0, 320_000.0)
LAMBERT2008_BELGIUM = (500_000.0, 820_000.0, 500_000.0, 820_000.0)
# What each named system accepts of the ranges found ("Lambert" alone: either Lambert).
ACCEPTS = {WGS84: ("wgs84", "swapped"), LAMBERT72: ("lambert72",), LAMBERT2008: ("lambert2008",)}
ACCEPTS["Lambert"] = ("lambert72", "lambert2008")
LOOKS = {"wgs84": "WGS84 degrees", "swapped": "WGS84 degrees", "lambert72": "Lambert 72 metres"}
LOOKS["lambert2008"] = "Lambert 2008 metres"


def number(values: pd.Series, column: str, problems: _Problems) -> pd.Series:
    """Parse decimals, with commas ('4,3525') or spaces ('148 855'); a non-number is reported, then missing."""
    numbers = pd.to_numeric(values.str.replace(",", ".", regex=False), errors="coerce").astype(float)
    retry = values.notna() & numbers.isna()
    if retry.any():
        cleaned = values[retry].str.replace(r"[\s\u00a0\u202f]", "", regex=True).str.replace(",", ".", regex=False)
        numbers[retry] = pd.to_numeric(cleaned, errors="coerce").astype(float)
    numbers = numbers.where(np.isfinite(numbers))
    problems.reject(values.notna() & numbers.isna(), column, "not a number", values)
    return numbers


def _inside(a: np.ndarray, b: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    return (a >= box[0]) & (a <= box[1]) & (b >= box[2]) & (b <= box[3])


def _systems(a: np.ndarray, b: np.ndarray) -> dict[str, np.ndarray]:
    """Which range each (a, b) falls in: wgs84, swapped, lambert72, lambert2008 or elsewhere (other degrees)."""
    wgs84 = _inside(a, b, WGS84_BELGIUM)
    swapped = ~wgs84 & _inside(b, a, WGS84_BELGIUM)
    lambert72 = ~wgs84 & ~swapped & _inside(a, b, LAMBERT72_BELGIUM)
    lambert2008 = ~wgs84 & ~swapped & _inside(a, b, LAMBERT2008_BELGIUM)
    known = wgs84 | swapped | lambert72 | lambert2008
    elsewhere = ~known & (np.abs(a) <= 180) & (np.abs(b) <= 90) & ((a != 0) | (b != 0))
    systems = {"wgs84": wgs84, "swapped": swapped, "lambert72": lambert72, "lambert2008": lambert2008}
    return {**systems, "elsewhere": elsewhere}


def coordinates(table: pd.DataFrame, problems: _Problems, crs: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """WGS84 lon/lat from lon/lat or x/y columns, whichever pair is complete (lon/lat first).

    `crs` is the system named per coordinate field ({"x": "Lambert 72"}). Other degrees anywhere
    on Earth are kept as lon/lat (the commune join flags them as outside); anything else is reported.
    """
    lon, lat = number(table["lon"], "lon", problems), number(table["lat"], "lat", problems)
    x, y = number(table["x"], "x", problems), number(table["y"], "y", problems)
    lon_lat = lon.notna() & lat.notna()
    x_y = x.notna() & y.notna()
    for one, other, name in ((lon, "lat", "lon"), (lat, "lon", "lat"), (x, "y", "x"), (y, "x", "y")):
        alone = one.notna() & table[other].isna() & ~(lon_lat | x_y)
        problems.reject(alone, name, "coordinate without its pair", table[name])
    a = np.where(lon_lat, lon, x).astype(float)
    b = np.where(lon_lat, lat, y).astype(float)
    found = _systems(a, b)
    index = table.index

    def shown(mask: np.ndarray) -> pd.Series:
        rows = np.flatnonzero(mask)
        return pd.Series([f"{a[i]:g}, {b[i]:g}" for i in rows], index=index[rows], dtype=object)

    not_as_named = np.zeros(len(a), dtype=bool)
    pairs = lon_lat.to_numpy()
    for pair, named in ((pairs, crs.get("lon") or crs.get("lat")), (~pairs, crs.get("x") or crs.get("y"))):
        if not named:
            continue
        fits = np.logical_or.reduce([found[name] for name in ACCEPTS[named]])
        wrong = pair & (lon_lat | x_y).to_numpy() & ~fits
        looks = next((LOOKS[k] for k in LOOKS if (found[k] & wrong).any()), "outside Belgium")
        reason = f"coordinates not in {named} over Belgium as the header says (they look like {looks}): not used"
        problems.reject(pd.Series(wrong, index=index), "lon" if named == WGS84 else "x", reason, shown(wrong))
        for name in found:
            found[name] = found[name] & ~wrong
        not_as_named |= wrong

    out_lon = np.where(found["wgs84"] | found["elsewhere"], a, np.where(found["swapped"], b, np.nan))
    out_lat = np.where(found["wgs84"] | found["elsewhere"], b, np.where(found["swapped"], a, np.nan))
    for name, convert in (("lambert72", to_wgs84), ("lambert2008", lambert2008_to_wgs84)):
        if found[name].any():
            out_lon[found[name]], out_lat[found[name]] = convert(a[found[name]], b[found[name]])

    given = pd.Series((lon_lat | x_y).to_numpy(), index=index)
    unknown = given & pd.Series(np.isnan(out_lon), index=index) & ~pd.Series(not_as_named, index=index)
    reason = "coordinates neither WGS84 degrees nor Belgian Lambert 72/2008 metres"
    problems.reject(unknown & lon_lat, "lon", reason, shown(unknown.to_numpy()))
    problems.reject(unknown & ~lon_lat, "x", reason, shown(unknown.to_numpy()))
    problems.note(pd.Series(found["swapped"], index=index), "lat/lon swapped in the file")
    return pd.Series(out_lon, index=index), pd.Series(out_lat, index=index)
