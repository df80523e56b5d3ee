"""The moderation page's parts: the login, the queue, the actions on one record, the file upload.

app_pages/moderate.py composes them; each one is a function a test runs alone
(`AppTest.from_function`, tests/test_moderation.py). An action that changed the store calls
`done`: it leaves its message for the next run, which reads the queue again, and reruns.
Nothing of the moderation content is drawn before `login` returns a moderator's account; each
action goes through ingest.moderation, which refuses an editor what is outside their commune.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.uploaded_file_manager import UploadedFile

from core.errors import BimError, SubmissionError
from core.record import PRECISIONS
from core.taxonomy import CATEGORIES
from i18n import category_label, commune_name, format_number, t, tn
from i18n.mail import composer
from ingest import accounts, contribute, export, gallery, owners, pipeline
from ingest import moderation as roles
from ingest.accounts import Account
from ingest.store import Store
from ui import components, contribution, picture_forms, safe
from ui.page import PageContext

MODERATOR_KEY = "moderator"
FLASH_KEY = "moderate_flash"
REPORT_KEY = "moderate_report"
EDITED_TEXT = ("name", "street", "housenumber", "postcode", "locality", "website", "image_url")
REPORT_COUNTS = ("new", "updated", "needs_review", "rejected", "duplicates")
Record = dict[str, Any]


def password_hash(ctx: PageContext, store: Store) -> str:
    """The single configured password hash ("" once accounts exist: they log in with their own);
    with neither, how to make an account, and the page stops."""
    if store.has_accounts():
        return ""
    stored_hash = contribution.moderator_password_hash(ctx.config)
    if not stored_hash:
        st.warning(t("moderate.no_password", ctx.lang))
        st.code(
            "python -m ingest moderators add NAME [--commune NIS]\n"
            "# or one shared password:\n"
            "python -m ingest hash-password\n"
            "export BIM_MODERATOR_PASSWORD_HASH='scrypt$...'\n"
            "# or, in .streamlit/secrets.toml:  moderator_password_hash = 'scrypt$...'",
            language=None,  # plain: Streamlit's syntax colours fail AA contrast on its code background
        )
        st.stop()
    return stored_hash


def login(ctx: PageContext, store: Store, stored_hash: str) -> Account:
    """The logged-in moderator's account; before a login, the form, and the page stops there.

    Failures count in the store's lockout, shared by every app process (ingest.accounts).
    """
    if MODERATOR_KEY in st.session_state:
        return st.session_state[MODERATOR_KEY]
    with st.form("moderate_login"):
        who = st.text_input(t("moderate.who", ctx.lang), max_chars=80)
        password = st.text_input(t("moderate.password", ctx.lang), type="password", max_chars=1024)
        attempted = st.form_submit_button(t("moderate.login", ctx.lang), type="primary")
    if attempted:
        with ctx.guard(message_key=None):
            attempt = accounts.log_in(store, who.strip(), password, stored_hash)
        if attempt.account is not None:
            st.session_state[MODERATOR_KEY] = attempt.account
            st.rerun()
        if attempt.locked_s > 0:
            st.error(t("moderate.locked", ctx.lang, minutes=math.ceil(attempt.locked_s / 60)))
        else:
            st.error(t("moderate.wrong_password", ctx.lang))
    st.stop()


def account_bar(ctx: PageContext, moderator: Account) -> None:
    """Who is logged in (and an editor's commune), the logout button, and what the last action did."""
    left, right = st.columns([4, 1])
    who = moderator.name
    if moderator.commune is not None:
        who = f"{who} ({commune_name(moderator.commune, ctx.lang)})"
    left.caption(t("moderate.logged_in", ctx.lang, who=contribution.markdown_text(who)))
    if right.button(t("moderate.logout", ctx.lang)):
        for key in (MODERATOR_KEY, REPORT_KEY):
            st.session_state.pop(key, None)
        st.rerun()
    if FLASH_KEY in st.session_state:
        st.success(st.session_state.pop(FLASH_KEY))


def done(ctx: PageContext, message_key: str, name: object) -> NoReturn:
    """Say what was done on the next run (the queue is read again) and rerun."""
    st.session_state[FLASH_KEY] = t(message_key, ctx.lang, name=contribution.markdown_text(name))
    st.rerun()


def precision_label(precision: object, lang: str) -> str:
    """A geocoding precision in words ("exact address"), or as stored when it is not one of ours."""
    return t(f"precision.{precision}", lang) if precision in PRECISIONS else str(precision)


def upload(ctx: PageContext) -> None:
    """A file to import for review (its rows wait in the queue), and the report of the last import."""
    st.markdown(t("moderate.upload_intro", ctx.lang))
    uploaded = st.file_uploader(
        t("moderate.upload", ctx.lang), type=["csv", "txt", "xlsx", "geojson", "json"], key="moderate_upload"
    )
    if uploaded is not None and st.button(t("moderate.import", ctx.lang), type="primary"):
        import_upload(ctx, uploaded)
    report = st.session_state.get(REPORT_KEY)
    if report is not None:
        import_report(ctx, report)


def import_upload(ctx: PageContext, uploaded: UploadedFile) -> None:
    """Import `uploaded` with review (nothing published), its stages on a progress bar; keep the report.

    A file refused whole shows why and leaves no report.
    """
    lang = ctx.lang
    bar = st.progress(0.0, text=t("moderate.stage", lang, stage=pipeline.STAGES[0]))

    def progress(stage: str) -> None:
        step = pipeline.STAGES.index(stage)
        bar.progress(step / len(pipeline.STAGES), text=t("moderate.stage", lang, stage=stage))

    with tempfile.TemporaryDirectory(prefix="bim-upload-") as folder:
        path = Path(folder) / Path(uploaded.name).name
        path.write_bytes(uploaded.getvalue())
        try:
            st.session_state[REPORT_KEY] = pipeline.import_file(
                path, ctx.config, geocoder=contribute.upload_geocoder(ctx.config), progress=progress, review=True
            )
        except BimError as exc:
            st.session_state.pop(REPORT_KEY, None)
            st.error(str(exc))
    bar.progress(1.0, text=t("moderate.stage", lang, stage="done"))


def import_report(ctx: PageContext, report: pipeline.ImportReport) -> None:
    """An import's column warnings, counts, reasons per number of rows, every row, every input column
    and what it became, and the report as CSV."""
    lang = ctx.lang
    st.markdown(
        t(
            "moderate.report_title",
            lang,
            file=contribution.markdown_text(report.path.name),
            n=format_number(len(report.rows), lang),
        )
    )
    for warning in report.columns.warnings:  # an input column that looks useful but was ignored
        st.warning(contribution.markdown_text(warning))
    for column, key in zip(st.columns(len(REPORT_COUNTS)), REPORT_COUNTS, strict=True):
        column.metric(t(f"moderate.count_{key}", lang), getattr(report, key))
    reasons = report.reasons()
    if not reasons.empty:
        st.table(
            pd.DataFrame({t("moderate.reason", lang): reasons.index, t("moderate.rows", lang): reasons.to_numpy()})
        )
    st.dataframe(report.rows, hide_index=True)
    st.table(report.columns.to_frame())  # every input column and what it became
    st.download_button(
        t("moderate.report_download", lang),
        data=export.spreadsheet_safe(report.rows).to_csv(index=False).encode("utf-8"),
        file_name=f"{report.source_name}-report.csv",
        mime="text/csv",
        on_click="ignore",
    )


def queue(ctx: PageContext, store: Store, moderator: Account) -> tuple[Record, pd.DataFrame] | None:
    """The pending records the account moderates as a table and a choice of one: the chosen record
    and its likely duplicates (rows of contribute.review_queue's pairs), or None when nothing waits."""
    lang = ctx.lang
    pending, pairs = roles.review_queue(store, moderator)
    if pending.empty:
        st.info(t("moderate.queue_empty", lang))
        return None
    st.markdown(tn("moderate.queue_count", len(pending), lang))
    table = pending.assign(
        duplicates=pending["id"].map(pairs["candidate_id"].value_counts()).fillna(0).astype(int),
        commune=pending["nis_code"].map(lambda code: commune_name(code, lang)),
        category=pending["category"].map(lambda key: category_label(key, lang)),
        geocode_precision=pending["geocode_precision"].map(lambda p: precision_label(p, lang)),
    )
    columns = {
        "name": t("column.name", lang),
        "category": t("column.category", lang),
        "commune": t("column.commune", lang),
        "geocode_precision": t("moderate.precision", lang),
        "geocode_score": t("moderate.score", lang),
        "duplicates": t("moderate.duplicates", lang),
        "status_reason": t("moderate.reason", lang),
    }
    st.dataframe(table[list(columns)], hide_index=True, column_config=columns)
    names = dict(zip(pending["id"], pending["name"], strict=True))
    chosen = st.selectbox(
        t("moderate.choose", lang), list(names), format_func=lambda i: str(names[i]), key="moderate_chosen"
    )
    record = store.get(chosen)
    if record is None:  # changed since the queue was read (another moderator): read it again
        st.rerun()
    return record, pairs[pairs["candidate_id"] == chosen]


def record_facts(ctx: PageContext, record: Record) -> None:
    """Every field a moderator judges a record by, escaped, links only when http(s)."""
    lang = ctx.lang
    address = " ".join(str(record[c]) for c in ("street", "housenumber", "postcode", "locality") if record[c])
    website, image = safe.link_attribute(record["website"]), safe.link_attribute(record["image_url"])
    precision = (
        f"{precision_label(record['geocode_precision'], lang)} ({format_number(record['geocode_score'] or 0, lang)})"
    )
    facts = [
        (t("column.name", lang), safe.text(record["name"])),
        (t("column.category", lang), safe.text(category_label(record["category"] or "other", lang))),
        (t("contribute.description", lang), safe.text(record["description"])),
        (t("contribute.address", lang), safe.text(address)),
        (t("column.commune", lang), safe.text(commune_name(record["nis_code"], lang))),
        (t("moderate.precision", lang), safe.text(precision)),
        (
            t("contribute.website", lang),
            f'<a href="{website}" rel="noopener noreferrer">{website}</a>' if website else "",
        ),
        (t("contribute.image_url", lang), f'<a href="{image}" rel="noopener noreferrer">{image}</a>' if image else ""),
        (t("contribute.story", lang), safe.text(record["story"])),
        (t("moderate.reason", lang), safe.text(record["status_reason"])),
        (t("column.source", lang), safe.text(f"{record['source_name']} #{record['source_row'] or ''}")),
    ]
    rows = "".join(
        f'<tr><th style="text-align:left">{safe.text(label)}</th><td>{value}</td></tr>' for label, value in facts
    )
    st.html(f'<table class="bim-record">{rows}</table>')


def similar_records(ctx: PageContext, similar: pd.DataFrame) -> None:
    """The likely duplicates of the chosen record: name, why, and how far."""
    if similar.empty:
        st.caption(t("moderate.no_duplicates", ctx.lang))
        return
    items = "".join(
        f"<li>{safe.text(row.existing_name)} · {safe.text(row.reason)}"
        f"{'' if pd.isna(row.distance_m) else f' · {format_number(row.distance_m, ctx.lang)} m'}</li>"
        for row in similar.itertuples()
    )
    st.html(f"<p><strong>{safe.text(t('moderate.duplicates', ctx.lang))}</strong></p><ul>{items}</ul>")


def approve(ctx: PageContext, where: DeltaGenerator, store: Store, record: Record, moderator: Account) -> None:
    """Publish the record."""
    if where.button(t("moderate.approve", ctx.lang), type="primary", key="moderate_approve"):
        roles.set_status(store, moderator, record["id"], "published", "")
        owners.notify_outcome(store, ctx.config, composer(ctx.lang), record["id"], "published")
        done(ctx, "moderate.approved", record["name"])


def reject(ctx: PageContext, where: DeltaGenerator, store: Store, record: Record, moderator: Account) -> None:
    """Reject the record, with a reason (required)."""
    with where.form("moderate_reject_form", border=False):
        reason = st.text_input(t("moderate.reject_reason", ctx.lang), max_chars=500)
        if st.form_submit_button(t("moderate.reject", ctx.lang)):
            if reason.strip():
                roles.set_status(store, moderator, record["id"], "rejected", reason.strip())
                owners.notify_outcome(store, ctx.config, composer(ctx.lang), record["id"], "rejected", reason.strip())
                done(ctx, "moderate.rejected", record["name"])
            st.error(t("moderate.reason_required", ctx.lang))


def mark_duplicate(
    ctx: PageContext, where: DeltaGenerator, store: Store, record: Record, similar: pd.DataFrame, moderator: Account
) -> None:
    """Mark the record a duplicate of a likely one, or of any other record by its id."""
    lang = ctx.lang
    with where.form("moderate_duplicate_form", border=False):
        existing = dict(zip(similar["existing_id"], similar["existing_name"], strict=True))
        of = st.selectbox(
            t("moderate.duplicate_of", lang), [*existing, ""], format_func=lambda i: str(existing.get(i, "—"))
        )
        typed = st.text_input(t("moderate.duplicate_id", lang), max_chars=36)
        if st.form_submit_button(t("moderate.mark_duplicate", lang)):
            target = typed.strip() or of
            if target and target != record["id"] and store.get(target) is not None:
                with ctx.guard(message_key=None):
                    roles.mark_duplicate(store, moderator, record["id"], target)
                done(ctx, "moderate.marked_duplicate", record["name"])
            st.error(t("moderate.duplicate_unknown", lang))


def edit(ctx: PageContext, store: Store, record: Record, moderator: Account) -> None:
    """Edit the record's fields; saved only when every field passes the checks of a submission."""
    lang, limits = ctx.lang, contribute.FORM_LIMITS
    with st.expander(t("moderate.edit", lang)), st.form("moderate_edit_form"):
        edited = {
            field: st.text_input(t(f"moderate.field_{field}", lang), value=record[field] or "", max_chars=limits[field])
            for field in EDITED_TEXT
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
                roles.save_edit(store, moderator, record["id"], changes)
            except SubmissionError as exc:
                components.submission_errors(exc, lang, "moderate.field_{field}", contribute.EDITABLE)
            else:
                done(ctx, "moderate.saved", edited["name"])


def move(ctx: PageContext, store: Store, record: Record, moderator: Account) -> None:
    """The record's point on a map; a click there moves it (`move_to`)."""
    st.caption(t("moderate.move_help", ctx.lang))
    point = (record["lon"], record["lat"]) if record["lon"] is not None and record["lat"] is not None else None
    clicked = contribution.pin_map(ctx.config, point, key=f"moderate_map_{record['id']}")
    if clicked is not None:
        move_to(ctx, store, record, clicked, moderator)


def move_to(ctx: PageContext, store: Store, record: Record, point: tuple[float, float], moderator: Account) -> NoReturn:
    """Put the record at `point` (lon, lat), in the commune, quartier and sector it falls in."""
    with ctx.guard(message_key=None):
        roles.move_point(store, moderator, record["id"], *point, ctx.config)
    done(ctx, "moderate.moved", record["name"])


def audit_log(ctx: PageContext, store: Store, record: Record, moderator: Account) -> None:
    """Who did what to the record, and when, with the values before and after."""
    with st.expander(t("moderate.audit", ctx.lang)):
        trail = pd.DataFrame(roles.audit_trail(store, moderator, record["id"]))
        st.dataframe(trail[["at", "actor", "action", "before", "after"]].astype(str), hide_index=True)


def pictures(ctx: PageContext, store: Store, record: Record, moderator: Account) -> None:
    """Every picture of the record, to publish or reject, and a form to add one (published at once)."""
    st.markdown(f"**{t('moderate.pictures', ctx.lang)}**")
    for picture in gallery.of_initiative(store, record["id"], gallery.PICTURE_STATUSES):
        changed = picture_forms.review(store, picture, moderator.name, ctx.lang, key="queue")
        if changed is not None:
            done(ctx, f"moderate.picture_{changed}", record["name"])
    with st.expander(t("moderate.picture_add", ctx.lang)), st.form(f"moderate_picture_{record['id']}"):
        upload = picture_forms.fields(ctx.config, ctx.lang, key=f"moderate_picture_{record['id']}")
        if st.form_submit_button(t("moderate.picture_add", ctx.lang)) and upload is not None:
            processed = picture_forms.prepared(upload, ctx.config, ctx.lang)
            if processed is not None:
                gallery.add(store, record["id"], processed, upload.caption, status="published", actor=moderator.name)
                done(ctx, "moderate.picture_added", record["name"])


def pending_pictures(ctx: PageContext, store: Store, moderator: Account) -> None:
    """Every picture waiting for a moderator, whatever its initiative's status (a published one's too)."""
    waiting = gallery.pending(store)
    if not waiting:
        st.info(t("moderate.pictures_none", ctx.lang))
    for picture in waiting:
        name = (store.get(picture.initiative_id) or {}).get("name", "")
        st.markdown(t("moderate.picture_of", ctx.lang, name=contribution.markdown_text(name)))
        changed = picture_forms.review(store, picture, moderator.name, ctx.lang, key="waiting")
        if changed is not None:
            done(ctx, f"moderate.picture_{changed}", name)


def review(ctx: PageContext, store: Store, moderator: Account) -> None:
    """The queue, then the chosen record: its facts, its likely duplicates, the actions, its log."""
    chosen = queue(ctx, store, moderator)
    if chosen is None:
        return
    record, similar = chosen
    record_facts(ctx, record)
    pictures(ctx, store, record, moderator)
    similar_records(ctx, similar)
    approve_column, reject_column, duplicate_column = st.columns(3)
    approve(ctx, approve_column, store, record, moderator)
    reject(ctx, reject_column, store, record, moderator)
    mark_duplicate(ctx, duplicate_column, store, record, similar, moderator)
    edit(ctx, store, record, moderator)
    move(ctx, store, record, moderator)
    audit_log(ctx, store, record, moderator)
