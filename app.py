"""Streamlit entry point: the map of citizen initiatives in the 19 communes of Brussels."""

from __future__ import annotations

import streamlit as st

import settings
from geo import reference

st.set_page_config(page_title="Brussels initiatives map", page_icon="🗺️", layout="wide")


@st.cache_data(show_spinner=False)
def _communes() -> reference.Reference:
    return reference.load(settings.load().data_dir)


st.title("Brussels initiatives map")
built = _communes()
st.write(f"{len(built.communes)} communes, {len(built.quartiers)} quartiers, {len(built.sectors)} statistical sectors.")
st.dataframe(built.communes.drop(columns="geometry"), hide_index=True, use_container_width=True)
st.caption(" · ".join(built.metadata["attribution"]))
