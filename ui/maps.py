"""Folium maps that work offline: local Leaflet assets, borders as the base, fast clustered points.

Every map is built from cached data (a cached folium.Map breaks the second browser session),
rendered to a standalone page with `page()` (which a cache may keep) and shown with `show()` in
an iframe: nothing goes back to Python, so panning never reruns. Maps that must answer clicks
(the contribution pin) use streamlit-folium instead (ui/contribution.py).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import branca.element
import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from core.settings import Settings
from core.taxonomy import CATEGORIES
from i18n import category_label, t
from ui import safe

VENDOR_URL = "/app/static/vendor"  # Streamlit static serving of ./static (see Makefile: assets)
TEXTS_ROUTE = "/maps/texts"  # the popup texts of the clustered maps (see MarkerTable, ui/routes.py)
# Every asset name folium and its plugins declare, and our local copy (None: not needed, skipped).
LOCAL_ASSETS: dict[str, str | None] = {
    "leaflet": f"{VENDOR_URL}/leaflet/leaflet.js",
    "leaflet_css": f"{VENDOR_URL}/leaflet/leaflet.css",
    "jquery": f"{VENDOR_URL}/jquery/jquery.min.js",
    "bootstrap": f"{VENDOR_URL}/bootstrap/js/bootstrap.bundle.min.js",
    "bootstrap_css": f"{VENDOR_URL}/bootstrap/css/bootstrap.min.css",
    "glyphicons_css": None,  # Bootstrap 3 icons: no icon of ours uses them
    "awesome_markers": f"{VENDOR_URL}/leaflet.awesome-markers/leaflet.awesome-markers.min.js",
    "awesome_markers_css": f"{VENDOR_URL}/leaflet.awesome-markers/leaflet.awesome-markers.css",
    "awesome_markers_font_css": f"{VENDOR_URL}/fontawesome-free/css/all.min.css",
    "awesome_rotate_css": None,  # rotated awesome-marker icons: unused
    "supercluster": f"{VENDOR_URL}/supercluster/supercluster.min.js",  # ours (ClusteredInitiatives)
}
ICON_ASSETS = frozenset(
    {"jquery", "bootstrap", "bootstrap_css", "awesome_markers", "awesome_markers_css", "awesome_markers_font_css"}
)
BRUSSELS = (50.8427, 4.3752)
ZOOM_START = 11
MAX_ZOOM = 18  # without a tile layer Leaflet would have no maximum
MIN_ZOOM = 9  # the whole region still fits; no need to zoom out to the world
MAP_HEIGHT_PX = 560
POPUP_DESCRIPTION_CHARS = 120  # a teaser: keeps 10,000 popups under 1.5 MB; the list shows more
SEQUENTIAL_PALETTE = ("#d0d1e6", "#a6bddb", "#74a9cf", "#2b8cbe", "#045a8d")  # ColorBrewer PuBu
HTML_START = "<!DOCTYPE html>\n<html>"  # how branca's Figure begins a page
BORDER_STYLE = {"color": "#333333", "weight": 1.5, "fillColor": "#ffffff", "fillOpacity": 0.05}


def _elements(element: branca.element.Element) -> Iterator[branca.element.Element]:
    yield element
    for child in element._children.values():
        yield from _elements(child)


def localise_assets(m: folium.Map) -> None:
    """Point the map and every element on it at the local asset copies, per instance.

    jQuery, Bootstrap and the awesome-markers icon assets that folium.Map declares are kept only
    when the map holds a folium.Icon (they cost the page about 400 kB otherwise). Unknown asset
    names raise KeyError, so a new plugin cannot silently load from a CDN.
    """
    elements = list(_elements(m))
    skip = set() if any(isinstance(e, folium.Icon) for e in elements) else ICON_ASSETS
    for element in elements:
        for attribute in ("default_js", "default_css"):
            declared = getattr(element, attribute, None)
            if declared:
                local = [(name, LOCAL_ASSETS[name]) for name, _ in declared if name not in skip]
                setattr(element, attribute, [(name, url) for name, url in local if url])


def base_map(settings: Settings, location: tuple[float, float] = BRUSSELS, zoom: int = ZOOM_START) -> folium.Map:
    """A map with the configured basemap, or none when `settings.tiles_url` is empty."""
    options: dict[str, Any] = {"minZoom": MIN_ZOOM, "maxZoom": MAX_ZOOM}  # Leaflet's names, passed through
    m = folium.Map(location=location, zoom_start=zoom, tiles=None, control_scale=True, **options)
    if settings.tiles_url:
        folium.TileLayer(settings.tiles_url, attr=settings.tiles_attribution, max_zoom=MAX_ZOOM).add_to(m)
    return m


def add_commune_borders(m: folium.Map, communes: gpd.GeoDataFrame, lang: str) -> None:
    """The 19 communes as the map's base, with their FR/NL names on hover."""
    folium.GeoJson(
        communes[["nis_code", "name_fr", "name_nl", "geometry"]],
        name=t("map.layer_communes", lang),
        style_function=lambda _: BORDER_STYLE,
        highlight_function=lambda _: {"weight": 3, "fillOpacity": 0.12},
        tooltip=folium.GeoJsonTooltip(fields=["name_fr", "name_nl"], aliases=["FR", "NL"]),
    ).add_to(m)


