"""The app's helpers: commune names, browser language, escaping, offline map assets."""

from __future__ import annotations

import gzip
import json
import re

import folium
import pandas as pd
import pytest

from core import settings
from core.taxonomy import CATEGORIES
from i18n import browser_language, commune_codes, commune_name, commune_names
from ui import maps, safe


def test_commune_names_follow_the_language() -> None:
    assert commune_name("21004", "fr") == "Bruxelles"
    assert commune_name("21004", "nl") == "Brussel"
    assert commune_name("21004", "en") == "City of Brussels"
    assert len(commune_names("nl")) == 19
    assert commune_name(None, "fr") == ""


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("nl-BE,nl;q=0.9,en;q=0.8", "nl"),
        ("en-US,en;q=0.9", "en"),
        ("de-DE,de;q=0.9,en;q=0.5,fr;q=0.7", "fr"),
        ("de-DE", "fr"),
        (None, "fr"),
        ("en;q=0.2,nl;q=0.8", "nl"),
    ],
)
def test_browser_language_takes_the_preferred_one_we_speak(header: str | None, expected: str) -> None:
    assert browser_language(header) == expected


@pytest.mark.parametrize(
    "payload",
    ["<script>alert(1)</script>", '"><svg onload=alert(1)>', "<img src=x onerror=alert(1)>", "&lt;b&gt;"],
)
def test_text_is_escaped(payload: str) -> None:
    escaped = safe.text(payload)
    assert "<" not in escaped and ">" not in escaped and '"' not in escaped
    assert not re.search(r"&(?!amp;|lt;|gt;|quot;|#x27;)", escaped)


@pytest.mark.parametrize(
    ("url", "safe_url"),
    [
        ("https://example.org/a?b=1&c=2", "https://example.org/a?b=1&amp;c=2"),
        ("http://example.org", "http://example.org"),
        ("javascript:alert(1)", ""),
        ("JaVaScRiPt:alert(1)", ""),
        (" javascript:alert(1)", ""),
        ("data:text/html,<script>", ""),
        ("//example.org", ""),
        ('https://example.org/"onmouseover="alert(1)', "https://example.org/&quot;onmouseover=&quot;alert(1)"),
        ("java\tscript:alert(1)", ""),
        (None, ""),
    ],
)
def test_only_http_links_survive(url: str | None, safe_url: str) -> None:
    assert safe.link_attribute(url) == safe_url


def test_missing_values_are_empty_text() -> None:
    assert safe.text(None) == safe.text(float("nan")) == safe.text(pd.NA) == ""
    assert safe.text("abcdef", max_chars=4) == "abc…"


HOSTILE_RECORD = {
    "id": "r1",
    "lat": 50.85,
    "lon": 4.35,
    "category": "library",
    "nis_code": "21004",
    "name": "<b>x</b>",
    "street": '"><svg onload=alert(1)>',
    "housenumber": "1",
    "postcode": "1000",
    "locality": "Bruxelles",
    "website": "javascript:alert(1)",
    "description": "<script>alert(1)</script>",
    "story": "<img src=x onerror=alert(1)>",
    "image_url": "data:text/html,<script>alert(1)</script>",
}


def test_marker_rows_escape_every_text_and_drop_unsafe_links() -> None:
    row = maps.marker_rows(pd.DataFrame([HOSTILE_RECORD]), commune_codes())["r1"]
    assert set(row) == set(maps.POINT_FIELDS[:-1]) | set(maps.TEXT_FIELDS)
    assert (row["lat"], row["lon"], row["category"], row["commune"]) == (
        50.85,
        4.35,
        list(CATEGORIES).index("library"),
        3,
    )
    assert row["name"] == "&lt;b&gt;x&lt;/b&gt;"
    assert "<" not in row["address"] and "<" not in row["description"] and "<" not in row["story"]
    assert row["website"] == row["picture"] == ""


def test_records_without_coordinates_get_no_marker() -> None:
    record = {**HOSTILE_RECORD, "lat": None, "lon": None}
    assert maps.marker_rows(pd.DataFrame([record]), commune_codes()) == {}


def test_marker_table_splits_points_from_popup_texts_named_by_their_content() -> None:
    other = {**HOSTILE_RECORD, "id": "r2", "name": "Repair café", "lat": 50.8, "lon": 4.4}
    records = pd.DataFrame([HOSTILE_RECORD, other])
    table = maps.marker_table(records, commune_codes())
    texts = json.loads(gzip.decompress(table.texts))
    assert texts["fields"] == list(maps.TEXT_FIELDS)
    name = maps.TEXT_FIELDS.index("name")
    row = maps.POINT_FIELDS.index("text")
    assert texts["rows"][table.points["r2"][row]][name] == "Repair café"
    assert table.points["r1"][:3] == [50.85, 4.35, list(CATEGORIES).index("library")]
    assert texts["rows"][table.points["r1"][row]][name] == "&lt;b&gt;x&lt;/b&gt;"
    assert re.fullmatch(r"/maps/texts/[0-9a-f]{24}\.json", table.texts_url)
    assert maps.marker_table(records, commune_codes()).name == table.name  # same content, same name
    assert maps.marker_table(records.iloc[:1], commune_codes()).name != table.name


def test_maps_load_no_asset_from_another_site(tmp_path) -> None:
    config = settings.Settings(data_dir=tmp_path, source_dir=None, tiles_url="")
    m = maps.base_map(config)
    table = maps.marker_table(pd.DataFrame([HOSTILE_RECORD]), commune_codes())
    maps.add_initiatives(m, table, ["r1"], "fr", commune_names("fr"))
    maps.localise_assets(m)
    html = m.get_root().render()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "/app/static/vendor/supercluster/supercluster.min.js" in html
    assert "bootstrap" not in html  # icon assets only when the map has a folium.Icon


def test_icon_assets_are_kept_when_a_map_uses_icons(tmp_path) -> None:
    m = maps.base_map(settings.Settings(data_dir=tmp_path, source_dir=None, tiles_url=""))
    folium.Marker([50.85, 4.35], icon=folium.Icon(icon="star")).add_to(m)
    maps.localise_assets(m)
    html = m.get_root().render()
    assert "/app/static/vendor/leaflet.awesome-markers/leaflet.awesome-markers.min.js" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)


def test_an_unknown_plugin_asset_fails_loudly() -> None:
    m = folium.Map(tiles=None)
    element = folium.MacroElement()
    element.default_js = [("some_cdn_plugin", "https://cdn.example.org/plugin.js")]
    m.add_child(element)
    with pytest.raises(KeyError):
        maps.localise_assets(m)


def test_choropleth_classes_follow_quantiles_and_the_legend_matches() -> None:
    values = pd.Series(range(1, 11), index=[f"2100{i}" for i in range(10)], dtype=float)
    colours, classes = maps.class_colours(values)
    assert [c for c, _, _ in classes] == list(maps.SEQUENTIAL_PALETTE)
    assert colours.iloc[0] == maps.SEQUENTIAL_PALETTE[0] and colours.iloc[-1] == maps.SEQUENTIAL_PALETTE[-1]
    assert set(colours) <= {c for c, _, _ in classes}


def test_equal_values_make_one_class() -> None:
    colours, classes = maps.class_colours(pd.Series([0.5, 0.5, 0.5]))
    assert len(set(colours)) == 1 and len(classes) == 1
