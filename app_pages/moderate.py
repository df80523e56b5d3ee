"""Moderation page: log in, then review the pending queue (approve, reject, mark duplicate, edit,
move the point) and import files. Nothing of the moderation content renders before a login."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from core import settings
from core.auth import check_login
from core.errors import BimError, SubmissionError
from core.record import PRECISIONS
from core.taxonomy import CATEGORIES
from i18n import category_label, commune_name, t
from ingest import contribute, export, pipeline
from ui import contribution, data, safe, state

lang = st.session_state[state.LANG_KEY]
config = settings.load()
st.title(t("moderate.title", lang))

stored_hash = contribution.moderator_password_hash(config)
if not stored_hash:
    st.warning(t("moderate.no_password", lang))
    st.code(
        "python -m ingest hash-password\n"
        "export BIM_MODERATOR_PASSWORD_HASH='scrypt$...'\n"
        "# or, in .streamlit/secrets.toml:  moderator_password_hash = 'scrypt$...'",
        language="sh",
    )
    st.stop()

if "moderator" not in st.session_state:
    lock = contribution.lockout()
    with st.form("moderate_login"):
        who = st.text_input(t("moderate.who", lang), max_chars=80)
        password = st.text_input(t("moderate.password", lang), type="password", max_chars=1024)
        attempted = st.form_submit_button(t("moderate.login", lang), type="primary")
    if attempted:
        try:
            accepted = check_login(password, stored_hash, lock)
        except BimError as exc:
            st.error(str(exc))
            st.stop()
        if accepted:
            st.session_state["moderator"] = who.strip() or "moderator"
            st.rerun()
        left = lock.seconds_left()
        if left > 0:
            st.error(t("moderate.locked", lang, minutes=math.ceil(left / 60)))
        else:
            st.error(t("moderate.wrong_password", lang))
    st.stop()

moderator = st.session_state["moderator"]
store = data.store(config.database_url)
top_left, top_right = st.columns([4, 1])
top_left.caption(t("moderate.logged_in", lang, who=contribution.markdown_text(moderator)))
if top_right.button(t("moderate.logout", lang)):
    for key in ("moderator", "moderate_report"):
        st.session_state.pop(key, None)
    st.rerun()
if "moderate_flash" in st.session_state:
    st.success(st.session_state.pop("moderate_flash"))


def precision_label(precision: object) -> str:
    """A geocoding precision in words ("exact address"), or as stored when it is not one of ours."""
    return t(f"precision.{precision}", lang) if precision in PRECISIONS else str(precision)


def done(message_key: str, name: object) -> None:
    """Say what was done on the next run (the queue is read again) and rerun."""
    st.session_state["moderate_flash"] = t(message_key, lang, name=contribution.markdown_text(name))
    st.rerun()


queue_tab, upload_tab = st.tabs([t("moderate.queue_tab", lang), t("moderate.upload_tab", lang)])

# The upload runs first, so that the queue below already holds the rows it adds.
with upload_tab:
    st.markdown(t("moderate.upload_intro", lang))
    uploaded = st.file_uploader(
        t("moderate.upload", lang), type=["csv", "txt", "xlsx", "geojson", "json"], key="moderate_upload"
    )
    if uploaded is not None and st.button(t("moderate.import", lang), type="primary"):
        bar = st.progress(0.0, text=t("moderate.stage", lang, stage=pipeline.STAGES[0]))

        def progress(stage: str) -> None:
            step = pipeline.STAGES.index(stage)
            bar.progress(step / len(pipeline.STAGES), text=t("moderate.stage", lang, stage=stage))

        with tempfile.TemporaryDirectory(prefix="bim-upload-") as folder:
            path = Path(folder) / Path(uploaded.name).name
            path.write_bytes(uploaded.getvalue())
            try:
                st.session_state["moderate_report"] = pipeline.import_file(
                    path, config, geocoder=contribute.upload_geocoder(config), progress=progress, review=True
                )
            except BimError as exc:
                st.session_state.pop("moderate_report", None)
                st.error(str(exc))
        bar.progress(1.0, text=t("moderate.stage", lang, stage="done"))
    report = st.session_state.get("moderate_report")
    if report is not None:
        st.markdown(
            t("moderate.report_title", lang, file=contribution.markdown_text(report.path.name), n=len(report.rows))
        )
        counts = st.columns(5)
        for column, key, value in zip(
            counts,
            ("new", "updated", "needs_review", "rejected", "duplicates"),
            (report.new, report.updated, report.needs_review, report.rejected, report.duplicates),
            strict=True,
        ):
            column.metric(t(f"moderate.count_{key}", lang), value)
        reasons = report.reasons()
        if not reasons.empty:
            st.table(
                pd.DataFrame({t("moderate.reason", lang): reasons.index, t("moderate.rows", lang): reasons.to_numpy()})
            )
        st.dataframe(report.rows, hide_index=True)
        st.download_button(
            t("moderate.report_download", lang),
            data=export.spreadsheet_safe(report.rows).to_csv(index=False).encode("utf-8"),
            file_name=f"{report.source_name}-report.csv",
            mime="text/csv",
            on_click="ignore",
        )

with queue_tab:
    pending, pairs = contribute.review_queue(store)
    if pending.empty:
        st.info(t("moderate.queue_empty", lang))
    else:
        st.markdown(t("moderate.queue_count", lang, n=len(pending)))
        table = pending.assign(
            duplicates=pending["id"].map(pairs["candidate_id"].value_counts()).fillna(0).astype(int),
            commune=pending["nis_code"].map(lambda code: commune_name(code, lang)),
            category=pending["category"].map(lambda key: category_label(key, lang)),
            geocode_precision=pending["geocode_precision"].map(precision_label),
        )
        st.dataframe(
            table[["name", "category", "commune", "geocode_precision", "geocode_score", "duplicates", "status_reason"]],
            hide_index=True,
            column_config={
                "name": t("column.name", lang),
                "category": t("column.category", lang),
                "commune": t("column.commune", lang),
                "geocode_precision": t("moderate.precision", lang),
                "geocode_score": t("moderate.score", lang),
                "duplicates": t("moderate.duplicates", lang),
                "status_reason": t("moderate.reason", lang),
            },
        )
        names = dict(zip(pending["id"], pending["name"], strict=True))
        chosen = st.selectbox(
            t("moderate.choose", lang), list(names), format_func=lambda i: str(names[i]), key="moderate_chosen"
        )
        record = store.get(chosen)
        if record is None:
            st.rerun()
        address = " ".join(str(record[c]) for c in ("street", "housenumber", "postcode", "locality") if record[c])
        website, image = safe.link_attribute(record["website"]), safe.link_attribute(record["image_url"])
        facts = [
            (t("column.name", lang), safe.text(record["name"])),
            (t("column.category", lang), safe.text(category_label(record["category"] or "other", lang))),
            (t("contribute.description", lang), safe.text(record["description"])),
            (t("contribute.address", lang), safe.text(address)),
            (t("column.commune", lang), safe.text(commune_name(record["nis_code"], lang))),
            (
                t("moderate.precision", lang),
                safe.text(f"{precision_label(record['geocode_precision'])} ({record['geocode_score'] or 0:.0f})"),
            ),
            (t("contribute.website", lang), f'<a href="{website}" rel="noopener noreferrer">{website}</a>'),
            (t("contribute.image_url", lang), f'<a href="{image}" rel="noopener noreferrer">{image}</a>'),
            (t("contribute.story", lang), safe.text(record["story"])),
            (t("moderate.reason", lang), safe.text(record["status_reason"])),
            (t("column.source", lang), safe.text(f"{record['source_name']} #{record['source_row'] or ''}")),
        ]
        rows = "".join(
            f'<tr><th style="text-align:left">{safe.text(label)}</th><td>{value}</td></tr>' for label, value in facts
        )
        st.html(f'<table class="bim-record">{rows}</table>')

        similar = pairs[pairs["candidate_id"] == chosen]
        if similar.empty:
            st.caption(t("moderate.no_duplicates", lang))
        else:
            items = "".join(
                f"<li>{safe.text(row.existing_name)} · {safe.text(row.reason)}"
                f"{'' if pd.isna(row.distance_m) else f' · {row.distance_m:.0f} m'}</li>"
                for row in similar.itertuples()
            )
            st.html(f"<p><strong>{safe.text(t('moderate.duplicates', lang))}</strong></p><ul>{items}</ul>")

        approve, reject, duplicate = st.columns(3)
        if approve.button(t("moderate.approve", lang), type="primary", key="moderate_approve"):
            store.set_status(chosen, "published", "", moderator)
            done("moderate.approved", record["name"])
        with reject.form("moderate_reject_form", border=False):
            reason = st.text_input(t("moderate.reject_reason", lang), max_chars=500)
            if st.form_submit_button(t("moderate.reject", lang)):
                if reason.strip():
                    store.set_status(chosen, "rejected", reason.strip(), moderator)
                    done("moderate.rejected", record["name"])
                st.error(t("moderate.reason_required", lang))
        with duplicate.form("moderate_duplicate_form", border=False):
            existing = dict(zip(similar["existing_id"], similar["existing_name"], strict=True))
            of = st.selectbox(
                t("moderate.duplicate_of", lang), [*existing, ""], format_func=lambda i: str(existing.get(i, "—"))
            )
            typed = st.text_input(t("moderate.duplicate_id", lang), max_chars=36)
            if st.form_submit_button(t("moderate.mark_duplicate", lang)):
                target = typed.strip() or of
                if target and target != chosen and store.get(target) is not None:
                    store.set_status(chosen, "duplicate", f"duplicate of {target}", moderator)
                    done("moderate.marked_duplicate", record["name"])
                st.error(t("moderate.duplicate_unknown", lang))

        with st.expander(t("moderate.edit", lang)), st.form("moderate_edit_form"):
            limits = contribute.FORM_LIMITS
            edited = {
                field: st.text_input(
                    t(f"moderate.field_{field}", lang), value=record[field] or "", max_chars=limits[field]
                )
                for field in ("name", "street", "housenumber", "postcode", "locality", "website", "image_url")
            }
            keys = list(CATEGORIES)
            edited["category"] = st.selectbox(
                t("contribute.category", lang),
                keys,
                index=keys.index(record["category"]) if record["category"] in keys else keys.index("other"),
                format_func=lambda key: category_label(key, lang),
            )
            for field in ("description", "story"):
                edited[field] = st.text_area(t(f"contribute.{field}", lang), value=record[field] or "")
            if st.form_submit_button(t("moderate.save", lang)):
                changes = {k: v.strip() or None for k, v in edited.items() if (v.strip() or None) != record[k]}
                try:
                    contribute.save_edit(store, chosen, changes, moderator)
                except SubmissionError as exc:
                    for field, code in exc.problems.items():
                        st.error(
                            t(
                                f"contribute.error_{code}",
                                lang,
                                field=t(f"moderate.field_{field}", lang),
                                limit=limits.get(field, ""),
                            )
                        )
                else:
                    done("moderate.saved", edited["name"])

        st.caption(t("moderate.move_help", lang))
        point = (record["lon"], record["lat"]) if record["lon"] is not None and record["lat"] is not None else None
        clicked = contribution.pin_map(config, point, key=f"moderate_map_{chosen}")
        if clicked is not None:
            store.update_fields(chosen, contribute.moved_point(record, *clicked, config), moderator)
            done("moderate.moved", record["name"])

        with st.expander(t("moderate.audit", lang)):
            trail = pd.DataFrame(store.audit_trail(chosen))
            st.dataframe(trail[["at", "actor", "action", "before", "after"]].astype(str), hide_index=True)
