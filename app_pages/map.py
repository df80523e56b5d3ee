"""Map page (citizens): published initiatives on the map and in a list, filtered, shareable by URL."""

from __future__ import annotations

import streamlit as st

from core import settings
from core.errors import BimError
from core.taxonomy import CATEGORIES
from i18n import category_label, commune_name, commune_names, number, t
from ui import data, maps, safe, state

LIST_PAGE_SIZE = 50
LIST_DESCRIPTION_CHARS = 400

lang = st.session_state[state.LANG_KEY]
config = settings.load()
st.title(t("map.title", lang))
st.caption(t("map.intro", lang))

# The filters and the count sit above the map but are drawn after it, so the map's message
# leaves before the widgets'. Drawn in reading order, first visits took longer (benchmarks/app.py:
# first cluster 1.52-1.59x a bare Streamlit page instead of 1.31-1.47x).
filters = st.container()
try:
    layers = data.layers(config.data_dir)
    names = commune_names(lang)
    categories_key = state.init_list("map_categories", lang, "cat", CATEGORIES)
    communes_key = state.init_list("map_communes", lang, "commune", names)
    text_key = state.init_value("map_text", lang, "q")
    snap = data.snapshot(config)
    categories = state.write_param("map_categories", lang, "cat")
    nis_codes = state.write_param("map_communes", lang, "commune")
    text = state.write_param("map_text", lang, "q")
    shown, total = data.filtered(snap, categories, nis_codes, text)
    map_page = data.initiatives_map(snap, lang, tuple(categories), tuple(nis_codes), text)
except BimError as exc:
    st.error(t("app.unavailable", lang, error=exc))
    st.stop()

maps.show(map_page, t("map.frame_title", lang))
left, middle, right = filters.columns([2, 2, 1.5])
left.multiselect(
    t("map.filter_categories", lang),
    list(CATEGORIES),
    format_func=lambda key: category_label(key, lang),
    key=categories_key,
    placeholder=t("map.filter_all", lang),
)
middle.multiselect(
    t("map.filter_communes", lang),
    list(names),
    format_func=names.__getitem__,
    key=communes_key,
    placeholder=t("map.filter_all", lang),
)
right.text_input(t("map.filter_text", lang), key=text_key, help=t("map.filter_text_help", lang))
filters.markdown(t("map.count", lang, shown=number(len(shown), lang), total=number(total, lang)))
unplaced = int((shown["lat"].isna() | shown["lon"].isna()).sum())
if unplaced:
    st.caption(t("map.unplaced", lang, n=unplaced))
legend = " ".join(
    f'<span style="white-space:nowrap"><span style="color:{c.colour}">&#9679;</span> '
    f"{safe.text(category_label(key, lang))}</span>"
    for key, c in CATEGORIES.items()
)
st.html(f'<div class="bim-legend" aria-label="{safe.text(t("map.legend", lang))}">{legend}</div>')
st.caption(" · ".join([*layers.reference.metadata.get("attribution", []), t("data.osm_line", lang)]))

st.subheader(t("map.list_title", lang))
pages = max(1, -(-len(shown) // LIST_PAGE_SIZE))
page = st.number_input(t("map.list_page", lang, pages=pages), 1, pages, 1) if pages > 1 else 1
first = (page - 1) * LIST_PAGE_SIZE
items = []
picture_label = safe.text(t("contribute.picture", lang))
for row in shown.iloc[first : first + LIST_PAGE_SIZE].itertuples(index=False):
    address = " ".join(filter(None, (safe.text(v) for v in (row.street, row.housenumber, row.postcode, row.locality))))
    link = safe.link_attribute(row.website)
    facts = [
        f"<strong>{safe.text(row.name)}</strong>",
        safe.text(category_label(row.category, lang)),
        safe.text(commune_name(row.nis_code, lang)),
        address,
        f'<a href="{link}" target="_blank" rel="noopener noreferrer">{link}</a>' if link else "",
    ]
    description = safe.text(row.description, LIST_DESCRIPTION_CHARS)
    story = safe.text(row.story, LIST_DESCRIPTION_CHARS)  # from the contribute form, like the picture link
    picture = safe.link_attribute(row.image_url)
    notes = [
        f"<small>{description}</small>" if description else "",
        f"<small><em>{story}</em></small>" if story else "",
        f'<small><a href="{picture}" target="_blank" rel="noopener noreferrer">{picture_label}</a></small>'
        if picture
        else "",
    ]
    items.append(f"<li>{' · '.join(filter(None, facts))}{''.join('<br>' + n for n in notes if n)}</li>")
if items:
    st.caption(t("map.list_showing", lang, first=first + 1, last=first + len(items), n=number(len(shown), lang)))
    st.html(f'<ol class="bim-list" start="{first + 1}">{"".join(items)}</ol>')
else:
    st.info(t("map.list_empty", lang))

st.subheader(t("download.title_filtered", lang))
data.initiatives_download_buttons(shown, lang, key="download")
