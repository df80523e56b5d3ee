"""Commune report card: one commune against the regional median, its categories, gaps and neighbours."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from geo import coverage
from i18n import category_label, commune_name, commune_names, format_number, metric_value, t
from ingest import export
from ui import components, data, maps, page, state
from ui import measure as ui_measure

ctx = page.start("commune.title")
lang, config = ctx.lang, ctx.config
names = commune_names(lang)

commune_key = state.init_value("commune", lang, "commune", next(iter(names)), names)
st.selectbox(t("commune.choose", lang), list(names), format_func=names.__getitem__, key=commune_key)
nis_code = str(state.write_param("commune", lang, "commune"))
measure = ui_measure.choose("commune_measure", lang)

with ctx.guard():
    layers = ctx.layers
    snap = ctx.snapshot
    records = data.published(snap)
    report = data.commune_report(snap, nis_code, measure)


def _delta(difference: float, share: bool, lang: str) -> str:
    """A difference to the median, signed: a share's in percentage points."""
    if not share:
        return format_number(difference, lang, 1, signed=True)
    return t("commune.delta_points", lang, value=format_number(difference * 100, lang, 1, signed=True))


st.header(t("commune.figures", lang, commune=names[nis_code]))
for column, (metric, row) in zip(st.columns(len(report.figures)), report.figures.iterrows(), strict=True):
    share = metric.startswith("share_")
    column.metric(
        t(f"metric.{metric}", lang),
        metric_value(row["commune"], metric, lang),
        delta=f"{_delta(row['vs_median'], share, lang)} {t('commune.vs_median', lang)}",
        delta_color="normal",
        help=t(
            "commune.median_help",
            lang,
            median=metric_value(row["median"], metric, lang),
            region=metric_value(row["region"], metric, lang),
        ),
    )

st.header(t("commune.categories_title", lang))
categories = report.categories.assign(category=report.categories["category"].map(lambda k: category_label(k, lang)))
st.dataframe(
    categories,
    column_config={
        "category": t("column.category", lang),
        "initiatives": t("metric.initiatives", lang),
        "share": st.column_config.NumberColumn(t("column.share", lang), format="percent"),
        "regional_share": st.column_config.NumberColumn(t("column.regional_share", lang), format="percent"),
    },
    hide_index=True,
    width="stretch",
)

st.header(t("commune.gaps_title", lang, radius=coverage.GAP_RADIUS_M))
gaps = report.gaps.assign(residents=report.gaps["residents_beyond"].round().astype(int)).drop(columns="geometry")
st.caption(
    t(
        "commune.gaps_beyond",
        lang,
        radius=coverage.GAP_RADIUS_M,
        n=format_number(len(gaps), lang),
        streets=len(report.streets),
        measure=t(f"measure.{measure}", lang),
        residents=format_number(gaps["residents"].sum(), lang),
    )
)
border = layers.communes_web[layers.communes_web["nis_code"] == nis_code]
gap_shapes = layers.sectors_web[layers.sectors_web["sector_code"].isin(gaps["sector_code"])].merge(
    gaps[["sector_code", "residents"]], on="sector_code"
)
centre = border.geometry.iloc[0].representative_point()
m = maps.base_map(config, location=(centre.y, centre.x), zoom=13)
maps.add_commune_borders(m, border, lang)
maps.add_sectors(
    m, gap_shapes, "#d62728", ["name_fr", "name_nl", "residents"], ["FR", "NL", t("column.residents", lang)]
)
served = pd.concat([records[records["nis_code"] == nis_code], report.across_border])
maps.add_initiatives(m, data.marker_table(snap), served["id"], lang, names)
maps.show_map(m, t("commune.map_title", lang, commune=names[nis_code]), lang, height=460)
gap_columns: dict[str, Any] = {
    "sector_code": t("column.sector", lang),
    f"name_{'nl' if lang == 'nl' else 'fr'}": t("column.name", lang),
    "residents": t("column.residents_beyond", lang),
    "share_beyond": st.column_config.NumberColumn(t("column.share_beyond", lang), format="percent"),
    "nearest_initiative_m": st.column_config.NumberColumn(t("column.nearest_m", lang), format="%.0f"),
}
if gaps.empty:
    st.success(t("commune.no_gaps", lang, radius=coverage.GAP_RADIUS_M))
else:
    st.dataframe(gaps[list(gap_columns)], column_config=gap_columns, hide_index=True, width="stretch")
    st.subheader(t("commune.gap_streets_title", lang, radius=coverage.GAP_RADIUS_M))
    street_columns: dict[str, Any] = {
        f"street_{'nl' if lang == 'nl' else 'fr'}": t("column.street", lang),
        "residents_beyond": st.column_config.NumberColumn(t("column.residents_beyond", lang), format="%.0f"),
        "share_beyond": st.column_config.NumberColumn(t("column.share_beyond", lang), format="percent"),
        "farthest_m": st.column_config.NumberColumn(t("column.farthest_m", lang), format="%.0f"),
    }
    st.dataframe(report.streets[list(street_columns)], column_config=street_columns, hide_index=True, width="stretch")

st.header(t("commune.across_title", lang, radius=coverage.BORDER_RADIUS_M))
across = report.across_border.assign(
    category=report.across_border["category"].map(lambda k: category_label(k, lang)),
    commune=report.across_border["nis_code"].map(lambda c: commune_name(c, lang) or t("commune.outside_region", lang)),
)
across_columns: dict[str, Any] = {
    "name": t("column.name", lang),
    "category": t("column.category", lang),
    "commune": t("column.commune", lang),
    "distance_m": st.column_config.NumberColumn(t("column.distance_m", lang), format="%.0f"),
}
if across.empty:
    st.info(t("commune.no_across", lang))
else:
    st.dataframe(across[list(across_columns)], column_config=across_columns, hide_index=True, width="stretch")


def across_csv() -> bytes:
    """The initiatives across the border: public fields, spreadsheet-safe, with their distance."""
    public = export.spreadsheet_safe(export.public_records(report.across_border))
    return public.assign(distance_m=report.across_border["distance_m"].round(1)).to_csv(index=False).encode()


components.download_buttons(
    [
        components.Download(t(f"download.report_{part}", lang), build, f"commune-{nis_code}-{part}.csv", "text/csv")
        for part, build in {
            "figures": lambda: report.figures.to_csv().encode(),
            "categories": lambda: report.categories.to_csv(index=False).encode(),
            "gaps": lambda: gaps.to_csv(index=False).encode(),
            "streets": lambda: report.streets.to_csv(index=False).encode(),
            "across": across_csv,
        }.items()
    ]
)
