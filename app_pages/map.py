"""Map page (citizens): published initiatives on the map and in a list, filtered, shareable by URL."""

from __future__ import annotations

import streamlit as st

from i18n import format_number, t, tn
from ui import components, data, maps, page
from web import embed, urls

ctx = page.start("map.title")
lang = ctx.lang
st.caption(t("map.intro", lang))

# The filters and the count sit above the map but are drawn after it, so the map's message
# leaves before the widgets'. Drawn in reading order, first visits took longer (benchmarks/app.py:
# first cluster 1.52-1.59x a bare Streamlit page instead of 1.31-1.47x).
filters = st.container()
with ctx.guard():
    layers = ctx.layers
    category_filter = components.category_filter("map_categories", lang)
    commune_filter = components.commune_filter("map_communes", lang)
    text_filter = components.text_filter("map_text", lang, "q")
    snap = ctx.snapshot
    categories = category_filter.chosen()
    nis_codes = commune_filter.chosen()
    text = text_filter.chosen()
    shown, total = data.filtered(snap, categories, nis_codes, text)
    map_page = data.initiatives_map(snap, lang, tuple(categories), tuple(nis_codes), text)

maps.show(map_page, t("map.frame_title", lang))
with ctx.guard():  # after the map: only the downloads below need the pictures
    listing = data.picture_listing(snap)
left, middle, right = filters.columns([2, 2, 1.5])
category_filter.draw(left, t("map.filter_categories", lang))
commune_filter.draw(middle, t("map.filter_communes", lang))
text_filter.draw(right, t("map.filter_text", lang), help=t("map.filter_text_help", lang))
filters.markdown(t("map.count", lang, shown=format_number(len(shown), lang), total=format_number(total, lang)))
unplaced = int((shown["lat"].isna() | shown["lon"].isna()).sum())
if unplaced:
    st.caption(tn("map.unplaced", unplaced, lang))
components.category_legend(lang)
st.caption(" · ".join([*layers.reference.metadata.get("attribution", []), t("data.osm_line", lang)]))

st.header(t("map.list_title", lang))
components.initiative_list(shown, lang)

st.header(t("download.title_filtered", lang))
components.initiatives_downloads(shown, lang, key="download", pictures=listing)

# Beyond the app: this view on another site (web/embed.py) and in a feed reader (web/feeds.py).
origin = urls.origin_of(st.context.url)
st.subheader(t("embed.title", lang))
st.caption(t("embed.help", lang))
# Wrapped: a code block that scrolls sideways is a region the keyboard cannot reach (axe, serious).
st.code(embed.snippet(origin, categories, nis_codes, text, lang), language="html", wrap_lines=True)
st.markdown(f"[{t('feed.link', lang)}]({urls.feed_url(origin, categories, nis_codes, text, lang)})")
