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
    options = {"minZoom": MIN_ZOOM, "maxZoom": MAX_ZOOM}
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


def marker_rows(records: pd.DataFrame, commune_codes: list[str]) -> dict[str, list]:
    """Record id -> compact marker row (placed records only): lat, lon, category index, commune
    index (in `commune_codes`), then the escaped name, address, website (http(s) only),
    description, and the story and picture link (http(s) only) of a contributed initiative."""
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
        record_id: [
            round(lat, 5),
            round(lon, 5),
            category_index.get(category, category_index["other"]),
            commune_index.get(nis, -1),
            safe.text(name),
            safe.text(where),
            safe.link_attribute(website),
            safe.text(description, POPUP_DESCRIPTION_CHARS),
            safe.text(story, POPUP_DESCRIPTION_CHARS),
            safe.link_attribute(picture),
        ]
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

    points: dict[str, list]  # record id -> [lat, lon, category index, row in the texts]
    texts: bytes  # gzip JSON, a row per initiative: commune index, then the escaped texts
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
    points = {record_id: [*row[:3], i] for i, (record_id, row) in enumerate(rows.items())}
    texts = gzip.compress(_compact_json([row[3:] for row in rows.values()]), compresslevel=6, mtime=0)
    pictures = thumbnails or {}
    extras_rows = [
        [record_id, *(safe.text(value) for value in pictures[record_id][:2]), *pictures[record_id][2:]]
        if record_id in pictures
        else [record_id]
        for record_id in rows
    ]
    extras = gzip.compress(_compact_json(extras_rows), compresslevel=6, mtime=0)
    return MarkerTable(points, texts, _content_name(texts), extras, _content_name(extras))


def _content_name(data: bytes) -> str:
    return f"{hashlib.sha256(data).hexdigest()[:24]}.json"


