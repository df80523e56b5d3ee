"""Agenda page (citizens): the initiatives' upcoming events by date, filtered by commune and category
(kept in the URL), downloadable as iCalendar, the whole filtered agenda or one event."""

from __future__ import annotations

import streamlit as st

from i18n import t, tn
from ui import agenda, components, data, page

ctx = page.start("agenda.title")
lang = ctx.lang
st.caption(t("agenda.intro", lang))
category_filter = components.category_filter("agenda_categories", lang)
commune_filter = components.commune_filter("agenda_communes", lang)
left, right = st.columns(2)
category_filter.draw(left, t("map.filter_categories", lang))
commune_filter.draw(right, t("map.filter_communes", lang))
with ctx.guard():
    listed = agenda.upcoming(data.store(ctx.config.database_url), commune_filter.chosen(), category_filter.chosen())
st.markdown(tn("agenda.count", len(listed), lang))
agenda.downloads(listed, lang)
agenda.event_list(listed, lang)
