"""Cached data for the pages: reference layers, published initiatives, statistics, export files.

Data is cached, never folium map objects (a cached folium.Map breaks the second session): the
map page caches its map as finished HTML instead. Reference layers are read-only resources (one
copy per process); everything derived from the initiatives is cached by the store's revision,
which every change moves, so an import, approval or edit shows on the next run.
"""

from __future__ import annotations

import dataclasses
import pickle
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from core import settings
from geo import coverage, display, network, reference, walking
from i18n import LANGUAGES, commune_codes, commune_names, t
from ingest import export, gallery, search
from ingest.store import Store, open_store
from ui import maps


@dataclass(frozen=True)
class Layers:
    """The reference layers as the pages use them (shared, read-only)."""

    reference: reference.Reference
    communes_web: gpd.GeoDataFrame  # simplified, WGS84: for maps
    sectors_web: gpd.GeoDataFrame
    sectors_projected: gpd.GeoDataFrame  # EPSG:31370: for statistics
    communes_projected: gpd.GeoDataFrame


@st.cache_resource(show_spinner=False)
def layers(data_dir: Path) -> Layers:
    built = reference.load(data_dir)
    return Layers(
        reference=built,
        communes_web=display.for_web_map(built.communes),
        sectors_web=display.for_web_map(built.sectors),
        sectors_projected=coverage.projected(built.sectors),
        communes_projected=coverage.projected(built.communes),
    )


@st.cache_resource(show_spinner=False)
def _quartier_names(data_dir: Path) -> dict[str, dict[str, str]]:
    quartiers = layers(data_dir).reference.quartiers
    codes = quartiers["quartier_code"].astype(str)
    return {lang: dict(zip(codes, quartiers[f"name_{lang}"].str.title(), strict=True)) for lang in ("fr", "nl")}


def quartier_name(data_dir: Path, code: object, lang: str) -> str:
    """A quartier's name in `lang` (FR for English: the quartiers are named in FR and NL), or ""."""
    return _quartier_names(data_dir)["nl" if lang == "nl" else "fr"].get(str(code), "")


@st.cache_resource(show_spinner=False)
def store(database_url: str) -> Store:
    return open_store(dataclasses.replace(settings.load(), database_url=database_url))


@dataclass(frozen=True)
class Snapshot:
    """The initiatives as of one store revision: the cache key of everything derived from them.

    A page run takes one snapshot and reads everything through it, so its count, map, list and
    downloads agree even if an import lands meanwhile; the next run sees the new revision.
    """

    config: settings.Settings
    revision: int


def _snapshot_key(snap: Snapshot) -> tuple[bytes, int]:
    """A snapshot as the caches key it: its settings' pickle and its revision. Streamlit would hash
    the dataclass field by field, on every cached call of every run."""
    return pickle.dumps(snap.config), snap.revision


BY_REVISION: dict[str | type[Any], Callable[[Any], Any]] = {Snapshot: _snapshot_key}


def snapshot(config: settings.Settings) -> Snapshot:
    """The store as it is now."""
    return Snapshot(config, store(config.database_url).revision())


@st.cache_resource(show_spinner=False, hash_funcs=BY_REVISION, max_entries=4)
def _published(snap: Snapshot) -> pd.DataFrame:
    return store(snap.config.database_url).read(status="published")


def published(snap: Snapshot) -> pd.DataFrame:
    """Every published initiative (public columns, core.record.PUBLIC_COLUMNS).

    One frame per snapshot, shared by every session; each caller gets a shallow copy, whose data
    pandas copies only on write, so no run can change another's and none pays to unpickle a copy.
    """
    return _published(snap).copy(deep=False)


@st.cache_data(show_spinner=False, hash_funcs=BY_REVISION, max_entries=4)
def published_pictures(snap: Snapshot) -> list[gallery.Picture]:
    """Every published picture of a published initiative (no bytes), newest first."""
    return gallery.published(store(snap.config.database_url))


def pictures_of(snap: Snapshot, record_id: str) -> list[gallery.Picture]:
    """The published pictures of one initiative, oldest first."""
    return [p for p in reversed(published_pictures(snap)) if p.initiative_id == record_id]


