"""Data & sources page (analysts): downloads of everything published, licences and attribution."""

from __future__ import annotations

import streamlit as st

from i18n import format_datetime, format_number, t
from ingest import export
from ui import components, data, page

ctx = page.start("data.title")
lang = ctx.lang
st.markdown(t("data.intro", lang))

with ctx.guard():
    layers = ctx.layers
    records = data.published(ctx.snapshot)
    stats = data.statistics(ctx.snapshot, ())
    listing = data.picture_listing(ctx.snapshot)
attribution = layers.reference.metadata.get("attribution", [])

st.header(t("data.initiatives_title", lang, n=format_number(len(records), lang)))
components.initiatives_downloads(records, lang, key="all", pictures=listing)
st.caption(t("data.initiatives_note", lang))
licences = export.licences(records)
if licences:
    st.dataframe(licences, column_config={"source": t("column.source", lang), "licence": t("column.licence", lang)})

st.header(t("data.statistics_title", lang))
components.statistics_downloads(stats, attribution, lang)
st.markdown(t("data.cli", lang))  # commands, not a caption: its faded colour left their code at 3:1

st.header(t("data.attribution_title", lang))
metadata = layers.reference.metadata
st.markdown("\n".join(f"- {line}" for line in [*attribution, t("data.osm_line", lang)]))
st.caption(
    t(
        "data.years",
        lang,
        commune_year=metadata.get("commune_population_year", "?"),
        sector_year=metadata.get("sector_population_year", "?"),
        built_at=format_datetime(metadata["built_at"], lang) if metadata.get("built_at") else "?",
    )
)
st.header(t("data.software_title", lang))
st.markdown(t("data.software", lang))
