"""The pieces pages compose: filters kept in the URL, legends, the initiative list, downloads, form errors.

A component draws one thing the same way on every page that shows it. It takes the language and
the data it shows, and `where` (a column or container) when the page lays it out; it reads no
store itself: the page passes what it read through its `ctx.snapshot` (ui/page.py).

A filter is made in two steps, so that a page may read its value before drawing its widget (the
map page draws the map first, see app_pages/map.py):

    categories = components.category_filter("stories_categories", lang)  # URL -> session
    chosen = categories.chosen()                                         # session -> URL, the value
    categories.draw(column, t("map.filter_categories", lang))           # the widget
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.errors import SubmissionError
from core.taxonomy import CATEGORIES
from core.text import is_missing
from geo import coverage
from i18n import category_label, commune_name, commune_names, format_number, t
from ingest import contribute, export
from ui import data, pictures, safe, state

LIST_PAGE_SIZE = 50
# What a list item shows: the page slices these alone, not every column of the records.
LIST_COLUMNS = (
    "id", "name", "category", "nis_code", "street", "housenumber", "postcode", "locality", "website", "description",
    "story", "image_url",
)  # fmt: skip
LIST_DESCRIPTION_CHARS = 400
MIME_TYPES = {"geojson": "application/geo+json", "csv": "text/csv", "gpkg": "application/geopackage+sqlite3"}


@dataclass(frozen=True)
class ListFilter:
    """A multiselect whose choice lives in the URL (`?param=a,b`) and this session (ui/state.py)."""

    name: str
    param: str
    lang: str
    options: Mapping[str, str]  # value -> label, in the order shown
    key: str

    def chosen(self) -> list[str]:
        """The chosen values (empty: all), written back to the URL."""
        return cast(list[str], state.write_param(self.name, self.lang, self.param))

    def draw(self, where: DeltaGenerator, label: str) -> None:
        where.multiselect(
            label,
            list(self.options),
            format_func=self.options.__getitem__,
            key=self.key,
            placeholder=t("map.filter_all", self.lang),
        )


@dataclass(frozen=True)
class TextFilter:
    """A free-text filter whose text lives in the URL (`?param=`) and this session."""

    name: str
    param: str
    lang: str
    key: str

    def chosen(self) -> str:
        """The text typed (may be ""), written back to the URL."""
        return cast(str, state.write_param(self.name, self.lang, self.param))

    def draw(self, where: DeltaGenerator, label: str, help: str | None = None) -> None:
        where.text_input(label, key=self.key, help=help)


def list_filter(name: str, lang: str, param: str, options: Mapping[str, str]) -> ListFilter:
    """Filter `name` (a page's own name: its URL state is per page), starting from `?param=`."""
    return ListFilter(name, param, lang, options, state.init_list(name, lang, param, options))


def category_filter(name: str, lang: str) -> ListFilter:
    """The category filter (`?cat=library,food`), labels in `lang`."""
    return list_filter(name, lang, "cat", {key: category_label(key, lang) for key in CATEGORIES})


def commune_filter(name: str, lang: str) -> ListFilter:
    """The commune filter (`?commune=21004`), names in `lang`."""
    return list_filter(name, lang, "commune", commune_names(lang))


def text_filter(name: str, lang: str, param: str = "q") -> TextFilter:
    """A free-text filter (`?q=repair`): what the page searches for is its own (ui/data.filtered)."""
    return TextFilter(name, param, lang, state.init_value(name, lang, param))


def legend(items: Iterable[tuple[str, str]], symbol: str, label: str | None = None) -> None:
    """A legend line: per (colour, text), the `symbol` (an HTML entity) in its colour, then the text."""
    entries = " ".join(
        f'<span style="white-space:nowrap"><span style="color:{colour}">{symbol}</span> {safe.text(text)}</span>'
        for colour, text in items
    )
    named = f' aria-label="{safe.text(label)}"' if label else ""
    st.html(f'<div class="bim-legend"{named}>{entries}</div>')


def category_legend(lang: str) -> None:
    """The colour of each category on the maps."""
    legend(((c.colour, category_label(key, lang)) for key, c in CATEGORIES.items()), "&#9679;", t("map.legend", lang))


def _list_item(row: Any, lang: str) -> str:  # a row of DataFrame.itertuples
    """One initiative as a list item: its facts on a line, then description, story and picture link."""
    address = " ".join(filter(None, (safe.text(v) for v in (row.street, row.housenumber, row.postcode, row.locality))))
    link = safe.link_attribute(row.website)
    name = safe.text(row.name)
    record_id = getattr(row, "id", None)  # records not read from the store have none, nor a page
    if not is_missing(record_id):
        name = f'<a href="{pictures.initiative_href(str(record_id), lang)}">{name}</a>'
    facts = [
        f"<strong>{name}</strong>",
        safe.text(category_label(row.category, lang)),
        safe.text(commune_name(row.nis_code, lang)),
        address,
        f'<a href="{link}" target="_blank" rel="noopener noreferrer">{link}</a>' if link else "",
    ]
    description = safe.text(row.description, LIST_DESCRIPTION_CHARS)
    story = safe.text(row.story, LIST_DESCRIPTION_CHARS)  # from the contribute form, like the picture link
    picture = safe.link_attribute(row.image_url)
    picture_label = safe.text(t("contribute.picture", lang))
    notes = [
        f"<small>{description}</small>" if description else "",
        f"<small><em>{story}</em></small>" if story else "",
        f'<small><a href="{picture}" target="_blank" rel="noopener noreferrer">{picture_label}</a></small>'
        if picture
        else "",
    ]
    return f"<li>{' · '.join(filter(None, facts))}{''.join('<br>' + n for n in notes if n)}</li>"


def initiative_list(records: pd.DataFrame, lang: str, key: str | None = None) -> None:
    """`records` as a numbered list, LIST_PAGE_SIZE at a time (a page number when there are more)."""
    pages = max(1, -(-len(records) // LIST_PAGE_SIZE))
    page = st.number_input(t("map.list_page", lang, pages=pages), 1, pages, 1, key=key) if pages > 1 else 1
    first = (page - 1) * LIST_PAGE_SIZE
    shown = records[[c for c in LIST_COLUMNS if c in records.columns]].iloc[first : first + LIST_PAGE_SIZE]
    items = [_list_item(row, lang) for row in shown.itertuples(index=False)]
    if items:
        st.caption(
            t(
                "map.list_showing",
                lang,
                first=format_number(first + 1, lang),
                last=format_number(first + len(items), lang),
                n=format_number(len(records), lang),
            )
        )
        st.html(f'<ol class="bim-list" start="{first + 1}">{"".join(items)}</ol>')
    else:
        st.info(t("map.list_empty", lang))


@dataclass(frozen=True)
class Download:
    """A file offered for download, built only when clicked."""

    label: str
    build: Callable[[], bytes]
    file_name: str
    mime: str


def download_buttons(files: Sequence[Download], key: str | None = None) -> None:
    """`files` side by side; `key` tells apart two rows of the same files on one page."""
    for column, file in zip(st.columns(len(files)), files, strict=True):
        column.download_button(
            file.label,
            data=file.build,
            file_name=file.file_name,
            mime=file.mime,
            on_click="ignore",
            key=None if key is None else f"{key}_{file.file_name}",
        )


def initiatives_downloads(records: pd.DataFrame, lang: str, key: str, pictures: pd.DataFrame | None = None) -> None:
    """`records` as GeoJSON, CSV and GeoPackage, by the same code as `python -m ingest export`
    (with `pictures`, `data.picture_listing`, each lists its published pictures)."""
    download_buttons(
        [
            Download(
                t(f"download.{fmt}", lang),
                functools.partial(data.export_bytes, records, cast(export.Format, fmt), pictures),
                f"initiatives.{fmt}",
                MIME_TYPES[fmt],
            )
            for fmt in export.FORMATS
        ],
        key=key,
    )


def statistics_downloads(stats: gpd.GeoDataFrame, attribution: list[str], lang: str) -> None:
    """The per-commune statistics as CSV and as GeoJSON polygons."""
    download_buttons(
        [
            Download(
                t("download.stats_csv", lang),
                lambda: coverage.statistics_csv(stats),
                "commune-statistics.csv",
                MIME_TYPES["csv"],
            ),
            Download(
                t("download.stats_geojson", lang),
                lambda: coverage.statistics_geojson(stats, attribution),
                "commune-statistics.geojson",
                MIME_TYPES["geojson"],
            ),
        ]
    )


def submission_errors(error: SubmissionError, lang: str, label_key: str, order: Sequence[str] = ()) -> None:
    """One error per wrong field of a form, fields of `order` first (the form's order).

    `label_key` names each field's label message, with `{field}` in it ("contribute.{field}").
    """
    limits = contribute.FORM_LIMITS
    fields = [f for f in order if f in error.problems] + [f for f in error.problems if f not in order]
    for field in fields:
        st.error(
            t(
                f"contribute.error_{error.problems[field]}",
                lang,
                field=t(label_key.format(field=field), lang),
                limit=limits.get(field, ""),
            )
        )