def first_pictures(snap: Snapshot) -> dict[str, gallery.Picture]:
    """Initiative id -> its first published picture (for the stories page and the popups)."""
    return {p.initiative_id: p for p in published_pictures(snap)}  # newest first: the oldest wins


@st.cache_data(show_spinner=False, hash_funcs=BY_REVISION, max_entries=4)
def picture_listing(snap: Snapshot) -> pd.DataFrame:
    """The published pictures per initiative, as the exports list them (ingest.gallery.listing)."""
    return gallery.listing(store(snap.config.database_url))


def initiative(snap: Snapshot, record_id: str) -> dict | None:
    """One published initiative's public fields, or None (unknown, pending, rejected: all alike)."""
    records = published(snap)
    found = records[records["id"] == record_id]
    return None if found.empty else found.iloc[0].to_dict()


@st.cache_data(show_spinner=False, hash_funcs=BY_REVISION, max_entries=4)
def stories(snap: Snapshot) -> pd.DataFrame:
    """The published initiatives that tell a story, the latest change first."""
    records = published(snap)
    told = records[records["story"].fillna("").str.strip() != ""]
    return told.sort_values(["updated_at", "id"], ascending=[False, True], kind="stable").reset_index(drop=True)


@st.cache_data(show_spinner=False, hash_funcs=BY_REVISION, max_entries=4)
def _search_text(snap: Snapshot) -> pd.Series:
    """Per record, the folded text a search looks in (ingest.search)."""
    return search.search_text(published(snap))


def filtered(snap: Snapshot, categories: list[str], nis_codes: list[str], text: str) -> tuple[pd.DataFrame, int]:
    """The published initiatives matching every filter (an empty filter keeps all), and the total.

    Shared per snapshot and filters, as `published` is (a shallow copy each call)."""
    chosen = _filtered(snap, tuple(sorted(categories)), tuple(sorted(nis_codes)), text.strip())
    return chosen.copy(deep=False), len(_published(snap))


@st.cache_resource(show_spinner=False, hash_funcs=BY_REVISION, max_entries=32)
def _filtered(snap: Snapshot, categories: tuple[str, ...], nis_codes: tuple[str, ...], text: str) -> pd.DataFrame:
    records = _published(snap)
    if not (categories or nis_codes or text):
        return records
    keep = pd.Series(True, index=records.index)
    if categories:
        keep &= records["category"].isin(categories)
    if nis_codes:
        keep &= records["nis_code"].isin(nis_codes)
    if text:
        keep &= search.matching(_search_text(snap), text)
    return records[keep]


@st.cache_resource(show_spinner=False)
def walking_data(data_dir: Path) -> walking.Walking:
    """The walking network and the residents' points with their snaps (read-only, one per process)."""
    return walking.load(data_dir)


def _of_categories(records: pd.DataFrame, categories: tuple[str, ...]) -> pd.DataFrame:
    return records[records["category"].isin(categories)] if categories else records


@st.cache_resource(show_spinner=False, hash_funcs=BY_REVISION, max_entries=2)  # read-only arrays: no copy per run
def initiative_snaps(snap: Snapshot) -> network.Snap:
    """Every published initiative with coordinates snapped to the walking network, once per revision."""
    x, y, _ = coverage.initiative_xy(published(snap))
    return walking_data(snap.config.data_dir).snap(x, y)


@st.cache_resource(show_spinner=False, hash_funcs=BY_REVISION, max_entries=8)  # read-only arrays: no copy per run
def reach(snap: Snapshot, categories: tuple[str, ...]) -> coverage.Reach:
    """Straight-line and walking distances from every residents' point to the initiatives of `categories`."""
    records = published(snap)
    _, _, placed = coverage.initiative_xy(records)
    keep = records["category"].isin(categories).to_numpy() if categories else np.ones(len(records), dtype=bool)
    snapped = initiative_snaps(snap).take(keep[placed])
    return coverage.reach(walking_data(snap.config.data_dir), records[keep], snapped)


