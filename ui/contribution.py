"""Helpers of the contribute and moderate pages: the pin map, the geocoding preview, the login.

The pin map sends back only `last_clicked`, so panning and zooming never rerun the script.
"""

from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from core.errors import BimError
from core.settings import Settings
from geo.geocode import geocode_one
from ui import data, maps

PIN_ZOOM = 16
PIN_MAP_HEIGHT_PX = 380
PIN_COLOUR = "#d62728"
MARKDOWN_SPECIALS = frozenset("\\`*_{}[]()<>#+-.!|~$:")


@st.cache_data(show_spinner=False, max_entries=256)
def _geocoded(address: str, _settings: Settings, data_dir: str) -> dict | None:
    try:
        return geocode_one(address, _settings)
    except BimError:
        return None


def geocode_preview(address: str, settings: Settings) -> dict | None:
    """The offline geocoder's answer for `address` (cached), or None when it cannot answer."""
    return _geocoded(address.strip(), settings, str(settings.data_dir)) if address.strip() else None


def pin_map(settings: Settings, point: tuple[float, float] | None, key: str) -> tuple[float, float] | None:
    """A map with `point` (lon, lat) marked and the commune borders; returns a new click as (lon, lat).

    A click is returned once: the same position seen again on a later run gives None.
    """
    location = (point[1], point[0]) if point else maps.BRUSSELS
    m = maps.base_map(settings, location=location, zoom=PIN_ZOOM if point else maps.ZOOM_START)
    maps.add_commune_borders(m, data.layers(settings.data_dir).communes_web, st.session_state.get("lang", "fr"))
    if point:
        folium.CircleMarker(location, radius=9, color=PIN_COLOUR, fill=True, fill_opacity=0.8).add_to(m)
    maps.localise_assets(m)
    shown = st_folium(m, key=key, height=PIN_MAP_HEIGHT_PX, use_container_width=True, returned_objects=["last_clicked"])
    clicked = (shown or {}).get("last_clicked")
    if not clicked:
        return None
    position = (round(float(clicked["lng"]), 7), round(float(clicked["lat"]), 7))
    if st.session_state.get(f"{key}:seen") == position:
        return None
    st.session_state[f"{key}:seen"] = position
    return position


def moderator_password_hash(settings: Settings) -> str:
    """The configured hash: BIM_MODERATOR_PASSWORD_HASH, else `moderator_password_hash` in Streamlit
    secrets, else "" (the moderation page stays closed)."""
    if settings.moderator_password_hash:
        return settings.moderator_password_hash
    try:
        return str(st.secrets.get("moderator_password_hash", "")).strip()
    except FileNotFoundError:  # no secrets.toml (StreamlitSecretNotFoundError)
        return ""


def markdown_text(value: object) -> str:
    """User text for a Markdown message (st.success, st.caption): markup characters backslash-escaped,
    so a name like `[x](https://...)` or `**x**` shows as typed."""
    return "".join("\\" + c if c in MARKDOWN_SPECIALS else c for c in str(value))
