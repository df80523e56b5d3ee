"""Export initiatives as GeoJSON (RFC 7946), CSV or GeoPackage: the CLI and the app's downloads.

Whatever the caller passes, the private `contact` field is never written. Given the store's picture
listing (`ingest.gallery.listing`), each record also lists its published pictures in `pictures`:
{url, alt, credit, licence} with the url relative to the app (`/pictures/<sha256>.webp`); a list in
GeoJSON, JSON text in CSV and GeoPackage (empty when the record has none). Which records go out
(published ones, by default) is the caller's choice, through `Store.read`. Files are written to a
temporary name and renamed, so a failed export leaves no partial file.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import pandas as pd

from core.record import PUBLIC_COLUMNS
from core.text import is_missing
from geo import sources
from ingest.store import COORDINATE_DECIMALS

Format = Literal["geojson", "csv", "gpkg"]
FORMATS: tuple[str, ...] = ("geojson", "csv", "gpkg")
# GeoJSON and GeoPackage carry the position in the geometry; the id is the feature id in GeoJSON.
PROPERTY_COLUMNS = tuple(c for c in PUBLIC_COLUMNS if c not in ("id", "lon", "lat"))
PROJECT_ATTRIBUTION = "Brussels initiatives map (open source)"


def public_records(records: pd.DataFrame, pictures: pd.DataFrame | None = None) -> pd.DataFrame:
    """The public columns only, in schema order; coordinates rounded to about 1 cm. With a picture
    listing (id, pictures), a last `pictures` column: each record's list, empty when it has none."""
    frame = records.reindex(columns=list(PUBLIC_COLUMNS))
    for name in ("lon", "lat"):
        frame[name] = pd.to_numeric(frame[name]).round(COORDINATE_DECIMALS)
    if pictures is not None:
        listed = dict(zip(pictures["id"], pictures["pictures"], strict=True))
        frame["pictures"] = [listed.get(record_id, []) for record_id in frame["id"]]
    return frame


def licences(records: pd.DataFrame) -> list[dict[str, str]]:
    """Each source in the records with its licence ("unknown" when none was given at import)."""
    pairs = records.reindex(columns=["source_name", "licence"]).astype(object).fillna("").drop_duplicates()
    return [
        {"source": str(source), "licence": str(licence) or "unknown"}
        for source, licence in sorted(pairs.itertuples(index=False, name=None))
    ]


def attribution(records: pd.DataFrame) -> str:
    """The attribution line the licences ask for: initiative sources, then the boundary data."""
    listed = "; ".join(f"{s['source']} ({s['licence']})" for s in licences(records))
    boundaries = "; ".join(sources.attribution_lines())
    return f"{PROJECT_ATTRIBUTION}. Initiatives: {listed or 'none'}. Reference data: {boundaries}."


def to_geojson_dict(records: pd.DataFrame) -> dict[str, Any]:
    """A FeatureCollection per RFC 7946: WGS84 lon/lat, the stable id as feature id, no `crs`.

    Records without coordinates become features with a null geometry (RFC 7946, 3.2), so that
    nothing is lost. Top-level `licence` and `attribution` members name the sources' licences.
    """
    frame = records if "pictures" in records.columns else public_records(records)
    properties = [*PROPERTY_COLUMNS, "pictures"] if "pictures" in frame.columns else PROPERTY_COLUMNS
    features = []
    for row in frame.to_dict("records"):
        lon, lat = _value(row["lon"]), _value(row["lat"])
        features.append(
            {
                "type": "Feature",
                "id": row["id"],
                "geometry": None if lon is None or lat is None else {"type": "Point", "coordinates": [lon, lat]},
                "properties": {c: _value(row[c]) for c in properties},
            }
        )
    return {
        "type": "FeatureCollection",
        "licence": licences(frame),
        "attribution": attribution(frame),
        "features": features,
    }


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) get a
    leading apostrophe, so a hostile name in a CSV download cannot execute when opened."""

    def defused(value: object) -> object:
        return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value

    text = frame.select_dtypes(include=["object", "string"]).columns
    return frame.assign(**{column: frame[column].map(defused) for column in text})


def export(records: pd.DataFrame, fmt: Format, out_path: Path, pictures: pd.DataFrame | None = None) -> int:
    """Write `records` (public fields only; with `pictures`, the listing of `ingest.gallery.listing`,
    their published pictures too) to `out_path` as `fmt`; returns how many were written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    out_path = Path(out_path)
    frame = public_records(records, pictures)
    with _replacing(out_path) as tmp:
        if fmt == "geojson":
            tmp.write_text(json.dumps(to_geojson_dict(frame), ensure_ascii=False, allow_nan=False), encoding="utf-8")
            return len(frame)
        if "pictures" in frame.columns:  # one text cell in a table
            frame["pictures"] = [
                json.dumps(listed, ensure_ascii=False) if listed else None for listed in frame["pictures"]
            ]
        if fmt == "csv":
            spreadsheet_safe(frame).to_csv(tmp, index=False, encoding="utf-8")
        else:
            points = gpd.points_from_xy(frame["lon"], frame["lat"], crs="EPSG:4326")
            geo = gpd.GeoDataFrame(frame.drop(columns=["lon", "lat"]), geometry=points)
            geo.loc[frame["lon"].isna() | frame["lat"].isna(), "geometry"] = None
            geo.to_file(
                tmp,
                driver="GPKG",
                layer="initiatives",
                engine="pyogrio",
                layer_metadata={"licence": json.dumps(licences(frame)), "attribution": attribution(frame)},
            )
    return len(frame)


def _value(value: Any) -> Any:
    """A JSON-ready value: None for missing, plain int/float/str otherwise."""
    if is_missing(value) and not isinstance(value, str):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


@contextmanager
def _replacing(out_path: Path) -> Iterator[Path]:
    """A temporary path beside `out_path`, renamed onto it only when writing succeeded."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{out_path.stem}-", suffix=out_path.suffix, dir=out_path.parent)
    os.close(handle)
    tmp = Path(name)
    tmp.unlink()  # the writers create the file themselves (GDAL refuses to overwrite an empty one)
    try:
        yield tmp
        os.replace(tmp, out_path)
    finally:
        tmp.unlink(missing_ok=True)