@st.cache_data(show_spinner=False, hash_funcs=BY_REVISION, max_entries=16)
def statistics(snap: Snapshot, categories: tuple[str, ...]) -> gpd.GeoDataFrame:
    """Per-commune coverage statistics of the published initiatives (of `categories`, if any)."""
    records = _of_categories(published(snap), categories)
    return coverage.commune_statistics(
        layers(snap.config.data_dir).reference.communes, reach(snap, categories), records
    )


@st.cache_data(show_spinner=False, hash_funcs=BY_REVISION, max_entries=16)
def commune_report(snap: Snapshot, nis_code: str, measure: str) -> coverage.CommuneReport:
    """One commune's report card by `measure` ("walk" or "straight"), all initiatives counted."""
    built = layers(snap.config.data_dir)
    return coverage.commune_report(
        nis_code, statistics(snap, ()), built.sectors_projected, reach(snap, ()), published(snap), measure
    )


@st.cache_data(show_spinner=False, hash_funcs=BY_REVISION, max_entries=16)
def service_area(snap: Snapshot, categories: tuple[str, ...]) -> gpd.GeoDataFrame:
    """The walking service area (within each radius) of the initiatives of `categories`, WGS84, for a map."""
    found = reach(snap, categories)
    cell_m = walking_data(snap.config.data_dir).metadata["grid_m"]
    areas = [coverage.service_area(found, radius, cell_m) for radius in reversed(coverage.RADII_M)]
    frame = gpd.GeoDataFrame({"radius_m": list(reversed(coverage.RADII_M))}, geometry=areas, crs=coverage.PROJECTED_CRS)
    return display.for_web_map(frame)


@st.cache_resource(show_spinner=False, hash_funcs=BY_REVISION, max_entries=2)  # read-only: no copy per run
def marker_table(snap: Snapshot) -> maps.MarkerTable:
    """The map rows of every published initiative, escaped once."""
    thumbnails = {
        record_id: (p.thumb_url, p.alt, p.thumb_width, p.thumb_height) for record_id, p in first_pictures(snap).items()
    }
    return maps.marker_table(published(snap), commune_codes(), thumbnails)


def popup_texts(config: settings.Settings, name: str) -> bytes | None:
    """The popup texts or extras `name` (see maps.MarkerTable) if the store still holds them: a page
    from before the last change gets None, and its popups say to reload."""
    table = marker_table(snapshot(config))
    return table.texts if table.name == name else table.extras if table.extras_name == name else None


@st.cache_data(show_spinner=False, hash_funcs=BY_REVISION, max_entries=32)
def initiatives_map(
    snap: Snapshot, lang: str, categories: tuple[str, ...], nis_codes: tuple[str, ...], text: str
) -> str:
    """The map page's map as HTML: commune borders and the filtered initiatives, clustered.

    Built once per snapshot, language and filter, then shared by every session: a visit gets a
    finished page instead of building a map of 10,000 initiatives again.
    """
    shown, _ = filtered(snap, list(categories), list(nis_codes), text)
    m = maps.base_map(snap.config)
    maps.add_commune_borders(m, layers(snap.config.data_dir).communes_web, lang)
    maps.add_initiatives(m, marker_table(snap), shown["id"], lang, commune_names(lang))
    return maps.page(m, t("map.frame_title", lang), lang)


def warm(config: settings.Settings) -> None:
    """Fill the caches first visits read (see app.py): the layers, the store, the unfiltered
    map in each language, the statistics and walking service area of all initiatives."""
    snap = snapshot(config)
    for lang in LANGUAGES:
        initiatives_map(snap, lang, (), (), "")
    statistics(snap, ())
    service_area(snap, ())


def export_bytes(records: pd.DataFrame, fmt: export.Format, pictures: pd.DataFrame | None = None) -> bytes:
    """`records` exported by the same code as `python -m ingest export` (public fields only; with
    `pictures`, the listing of `picture_listing`, their published pictures)."""
    with tempfile.TemporaryDirectory(prefix="bim-export-") as folder:
        path = Path(folder) / f"initiatives.{fmt}"
        export.export(records, fmt, path, pictures=pictures)
        return path.read_bytes()
