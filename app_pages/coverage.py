"""Coverage page (town halls): per-commune initiatives, density and residents within reach."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.taxonomy import CATEGORIES
from geo import coverage
from i18n import category_label, commune_names, metric_value, t
from ui import components, data, maps, page, state
from ui import measure as ui_measure

ctx = page.start("coverage.title")
lang, config = ctx.lang, ctx.config
st.caption(t("coverage.intro", lang))

measure = ui_measure.choose("coverage_measure", lang)
metrics = coverage.metric_columns(measure)
metric_key = state.init_value("coverage_metric", lang, "metric", coverage.share_column(500, measure), metrics)
if st.session_state[metric_key] not in metrics:  # the measure changed: keep the radius, switch the measure
    st.session_state[metric_key] = ui_measure.same_metric(st.session_state[metric_key], measure)
category_filter = components.category_filter("coverage_categories", lang)
left, right = st.columns(2)
left.selectbox(t("coverage.metric", lang), metrics, format_func=lambda m: t(f"metric.{m}", lang), key=metric_key)
category_filter.draw(right, t("coverage.categories", lang))
metric = str(state.write_param("coverage_metric", lang, "metric"))
categories = tuple(category_filter.chosen())

with ctx.guard():
    layers = ctx.layers
    stats = data.statistics(ctx.snapshot, categories)

names = commune_names(lang)
summary = coverage.regional_summary(stats, measure)
scale = 100 if metric.startswith("share_") else 1


def formatted(value: float) -> str:
    return metric_value(value, metric, lang)


region_col, median_col = st.columns(2)
region_col.metric(t("coverage.region", lang), formatted(summary.loc[metric, "region"]))
median_col.metric(t("coverage.median", lang), formatted(summary.loc[metric, "median"]))

st.header(t("coverage.map_title", lang, metric=t(f"metric.{metric}", lang)))
values = stats.set_index("nis_code")[metric]
colours, classes = maps.class_colours(values)
shown = layers.communes_web.assign(
    commune=layers.communes_web["nis_code"].map(names),
    value=layers.communes_web["nis_code"].map(values).map(formatted),
)
m = maps.base_map(config)
maps.add_choropleth(m, shown, colours, ["commune", "value"], [t("column.commune", lang), t(f"metric.{metric}", lang)])
maps.show_map(m, t("coverage.map_title", lang, metric=t(f"metric.{metric}", lang)), lang, height=460)
components.legend(((colour, f"{formatted(low)} – {formatted(high)}") for colour, low, high in classes), "&#9632;")

st.header(t("coverage.chart_title", lang))
chart = stats.assign(commune=stats["nis_code"].map(names), value=stats[metric] * scale)
st.bar_chart(chart, x="commune", y="value", horizontal=True, sort="-value", x_label="", y_label="")

st.header(t("coverage.table_title", lang))
table = stats.drop(columns="geometry").assign(commune=stats["nis_code"].map(names))
column_config: dict[str, Any] = {
    "commune": t("column.commune", lang),
    "population": st.column_config.NumberColumn(t("column.population", lang), format="localized"),
    "area_km2": st.column_config.NumberColumn(t("column.area_km2", lang), format="%.2f"),
    "initiatives": t("metric.initiatives", lang),
    "per_10k_residents": st.column_config.NumberColumn(t("metric.per_10k_residents", lang), format="%.2f"),
    "per_km2": st.column_config.NumberColumn(t("metric.per_km2", lang), format="%.2f"),
    **{
        coverage.share_column(r, m): st.column_config.NumberColumn(
            t(f"metric.{coverage.share_column(r, m)}", lang), format="percent"
        )
        for r in coverage.RADII_M
        for m in coverage.MEASURES
    },
    **{coverage.category_column(k): category_label(k, lang) for k in CATEGORIES},
}
st.dataframe(table[list(column_config)], column_config=column_config, hide_index=True, width="stretch")
regional = {
    t("coverage.metric", lang): [t(f"metric.{m}", lang) for m in summary.index],
    t("coverage.region", lang): [metric_value(v, m, lang) for m, v in summary["region"].items()],
    t("coverage.median", lang): [metric_value(v, m, lang) for m, v in summary["median"].items()],
}
st.dataframe(regional, hide_index=True, width="stretch")

ui_measure.service_area_map(config, layers, categories, lang)

with st.expander(t("coverage.method_title", lang)):
    st.markdown(ui_measure.method_note(config, layers.reference.metadata, lang))

attribution = layers.reference.metadata.get("attribution", [])
components.statistics_downloads(stats, attribution, lang)