class ClusteredInitiatives(JSCSSMixin, MacroElement):
    """Initiatives as one clustered layer, built in the browser from compact rows.

    Why not folium's MarkerCluster or FastMarkerCluster (Leaflet.markercluster): it makes a
    Leaflet marker for every initiative and clusters them at every zoom level before the first
    cluster shows, about half a second at 10,000 initiatives on a modest machine. Here the points
    (position, category, row in the texts) travel in the page, gzip-compressed (base64, decoded
    and decompressed natively by the browser), and are indexed once by Supercluster (a k-d tree
    per zoom level, a few tens of milliseconds); the popup texts, which only an opened popup
    needs, are fetched after the first clusters (see MarkerTable). Only what the view shows
    becomes markers, redrawn after each move (markers still in view are kept, so an open popup
    stays open). A cluster opens by zooming in; initiatives at one place, which no zoom
    separates, open as one popup listing them all. Every text in the rows is already
    HTML-escaped; the lookup tables hold our own labels, JSON-encoded.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
            .bim-cluster { border-radius: 50%; background: rgba(43, 140, 190, 0.35); }
            .bim-cluster div { box-sizing: border-box; height: 100%; border: 5px solid transparent;
                border-radius: 50%; background: rgba(4, 90, 141, 0.9) padding-box; color: #fff;
                font: bold 12px/1 sans-serif; display: flex; align-items: center; justify-content: center; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var map = {{ this._parent.get_name() }};
            var categories = {{ this.categories }};
            var communes = {{ this.communes }};
            var websiteLabel = {{ this.website_label }};
            var pictureLabel = {{ this.picture_label }};
            var clusterTitle = {{ this.cluster_title }};
            var shown = L.layerGroup().addTo(map);
            var index = new Supercluster({radius: 60, minZoom: map.getMinZoom(), maxZoom: map.getMaxZoom()});
            var unavailable = {{ this.unavailable }};
            var textsUrl = {{ this.texts_url }};
            var points = [], texts;  // texts: undefined until fetched, null if they could not be
            var extrasUrl = {{ this.extras_url }}, pageUrl = {{ this.page_url }}, pageLabel = {{ this.page_label }};
            var extras, extrasReady;  // the pages' ids and thumbnails: fetched when a popup first opens
            function withExtras(then) {
                extrasReady = extrasReady || fetch(extrasUrl).then(function (response) {
                    return response.ok ? response.json() : null;
                }).then(function (data) { extras = data; }, function () { extras = null; });
                extrasReady.then(then);
            }
            var drawn = {};
            var icons = categories.map(function (category) {
                return L.divIcon({className: "bim-marker", iconSize: [14, 14],
                    html: '<span style="display:block;width:14px;height:14px;border-radius:50%;'
                        + 'border:2px solid #fff;box-shadow:0 0 2px #000;background:' + category[1] + '"></span>'});
            });
            function decoded(payload) {
                return fetch("data:application/octet-stream;base64," + payload).then(function (response) {
                    return new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).json();
                });
            }
            function popupHtml(i) {
                var text = texts && texts[points[i][3]], category = categories[points[i][2]];
                if (!text) return '<div class="bim-popup">' + category[0] + '<br><em>' + unavailable + '</em></div>';
                var parts = ['<strong>' + text[1] + '</strong>',
                    '<span style="color:' + category[1] + '">&#9679;</span> ' + category[0]];
                if (text[0] >= 0) parts.push(communes[text[0]]);
                if (text[4]) parts.push('<em>' + text[4] + '</em>');
                if (text[2]) parts.push(text[2]);
                if (text[5]) parts.push('<em>' + text[5] + '</em>');
                if (text[3]) parts.push('<a href="' + text[3] + '" target="_blank" rel="noopener noreferrer">'
                    + websiteLabel + '</a>');
                if (text[6]) parts.push('<a href="' + text[6] + '" target="_blank" rel="noopener noreferrer">'
                    + pictureLabel + '</a>');
                var extra = extras && extras[points[i][3]];
                if (extra && extra[1]) parts.unshift('<img src="' + extra[1] + '" alt="' + extra[2] + '" width="'
                    + extra[3] + '" height="' + extra[4] + '" loading="lazy" style="max-width:100%;height:auto">');
                if (extra) parts.push('<a href="' + pageUrl + encodeURIComponent(extra[0])
                    + '" target="_blank" rel="noopener">' + pageLabel + '</a>');
                return '<div class="bim-popup">' + parts.join('<br>') + '</div>';
            }
            function pointMarker(i, latlng) {
                var marker = L.marker(latlng, {icon: icons[points[i][2]]});
                marker.bindPopup(function () {
                    if (extras === undefined) withExtras(function () { marker.setPopupContent(popupHtml(i)); });
                    if (texts !== undefined) return popupHtml(i);
                    ready.then(function () { marker.setPopupContent(popupHtml(i)); });
                    return "…";
                }, {maxWidth: 320});
                return marker;
            }
            function clusterMarker(id, count, latlng) {
                var size = count < 10 ? 32 : count < 100 ? 40 : 48;
                var icon = L.divIcon({className: "bim-cluster", iconSize: [size, size],
                    html: "<div>" + count + "</div>"});
                var marker = L.marker(latlng, {icon: icon, title: clusterTitle.replace("{n}", count)});
                marker.on("click", function () {
                    var zoom = index.getClusterExpansionZoom(id);
                    if (zoom <= map.getMaxZoom()) {
                        map.setView(latlng, zoom);
                        return;
                    }
                    ready.then(function () { withExtras(function () {}); return extrasReady; }).then(function () {
                        var here = index.getLeaves(id, Infinity).map(function (leaf) {
                            return popupHtml(leaf.properties.i);
                        });
                        marker.bindPopup(here.join("<hr>"), {maxWidth: 320, maxHeight: 320}).openPopup();
                    });
                });
                return marker;
            }
            function draw() {
                var view = map.getBounds().pad(0.2), next = {};
                var bbox = [view.getWest(), view.getSouth(), view.getEast(), view.getNorth()];
                index.getClusters(bbox, map.getZoom()).forEach(function (feature) {
                    var p = feature.properties, lonlat = feature.geometry.coordinates, latlng = [lonlat[1], lonlat[0]];
                    var key = p.cluster ? "c" + p.cluster_id : "p" + p.i;
                    next[key] = drawn[key] || (p.cluster ? clusterMarker(p.cluster_id, p.point_count, latlng)
                        : pointMarker(p.i, latlng));
                });
                Object.keys(drawn).forEach(function (key) { if (!next[key]) shown.removeLayer(drawn[key]); });
                Object.keys(next).forEach(function (key) { if (!drawn[key]) shown.addLayer(next[key]); });
                drawn = next;
            }
            var ready = decoded("{{ this.points }}").then(function (data) {
                points = data;
                index.load(points.map(function (point, i) {
                    var where = {type: "Point", coordinates: [point[1], point[0]]};
                    return {type: "Feature", properties: {i: i}, geometry: where};
                }));
                draw();
                map.on("moveend", draw);
                return fetch(textsUrl).then(function (response) {
                    if (!response.ok) throw new Error("popup texts: HTTP " + response.status);
                    return response.json();
                });
            }).then(function (data) { texts = data; }, function () { texts = null; });
            return {ready: ready, popupHtml: popupHtml, size: function () { return points.length; }};
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self, points: list[list], texts_url: str, lang: str, commune_names: dict[str, str], extras_url: str = ""
    ) -> None:
        super().__init__()
        self._name = "ClusteredInitiatives"
        self.default_js = [("supercluster", LOCAL_ASSETS["supercluster"])]
        self.default_css = []
        self.points = _packed(points)
        self.texts_url = _script_json(texts_url)
        self.extras_url = _script_json(extras_url)
        self.page_url = _script_json(f"/initiative?lang={lang}&id=")
        self.page_label = _script_json(safe.text(t("initiative.open", lang)))
        self.unavailable = _script_json(safe.text(t("map.popup_unavailable", lang)))
        categories = [[safe.text(category_label(key, lang)), c.colour] for key, c in CATEGORIES.items()]
        self.categories = _script_json(categories)
        self.communes = _script_json([safe.text(name) for name in commune_names.values()])
        self.website_label = _script_json(safe.text(t("map.popup_website", lang)))
        self.picture_label = _script_json(safe.text(t("contribute.picture", lang)))
        self.cluster_title = _script_json(t("map.cluster_title", lang))


def _compact_json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _packed(value: object) -> str:
    """`value` as gzip-compressed JSON in base64, for the browser's DecompressionStream."""
    return base64.b64encode(gzip.compress(_compact_json(value), compresslevel=6, mtime=0)).decode("ascii")


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


def page(m: folium.Map) -> str:
    """The map as a standalone HTML page that loads only the app's local assets."""
    localise_assets(m)
    return m.get_root().render()


def show(page_html: str, title: str, height: int = MAP_HEIGHT_PX) -> None:
    """Show a map page (see `page`) in an iframe named `title` for screen readers."""
    st.iframe(page_html, height=height, alt=title)


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
