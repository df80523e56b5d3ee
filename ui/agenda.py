"""The agenda's parts: upcoming published events filtered by commune and category, each as an
escaped list item, and their iCalendar files (the whole filtered agenda, or one event)."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

import pandas as pd
import streamlit as st

from i18n import category_label, commune_name, t
from i18n.formats import format_datetime
from ingest import agenda, events
from ingest.store import Store
from ui import components, safe


def upcoming(store: Store, nis_codes: list[str], categories: list[str]) -> pd.DataFrame:
    """Published events not over yet, by start, of the chosen communes and categories (none chosen: all)."""
    now = datetime.now(events.BRUSSELS).strftime(events.LOCAL_FORMAT)
    listed = events.listed(store, since=now)
    if nis_codes:
        listed = listed[listed["nis_code"].isin(nis_codes)]
    if categories:
        listed = listed[listed["category"].isin(categories)]
    return listed


def when(row: Any, lang: str) -> str:
    """An event's start (and end) in words, in Brussels time."""
    start = format_datetime(datetime.strptime(row.starts_at, events.LOCAL_FORMAT).replace(tzinfo=events.BRUSSELS), lang)
    if not row.ends_at:
        return start
    end = datetime.strptime(row.ends_at, events.LOCAL_FORMAT).replace(tzinfo=events.BRUSSELS)
    return f"{start} – {format_datetime(end, lang)}"


def item(row: Any, lang: str) -> str:
    """One event as escaped HTML: when, title, initiative (linked to its page), place, description, link."""
    link = safe.link_attribute(row.url)
    page = f"/initiative?id={safe.text(row.initiative_id)}"
    facts = [
        f"<strong>{safe.text(row.title)}</strong>",
        safe.text(when(row, lang)),
        f'<a href="{page}" target="_self">{safe.text(row.initiative_name)}</a>',
        safe.text(category_label(row.category, lang)),
        safe.text(commune_name(row.nis_code, lang)),
        safe.text(row.place),
        f'<a href="{link}" target="_blank" rel="noopener noreferrer">{link}</a>' if link else "",
    ]
    description = safe.text(row.description, 300)
    return f"<li>{' · '.join(filter(None, facts))}{f'<br><small>{description}</small>' if description else ''}</li>"


def event_list(listed: pd.DataFrame, lang: str) -> None:
    """The events, each with its own iCalendar download."""
    if listed.empty:
        st.info(t("agenda.empty", lang))
        return
    for index, row in enumerate(listed.itertuples(index=False)):
        st.html(f'<ul class="bim-list">{item(row, lang)}</ul>')
        build = functools.partial(agenda.to_ics, listed.iloc[[index]])
        ics = components.Download(t("agenda.download_event", lang), build, f"event-{row.id}.ics", "text/calendar")
        components.download_buttons([ics], key=f"agenda_{row.id}")


def downloads(listed: pd.DataFrame, lang: str) -> None:
    """The filtered agenda as iCalendar and CSV."""
    components.download_buttons(
        [
            components.Download(
                t("agenda.download_ics", lang), lambda: agenda.to_ics(listed), "agenda.ics", "text/calendar"
            ),
            components.Download(
                t("agenda.download_csv", lang), lambda: agenda.to_csv(listed), "agenda.csv", "text/csv"
            ),
        ],
        key="agenda",
    )
