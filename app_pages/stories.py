"""Stories page: the latest stories of published initiatives, with their picture, initiative and
commune; filtered by commune and category (kept in the URL), a page at a time."""

from __future__ import annotations

import streamlit as st

from i18n import category_label, commune_name, format_number, t, tn
from ui import components, data, page, pictures, safe, state

PAGE_SIZE = 10

ctx = page.start("stories.title")
lang = ctx.lang
st.markdown(t("stories.intro", lang))  # not captions: Streamlit's caption grey is below AA contrast

left, right = st.columns(2)
commune_filter = components.commune_filter("stories_communes", lang)
category_filter = components.category_filter("stories_categories", lang)
commune_filter.draw(left, t("map.filter_communes", lang))
category_filter.draw(right, t("map.filter_categories", lang))
nis_codes, categories = commune_filter.chosen(), category_filter.chosen()
with ctx.guard():
    told = data.stories(ctx.snapshot)
    first_pictures = data.first_pictures(ctx.snapshot)
if nis_codes:
    told = told[told["nis_code"].isin(nis_codes)]
if categories:
    told = told[told["category"].isin(categories)]
if told.empty:
    st.info(t("stories.empty", lang))
    st.stop()

pages = -(-len(told) // PAGE_SIZE)
page_key = state.init_value("stories_page", lang, "page", "1", [str(n) for n in range(1, pages + 1)])
page_number = (
    int(st.session_state[page_key])
    if pages == 1
    else int(st.selectbox(t("stories.page", lang, pages=pages), [str(n) for n in range(1, pages + 1)], key=page_key))
)
state.write_param("stories_page", lang, "page")
first = (page_number - 1) * PAGE_SIZE
shown = told.iloc[first : first + PAGE_SIZE]
st.markdown(
    tn(
        "stories.count",
        len(told),
        lang,
        first=format_number(first + 1, lang),
        last=format_number(first + len(shown), lang),
    )
)
items = []
for row in shown.itertuples(index=False):
    picture = first_pictures.get(row.id)
    facts = " · ".join(
        safe.text(fact) for fact in (category_label(row.category, lang), commune_name(row.nis_code, lang)) if fact
    )
    items.append(
        '<li class="bim-story">'
        + (f'<div class="bim-story-picture">{pictures.thumbnail(picture)}</div>' if picture else "")
        + f'<h2 style="font-size:1.2rem"><a href="{pictures.initiative_href(row.id, lang)}">'
        + f"{safe.text(row.name)}</a></h2>"
        + f"<p><small>{facts}</small></p><p>{safe.text(row.story)}</p>"
        + (f"<p><small>{pictures.credit_line(picture, lang)}</small></p>" if picture else "")
        + "</li>"
    )
st.html(f'<ul class="bim-stories" style="list-style:none;padding:0">{"".join(items)}</ul>')
