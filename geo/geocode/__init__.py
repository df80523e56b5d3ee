"""Geocoding: addresses in FR or NL to points in the right commune, offline first.

`geocode` places a DataFrame of addresses, `geocode_one` one text (UI, CLI), `build_index`
builds the offline index from the source folder. See `offline` (the matcher), `index` (the
data), `normalise` (parsing and spelling), `online` (the optional geopy fallback).
"""

from geo.geocode.geocoder import OUTPUT_COLUMNS, geocode, geocode_one
from geo.geocode.index import build_index

__all__ = ["OUTPUT_COLUMNS", "build_index", "geocode", "geocode_one"]
