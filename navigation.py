"""The Streamlit script app.py serves: language, navigation and the page registry.

Pages live in app_pages/, one file each: a folder named pages/ beside this script would make
Streamlit 1.67 serve a fresh server's first request in its legacy multipage mode, skipping
this script.
"""

from __future__ import annotations

import streamlit as st

from i18n import t
from ui import state

# The favicon stays an emoji: a ":material/..." page icon is fetched from a font CDN.
st.set_page_config(page_title="Brussels initiatives map", page_icon="🗺️", layout="wide")

# (section, file, title key, icon, URL path). Contribution and moderation pages join here.
# The initiative page is reached by its links (`/initiative?id=`), not from the menu.
PAGES: list[tuple[str, str, str, str, str]] = [
    ("nav.explore", "app_pages/map.py", "page.map", ":material/map:", "map"),
    ("nav.explore", "app_pages/coverage.py", "page.coverage", ":material/bar_chart:", "coverage"),
    ("nav.explore", "app_pages/commune.py", "page.commune", ":material/account_balance:", "commune"),
    ("nav.explore", "app_pages/agenda.py", "page.agenda", ":material/event:", "agenda"),
    ("nav.explore", "app_pages/stories.py", "page.stories", ":material/auto_stories:", "stories"),
    ("nav.explore", "app_pages/initiative.py", "page.initiative", ":material/place:", "initiative"),
    ("nav.data", "app_pages/data.py", "page.data", ":material/download:", "data"),
    ("nav.contribute", "app_pages/contribute.py", "page.contribute", ":material/add_location_alt:", "contribute"),
    ("nav.contribute", "app_pages/moderate.py", "page.moderate", ":material/lock:", "moderate"),
]

lang = state.language()
sections: dict[str, list[st.Page]] = {}
for section, path, title, icon, url_path in PAGES:
    page = st.Page(
        path,
        title=t(title, lang),
        icon=icon,
        url_path=url_path,
        default=path == PAGES[0][1],
        visibility="hidden" if url_path == "initiative" else "visible",
    )
    sections.setdefault(t(section, lang), []).append(page)
current = st.navigation(sections)
state.language_selector(lang)
current.run()