# The map rows' fields, named once. The page carries the points and the popup texts follow as a
# file, each a table {"fields": [...], "rows": [[...], ...]}; ui/js/clustered_map.js reads every
# value by its field name. Points: position, category (index in CATEGORIES), row in the texts.
# Texts: commune (index in the commune list, -1: none), then the escaped texts and http(s) links.
POINT_FIELDS = ("lat", "lon", "category", "text")
TEXT_FIELDS = ("commune", "name", "address", "website", "description", "story", "picture")
EXTRA_FIELDS = ("id", "thumbnail", "alt", "width", "height")  # the initiative page's id, its thumbnail if any
CLUSTERED_MAP_JS = Path(__file__).parent / "js" / "clustered_map.js"


def marker_rows(records: pd.DataFrame, commune_codes: list[str]) -> dict[str, dict[str, object]]:
    """Record id -> map row (placed records only): the point fields but "text", then TEXT_FIELDS,
    with the commune as its index in `commune_codes`, every text escaped and links http(s) only."""
    placed = records[records["lat"].notna() & records["lon"].notna()]
    category_index = {key: i for i, key in enumerate(CATEGORIES)}
    commune_index = {code: i for i, code in enumerate(commune_codes)}
    address = (
        placed["street"].fillna("").astype(str)
        + " "
        + placed["housenumber"].fillna("").astype(str)
        + ", "
        + placed["postcode"].fillna("").astype(str)
        + " "
        + placed["locality"].fillna("").astype(str)
    ).str.strip(" ,")
    return {
        record_id: {
            "lat": round(lat, 5),
            "lon": round(lon, 5),
            "category": category_index.get(category, category_index["other"]),
            "commune": commune_index.get(nis, -1),
            "name": safe.text(name),
            "address": safe.text(where),
            "website": safe.link_attribute(website),
            "description": safe.text(description, POPUP_DESCRIPTION_CHARS),
            "story": safe.text(story, POPUP_DESCRIPTION_CHARS),
            "picture": safe.link_attribute(picture),
        }
        for record_id, lat, lon, category, nis, name, where, website, description, story, picture in zip(
            placed["id"],
            placed["lat"],
            placed["lon"],
            placed["category"],
            placed["nis_code"],
            placed["name"],
            address,
            placed["website"],
            placed["description"],
            placed["story"],
            placed["image_url"],
            strict=True,
        )
    }


@dataclass(frozen=True)
class MarkerTable:
    """Every placed initiative's map row, split for the page (texts hold no label of ours, so
    one table serves every language).

    The points go into the map page; the popup texts, which only an opened popup needs, are one
    gzip-compressed JSON document that the map fetches after its first clusters, at a URL named
    by its content (`texts_url`): every map of the same data shares it, whatever its language
    and filter, the browser keeps it, and the page stays small (a third of the bytes at 10,000
    initiatives).
    """

    points: dict[str, list]  # record id -> its values of POINT_FIELDS
    texts: bytes  # gzip JSON table of TEXT_FIELDS, a row per initiative
    name: str  # "{content digest}.json"
    # gzip JSON, a row per initiative: its page's id, then its thumbnail (url, alt, width, height) if
    # it has one; fetched only when a popup first opens, so the page and the texts stay as small.
    extras: bytes = b""
    extras_name: str = ""  # "{content digest}.json"

    @property
    def texts_url(self) -> str:
        return f"{TEXTS_ROUTE}/{self.name}"

    @property
    def extras_url(self) -> str:
        return f"{TEXTS_ROUTE}/{self.extras_name}"


def marker_table(
    records: pd.DataFrame, commune_codes: list[str], thumbnails: dict[str, tuple[str, str, int, int]] | None = None
) -> MarkerTable:
    """The map rows of `records` (see `marker_rows`) as points and popup texts, and the popups'
    extras: each record's id and its `thumbnails` entry (url, alt, width, height), if any."""
    rows = marker_rows(records, commune_codes)
    points = {
        record_id: [*(row[field] for field in POINT_FIELDS[:-1]), i] for i, (record_id, row) in enumerate(rows.items())
    }
    texts = gzip.compress(_compact_json(_table(TEXT_FIELDS, rows.values())), compresslevel=6, mtime=0)
    pictures = thumbnails or {}
    extras_rows = (_extra(record_id, pictures.get(record_id)) for record_id in rows)
    extras = gzip.compress(_compact_json(_table(EXTRA_FIELDS, extras_rows)), compresslevel=6, mtime=0)
    return MarkerTable(points, texts, _content_name(texts), extras, _content_name(extras))


