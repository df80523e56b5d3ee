"""Cached data for the pages: reference layers, published initiatives, statistics, downloads.

Data is cached, never folium maps. Reference layers are read-only resources (one copy per
process); records and statistics are cached by the store's published count, so an approval
shows at once, with a short time-to-live for edits that keep the count.
"""

from __future__ import annotations

import dataclasses
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

import settings
from geo import coverage, display, reference
from i18n import commune_names, t
from ingest import export
from ingest.schema import CATEGORIES
from ingest.store import Store, open_store
from ui import maps

RECORDS_TTL_S = 60
SEARCH_COLUMNS = ("name", "name_fr", "name_nl", "name_en", "description", "street", "locality", "postcode")
MIME_TYPES = {"geojson": "application/geo+json", "csv": "text/csv", "gpkg": "application/geopackage+sqlite3"}


@dataclass(frozen=True)
class Layers:
    """The reference layers as the pages use them (shared, read-only)."""

    reference: reference.Reference
    communes_web: gpd.GeoDataFrame  # simplified, WGS84: for maps
    sectors_web: gpd.GeoDataFrame
    sectors_projected: gpd.GeoDataFrame  # EPSG:31370: for statistics


@st.cache_resource(show_spinner=False)
def layers(data_dir: Path) -> Layers:
    built = reference.load(data_dir)
    return Layers(
        reference=built,
        communes_web=display.for_web_map(built.communes),
        sectors_web=display.for_web_map(built.sectors),
        sectors_projected=coverage.projected(built.sectors),
    )


@st.cache_resource(show_spinner=False)
def store(database_url: str) -> Store:
    return open_store(dataclasses.replace(settings.load(), database_url=database_url))


def published_count(config: settings.Settings) -> int:
    """How many initiatives are published now (the cache key of everything derived from them)."""
    return store(config.database_url).count("published")


@st.cache_data(show_spinner=False, ttl=RECORDS_TTL_S, max_entries=4)
def _published(database_url: str, count: int) -> pd.DataFrame:
    return store(database_url).read(status="published")


def published(config: settings.Settings) -> pd.DataFrame:
    """Every published initiative (public columns, schema.PUBLIC_COLUMNS)."""
    return _published(config.database_url, published_count(config))


def _folded(text: pd.Series) -> pd.Series:
    """Lower case without accents, so "ecole" finds "École"."""
    return (
        text.fillna("")
        .astype(str)
        .map(lambda s: unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower())
    )


@st.cache_data(show_spinner=False, ttl=RECORDS_TTL_S, max_entries=4)
def _search_text(database_url: str, count: int) -> pd.Series:
    """Per record, the folded text a search looks in: names, description, address, category labels."""
    records = _published(database_url, count)
    labels = {key: " ".join((c.fr, c.nl, c.en)) for key, c in CATEGORIES.items()}
    text = records.reindex(columns=list(SEARCH_COLUMNS)).astype("string").fillna("").agg(" ".join, axis=1)
    return _folded(text + " " + records["category"].map(labels).fillna(""))


def filtered(
    config: settings.Settings, categories: list[str], nis_codes: list[str], text: str
) -> tuple[pd.DataFrame, int]:
    """The published initiatives matching every filter (an empty filter keeps all), and the total."""
    count = published_count(config)
    records = _published(config.database_url, count)
    keep = pd.Series(True, index=records.index)
    if categories:
        keep &= records["category"].isin(categories)
    if nis_codes:
        keep &= records["nis_code"].isin(nis_codes)
    words = _folded(pd.Series([text])).iloc[0].split()
    if words:
        haystack = _search_text(config.database_url, count)
        for word in words:
            keep &= haystack.str.contains(word, regex=False)
    return records[keep], len(records)


@st.cache_data(show_spinner=False, ttl=RECORDS_TTL_S, max_entries=16)
def statistics(data_dir: Path, database_url: str, count: int, categories: tuple[str, ...]) -> gpd.GeoDataFrame:
    """Per-commune coverage statistics of the published initiatives (of `categories`, if any)."""
    built = layers(data_dir)
    records = _published(database_url, count)
    if categories:
        records = records[records["category"].isin(categories)]
    return coverage.commune_statistics(built.reference.communes, built.sectors_projected, records)


@st.cache_resource(show_spinner=False, ttl=RECORDS_TTL_S, max_entries=6)  # read-only: no copy per run
def _marker_table(database_url: str, count: int, lang: str) -> dict[str, list]:
    return maps.marker_rows(_published(database_url, count), commune_names(lang))


def markers(config: settings.Settings, records: pd.DataFrame, lang: str) -> list[list]:
    """The map rows of `records` (published ones with coordinates), escaped once per language and cached."""
    table = _marker_table(config.database_url, published_count(config), lang)
    return [table[record_id] for record_id in records["id"] if record_id in table]


def export_bytes(records: pd.DataFrame, fmt: export.Format) -> bytes:
    """`records` exported by the same code as `python -m ingest export` (public fields only)."""
    with tempfile.TemporaryDirectory(prefix="bim-export-") as folder:
        path = Path(folder) / f"initiatives.{fmt}"
        export.export(records, fmt, path)
        return path.read_bytes()


def statistics_download_buttons(stats: gpd.GeoDataFrame, attribution: list[str], lang: str) -> None:
    """The per-commune statistics as CSV and GeoJSON polygons, side by side (built only when clicked)."""
    left, right = st.columns(2)
    left.download_button(
        t("download.stats_csv", lang),
        data=lambda: coverage.statistics_csv(stats),
        file_name="commune-statistics.csv",
        mime=MIME_TYPES["csv"],
        on_click="ignore",
    )
    right.download_button(
        t("download.stats_geojson", lang),
        data=lambda: coverage.statistics_geojson(stats, attribution),
        file_name="commune-statistics.geojson",
        mime=MIME_TYPES["geojson"],
        on_click="ignore",
    )
