"""The walk / straight-line switch of the coverage and commune pages, and what goes with it.

The measure is kept in the URL (`?measure=walk|straight`, walk by default) like the other filters.
"""

from __future__ import annotations

import streamlit as st

from core import settings
from geo import coverage
from i18n import format_number, t
from ui import components, data, maps, state

SERVICE_AREA_COLOURS = {500: "#1a7f37", 1000: "#8fd19e"}


def choose(name: str, lang: str) -> str:
    """The measure switch; returns "walk" or "straight"."""
    key = state.init_value(name, lang, "measure", "walk", coverage.MEASURES)
    st.segmented_control(
        t("measure.label", lang),
        coverage.MEASURES,
        format_func=lambda m: t(f"measure.{m}", lang),
        key=key,
        required=True,
    )
    return str(state.write_param(name, lang, "measure") or "walk")


def same_metric(metric: str, measure: str) -> str:
    """`metric` in the other measure (a share keeps its radius); other metrics are the same in both."""
    for radius in coverage.RADII_M:
        if metric in (coverage.share_column(radius, "walk"), coverage.share_column(radius, "straight")):
            return coverage.share_column(radius, measure)
    return metric


def service_area_map(config: settings.Settings, layers: data.Layers, categories: tuple[str, ...], lang: str) -> None:
    """A map of the area within a 500 m and a 1 km walk of the initiatives of `categories`."""
    title = t("coverage.service_area_title", lang)
    st.header(title)
    area = data.service_area(data.snapshot(config), categories)
    m = maps.base_map(config)
    maps.add_commune_borders(m, layers.communes_web, lang)
    for _, row in area.iterrows():  # the two radii, largest first
        label = t("coverage.service_area_label", lang, radius=int(row["radius_m"]))
        shape = area[area["radius_m"] == row["radius_m"]].assign(label=label)
        maps.add_sectors(m, shape, SERVICE_AREA_COLOURS[int(row["radius_m"])], ["label"], [""])
    maps.show_map(m, title, lang, height=460)
    components.legend(
        (
            (colour, t("coverage.service_area_label", lang, radius=radius))
            for radius, colour in SERVICE_AREA_COLOURS.items()
        ),
        "&#9632;",
    )


def method_note(config: settings.Settings, metadata: dict, lang: str) -> str:
    """The method text, with the figures of this build."""
    walk = data.walking_data(config.data_dir).metadata
    return t(
        "coverage.method_walk",
        lang,
        sector_year=metadata.get("sector_population_year", "?"),
        commune_year=metadata.get("commune_population_year", "?"),
        points=format_number(walk["residents_points"], lang),
        fallback=walk["area_fallback_sectors"],
        km=format_number(walk["length_km"], lang),
    )
