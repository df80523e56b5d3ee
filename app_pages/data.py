"""Data & sources page (analysts): downloads of everything published, licences and attribution."""

from __future__ import annotations

import streamlit as st

from core import settings
from core.errors import BimError
from i18n import number, t
from ingest import export
from ui import data, state

lang = st.session_state[state.LANG_KEY]
config = settings.load()
st.title(t("data.title", lang))
st.markdown(t("data.intro", lang))

try:
    layers = data.layers(config.data_dir)
    snap = data.snapshot(config)
    records = data.published(snap)
    stats = data.statistics(snap, ())
except BimError as exc:
    st.error(t("app.unavailable", lang, error=exc))
    st.stop()
attribution = layers.reference.metadata.get("attribution", [])

st.subheader(t("data.initiatives_title", lang, n=number(len(records), lang)))
data.initiatives_download_buttons(records, lang, key="all")
st.caption(t("data.initiatives_note", lang))
licences = export.licences(records)
if licences:
    st.dataframe(licences, column_config={"source": t("column.source", lang), "licence": t("column.licence", lang)})

st.subheader(t("data.statistics_title", lang))
data.statistics_download_buttons(stats, attribution, lang)
st.caption(t("data.cli", lang))

st.subheader(t("data.attribution_title", lang))
metadata = layers.reference.metadata
st.markdown("\n".join(f"- {line}" for line in [*attribution, t("data.osm_line", lang)]))
st.caption(
    t(
        "data.years",
        lang,
        commune_year=metadata.get("commune_population_year", "?"),
        sector_year=metadata.get("sector_population_year", "?"),
        built_at=metadata.get("built_at", "?"),
    )
)
st.subheader(t("data.software_title", lang))
st.markdown(t("data.software", lang))
