"""Folium maps that work offline: local Leaflet assets, borders as the base, fast clustered points.

Every map is built on each run from cached data (a cached folium.Map breaks the second browser
session) and shown with `show()`, which returns nothing to Python so panning never reruns.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator

import branca.element
import folium
import geopandas as gpd
import pandas as pd
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template
from streamlit_folium import st_folium

from i18n import category_label, t
from ingest.schema import CATEGORIES
from settings import Settings
from ui import safe

VENDOR_URL = "/app/static/vendor"  # Streamlit static serving of ./static (see Makefile: assets)
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
    "markerclusterjs": f"{VENDOR_URL}/leaflet.markercluster/leaflet.markercluster.js",
    "markerclustercss": f"{VENDOR_URL}/leaflet.markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": f"{VENDOR_URL}/leaflet.markercluster/MarkerCluster.Default.css",
}
ICON_ASSETS = frozenset(
    {"jquery", "bootstrap", "bootstrap_css", "awesome_markers", "awesome_markers_css", "awesome_markers_font_css"}
)
BRUSSELS = (50.8427, 4.3752)
ZOOM_START = 11
MAX_ZOOM = 18  # required by the cluster plugin when there is no tile layer
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
    m = folium.Map(location=location, zoom_start=zoom, tiles=None, control_scale=True, maxZoom=MAX_ZOOM)
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


def marker_rows(records: pd.DataFrame, commune_names: dict[str, str]) -> dict[str, list]:
    """Record id -> compact marker row (placed records only): lat, lon, category index, commune
    index, then the escaped name, address, website (http(s) only) and description of the popup."""
    placed = records[records["lat"].notna() & records["lon"].notna()]
    category_index = {key: i for i, key in enumerate(CATEGORIES)}
    commune_index = {code: i for i, code in enumerate(commune_names)}
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
        ]
        for record_id, lat, lon, category, nis, name, where, website, description in zip(
            placed["id"],
            placed["lat"],
            placed["lon"],
            placed["category"],
            placed["nis_code"],
            placed["name"],
            address,
            placed["website"],
            placed["description"],
            strict=True,
        )
    }


class ClusteredInitiatives(JSCSSMixin, MacroElement):
    """Initiatives as one Leaflet.markercluster layer, built in the browser from compact rows.

    Why not folium's FastMarkerCluster: it checks every row in Python and adds markers one by
    one in the browser. Here the rows travel gzip-compressed (base64) and are decompressed by
    the browser's DecompressionStream, then added in one `addLayers` call: at 10,000 initiatives
    that is about a quarter of the payload and a fraction of the time. Every text in the rows is
    already HTML-escaped; the lookup tables hold our own labels, JSON-encoded.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var categories = {{ this.categories }};
            var communes = {{ this.communes }};
            var websiteLabel = {{ this.website_label }};
            var cluster = L.markerClusterGroup({chunkedLoading: true, showCoverageOnHover: false});
            cluster.addTo({{ this._parent.get_name() }});
            function popup(row, category) {
                var parts = ['<strong>' + row[4] + '</strong>',
                    '<span style="color:' + category[1] + '">&#9679;</span> ' + category[0]];
                if (row[3] >= 0) parts.push(communes[row[3]]);
                if (row[7]) parts.push('<em>' + row[7] + '</em>');
                if (row[5]) parts.push(row[5]);
                if (row[6]) parts.push('<a href="' + row[6] + '" target="_blank" rel="noopener noreferrer">'
                    + websiteLabel + '</a>');
                return '<div class="bim-popup">' + parts.join('<br>') + '</div>';
            }
            function marker(row) {
                var category = categories[row[2]];
                var icon = L.divIcon({className: "bim-marker", iconSize: [14, 14],
                    html: '<span style="display:block;width:14px;height:14px;border-radius:50%;'
                        + 'border:2px solid #fff;box-shadow:0 0 2px #000;background:' + category[1] + '"></span>'});
                var point = L.marker([row[0], row[1]], {icon: icon});
                point.bindPopup(function () { return popup(row, category); }, {maxWidth: 320});
                return point;
            }
            var bytes = Uint8Array.from(atob("{{ this.payload }}"), function (c) { return c.charCodeAt(0); });
            var rows = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
            new Response(rows).json().then(function (data) { cluster.addLayers(data.map(marker)); });
            return cluster;
        })();
        {% endmacro %}
        """
    )

    def __init__(self, rows: list[list], lang: str, commune_names: dict[str, str]) -> None:
        super().__init__()
        self._name = "ClusteredInitiatives"
        self.default_js = [("markerclusterjs", LOCAL_ASSETS["markerclusterjs"])]
        self.default_css = [(name, LOCAL_ASSETS[name]) for name in ("markerclustercss", "markerclusterdefaultcss")]
        compact = json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.payload = base64.b64encode(gzip.compress(compact, compresslevel=6, mtime=0)).decode("ascii")
        categories = [[safe.text(category_label(key, lang)), c.colour] for key, c in CATEGORIES.items()]
        self.categories = _script_json(categories)
        self.communes = _script_json([safe.text(name) for name in commune_names.values()])
        self.website_label = _script_json(safe.text(t("map.popup_website", lang)))


def _script_json(value: object) -> str:
    """JSON safe inside a <script> element (no '<', '>' or '&' left as such)."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def add_initiatives(m: folium.Map, rows: list[list], lang: str, commune_names: dict[str, str]) -> None:
    """Marker rows (see `marker_rows`) as one clustered layer, coloured by category."""
    ClusteredInitiatives(rows, lang, commune_names).add_to(m)


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


def show(m: folium.Map, key: str, height: int = MAP_HEIGHT_PX) -> None:
    """Render the map with local assets; nothing is sent back, so panning and zooming do not rerun."""
    localise_assets(m)
    st_folium(m, key=key, height=height, use_container_width=True, returned_objects=[])


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