def _extra(record_id: str, thumbnail: tuple[str, str, int, int] | None) -> dict[str, object]:
    """One row of EXTRA_FIELDS: the id, and the thumbnail's url, alt text and size (empty without one)."""
    url, alt, width, height = thumbnail or ("", "", 0, 0)
    return {"id": record_id, "thumbnail": safe.text(url), "alt": safe.text(alt), "width": width, "height": height}


def _content_name(data: bytes) -> str:
    return f"{hashlib.sha256(data).hexdigest()[:24]}.json"


def _table(fields: tuple[str, ...], rows: Iterable[dict[str, object]]) -> dict[str, list]:
    """The rows' values of `fields` as the map's table: {"fields": [...], "rows": [[...], ...]}."""
    return {"fields": list(fields), "rows": [[row[field] for field in fields] for row in rows]}


def _module_code(path: Path = CLUSTERED_MAP_JS) -> str:
    """The map's JavaScript module, to inline in a page (no request: the page is cached whole)."""
    code = path.read_text(encoding="utf-8")
    if "</script" in code.lower():
        raise ValueError(f"{path}: '</script' would end the inline script early")
    return code


class ClusteredInitiatives(JSCSSMixin, MacroElement):
    """Initiatives as one clustered layer, built in the browser from compact rows.

    Why not folium's MarkerCluster or FastMarkerCluster (Leaflet.markercluster): it makes a
    Leaflet marker for every initiative and clusters them at every zoom level before the first
    cluster shows, about half a second at 10,000 initiatives on a modest machine. Here the points
    travel in the page, gzip-compressed (base64, decoded and decompressed natively by the
    browser), and are indexed once by Supercluster (a k-d tree per zoom level, a few tens of
    milliseconds); the popup texts, which only an opened popup needs, are fetched after the
    first clusters (see MarkerTable). Only what the view shows becomes markers, redrawn after
    each move (markers still in view are kept, so an open popup stays open). A cluster opens by
    zooming in; initiatives at one place, which no zoom separates, open as one popup listing
    them all. Markers and clusters are buttons with a name, reached with Tab and opened with
    Enter or Space. The code is ui/js/clustered_map.js, inlined as a module: module scripts run
    once the page is parsed, after folium's script has made the map.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
            .bim-cluster { border-radius: 50%; background: rgba(43, 140, 190, 0.35); }
            .bim-cluster div { box-sizing: border-box; height: 100%; border: 5px solid transparent;
                border-radius: 50%; background: rgba(4, 90, 141, 0.9) padding-box; color: #fff;
                font: bold 12px/1 sans-serif; display: flex; align-items: center; justify-content: center; }
            .bim-marker span { display: block; width: 14px; height: 14px; box-sizing: border-box;
                border-radius: 50%; border: 2px solid #fff; box-shadow: 0 0 2px #000; }
            .bim-marker:focus-visible, .bim-cluster:focus-visible { outline: 3px solid #000;
                outline-offset: 2px; box-shadow: 0 0 0 6px #fff; border-radius: 50%; }
        </style>
        {% endmacro %}
        {% macro html(this, kwargs) %}
        <script type="module">
        {{ this.code }}
        window.{{ this.get_name() }} = start({{ this._parent.get_name() }}, {{ this.config }});
        </script>
        {% endmacro %}
        """
    )

    def __init__(
        self, points: list[list], texts_url: str, lang: str, commune_names: dict[str, str], extras_url: str = ""
    ) -> None:
        super().__init__()
        self._name = "ClusteredInitiatives"
        self.default_js = [("supercluster", str(LOCAL_ASSETS["supercluster"]))]
        self.default_css = []
        self.code = _module_code()
        labels = {
            "website": safe.text(t("map.popup_website", lang)),
            "picture": safe.text(t("contribute.picture", lang)),
            "unavailable": safe.text(t("map.popup_unavailable", lang)),
            "cluster": t("map.cluster_title", lang),  # a title attribute: Leaflet sets it as text
            "page": safe.text(t("initiative.open", lang)),
        }
        categories = [
            {"label": safe.text(category_label(key, lang)), "colour": c.colour} for key, c in CATEGORIES.items()
        ]
        self.config = _script_json(
            {
                "points": packed_points(points),
                "textsUrl": texts_url,
                "extrasUrl": extras_url,
                "pageUrl": f"/initiative?lang={lang}&id=",
                "categories": categories,
                "communes": [safe.text(name) for name in commune_names.values()],
                "labels": labels,
            }
        )


def _compact_json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _packed(value: object) -> str:
    """`value` as gzip-compressed JSON in base64, for the browser's DecompressionStream."""
    return base64.b64encode(gzip.compress(_compact_json(value), compresslevel=6, mtime=0)).decode("ascii")


def packed_points(points: list[list]) -> str:
    """Points (values of POINT_FIELDS) as the map page carries them: the table, packed."""
    return _packed({"fields": list(POINT_FIELDS), "rows": points})


def _script_json(value: object) -> str:
    """JSON safe inside a <script> element (no '<', '>' or '&' left as such)."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def add_initiatives(
    m: folium.Map, table: MarkerTable, record_ids: Iterable[str], lang: str, commune_names: dict[str, str]
) -> None:
    """The initiatives `record_ids` (those placed, in `table`) as one clustered layer, coloured by category."""
    points = [table.points[record_id] for record_id in record_ids if record_id in table.points]
    ClusteredInitiatives(points, table.texts_url, lang, commune_names, table.extras_url).add_to(m)


def add_choropleth(
    m: folium.Map, communes: gpd.GeoDataFrame, colours: pd.Series, tooltip_fields: list[str], aliases: list[str]
) -> None:
    """Communes filled with the given colour (indexed by nis_code), with a tooltip of `tooltip_fields`."""
    frame = communes.assign(fill=communes["nis_code"].map(colours).fillna("#dddddd"))
    folium.GeoJson(
        frame[["nis_code", "fill", *tooltip_fields, "geometry"]],
        style_function=lambda feature: {
            "color": "#333333",
            "weight": 1,
            "fillColor": feature["properties"]["fill"],
            "fillOpacity": 0.75,
        },
        highlight_function=lambda _: {"weight": 3},
        tooltip=folium.GeoJsonTooltip(fields=tooltip_fields, aliases=aliases),
    ).add_to(m)


def add_sectors(
    m: folium.Map, sectors: gpd.GeoDataFrame, colour: str, tooltip_fields: list[str], aliases: list[str]
) -> None:
    """Statistical sectors (e.g. coverage gaps) filled in one colour, with a tooltip."""
    if sectors.empty:
        return
    folium.GeoJson(
        sectors[[*tooltip_fields, "geometry"]],
        style_function=lambda _: {"color": colour, "weight": 1, "fillColor": colour, "fillOpacity": 0.45},
        tooltip=folium.GeoJsonTooltip(fields=tooltip_fields, aliases=aliases),
    ).add_to(m)


def page(m: folium.Map, title: str, lang: str) -> str:
    """The map as a standalone HTML page in `lang`, named `title`, that loads only the app's local
    assets (a frame's document needs its own title and language for screen readers)."""
    localise_assets(m)
    root = m.get_root()
    if not isinstance(root, branca.element.Figure):
        raise TypeError(f"a folium map's root is a Figure, not {type(root).__name__}")
    root.title = safe.text(title)
    html = root.render()
    if not html.startswith(HTML_START):
        raise ValueError(f"the map page no longer starts with {HTML_START!r}: its language cannot be set")
    return f'<!DOCTYPE html>\n<html lang="{safe.text(lang)}">' + html.removeprefix(HTML_START)


def show(page_html: str, title: str, height: int = MAP_HEIGHT_PX) -> None:
    """Show a map page (see `page`) in an iframe named `title` for screen readers."""
    st.iframe(page_html, height=height, alt=title)


def show_map(m: folium.Map, title: str, lang: str, height: int = MAP_HEIGHT_PX) -> None:
    """Show `m` as its page (see `page`) in an iframe named `title`."""
    show(page(m, title, lang), title, height)


def class_colours(values: pd.Series) -> tuple[pd.Series, list[tuple[str, float, float]]]:
    """Each value's colour by quantile class, and the classes as (colour, low, high) for the legend."""
    quantiles = values.quantile([i / len(SEQUENTIAL_PALETTE) for i in range(len(SEQUENTIAL_PALETTE) + 1)])
    edges = sorted(set(quantiles.round(6)))
    if len(edges) < 2:  # every commune has the same value
        return pd.Series(SEQUENTIAL_PALETTE[-1], index=values.index), [(SEQUENTIAL_PALETTE[-1], *edges * 2)]
    steps = len(edges) - 1
    colours = [SEQUENTIAL_PALETTE[round(i * (len(SEQUENTIAL_PALETTE) - 1) / max(1, steps - 1))] for i in range(steps)]
    classes = pd.cut(values, bins=edges, labels=False, include_lowest=True).fillna(0).astype(int)
    return classes.map(colours.__getitem__), list(zip(colours, edges, edges[1:], strict=False))
