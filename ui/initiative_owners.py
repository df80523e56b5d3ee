"""The initiative page's parts for owners and visitors: the owner's pending proposal, edit form and event
form (through the private edit link), claim, contact form, report, and the initiative's events. (The
page's own provenance line says when it was last updated.)

Each takes the page context, the store and the published record, so the initiative page calls them in
order. The edit form keeps the version it was first drawn from and the newest edit sent by then (per
tab, in the session), so a stale tab's save is refused with a conflict message instead of overwriting
a newer one or waiting beside it. Nothing a visitor sends shows before a moderator approves it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import streamlit as st

from core.errors import ConflictError, SubmissionError
from i18n import t
from i18n.formats import format_datetime
from i18n.mail import composer
from ingest import contact, events, history, owners, reports, review
from ingest.contribute import EDITABLE, FORM_LIMITS
from ingest.store import Store
from ui import agenda, components
from ui.contribution import markdown_text

Record = dict[str, Any]
CLIENT_KEY = "visitor_client"
TEXT_AREAS = ("description", "story")


def client() -> str:
    """Who sends, for the rate limits: the visitor's address when Streamlit knows it, else this session."""
    if CLIENT_KEY not in st.session_state:
        st.session_state[CLIENT_KEY] = secrets.token_hex(16)
    return str(st.context.ip_address or st.session_state[CLIENT_KEY])


def honeypot(key: str, lang: str) -> str:
    """A field pushed off-screen (as on the contribute page): people never fill it, robots do."""
    st.html(
        f"<style>.st-key-{key} {{position: absolute; left: -10000px; width: 1px; height: 1px; "
        "overflow: hidden;}</style>"
    )
    return str(st.text_input(t("contribute.honeypot", lang), key=key))


def pending_proposal(ctx: Any, store: Store, record_id: str, token: str) -> bool:
    """The proposer's own proposal still waiting for review, opened by its live edit link: a notice
    and the edit form holding its content (an edit applies at once: nothing of it shows before
    approval). False, drawing nothing, for any other id, token or status, so the page then says "not
    found" exactly as for an unknown id."""
    if not record_id or not owners.record_for(store, token, record_id):
        return False
    record = store.get(record_id)
    if record is None or record["status"] != "pending":
        return False
    st.title(markdown_text(record["name"]))
    st.info(t("owner.pending", ctx.lang))
    owner_edit(ctx, store, record, token)
    return True


def owner_edit(ctx: Any, store: Store, record: Record, token: str) -> None:
    """With a live edit link: the edit form (held for review when published) and the event form."""
    lang = ctx.lang
    if not owners.record_for(store, token, record["id"]):
        st.error(t("owner.link_invalid", lang))
        return
    base_key = f"owner_base_{record['id']}"
    based_on, seen_edit = st.session_state.setdefault(
        base_key, (history.current_version(store, record["id"]), review.latest_edit(store, record["id"]))
    )
    waiting = review.pending_edits(store, record["id"])
    if waiting:
        st.info(t("owner.edit_waiting", lang, when=format_datetime(waiting[-1].submitted_at, lang)))
    shown = record | review.proposed_values(waiting)
    with st.form("owner_edit_form"):
        st.subheader(t("owner.edit_title", lang))
        edited = {
            field: (st.text_area if field in TEXT_AREAS else st.text_input)(
                t(f"moderate.field_{field}", lang), value=shown.get(field) or "", max_chars=FORM_LIMITS.get(field)
            )
            for field in EDITABLE
            if field != "category"
        }
        if st.form_submit_button(t("owner.save", lang), type="primary"):
            changes = {k: v.strip() or None for k, v in edited.items() if (v.strip() or None) != record.get(k)}
            try:
                pending = review.propose_edit(store, record["id"], changes, based_on, "owner", seen_edit)
            except ConflictError:
                st.error(t("owner.conflict", lang))
            except SubmissionError as exc:
                components.submission_errors(exc, lang, "moderate.field_{field}", EDITABLE)
            else:
                st.session_state.pop(base_key, None)
                st.success(t("owner.waiting" if pending is not None else "owner.saved", lang))
    owner_event(ctx, store, record)


def event_form(
    lang: str, store: Store, record: Record, actor: str, kind: str, heading: Callable[[str], object] = st.subheader
) -> str | None:
    """The event form (title, start, end, place, description, link): the stored event's id once it
    is sent and valid, else None (its problems shown). `kind` "owner" holds it for review; a
    moderator's event is published at once. `heading` draws its title at the level the page needs."""
    with st.form(f"{kind}_event_form", clear_on_submit=True):
        heading(t("owner.event_title", lang))
        title = st.text_input(t("event.title", lang), max_chars=events.LIMITS["title"])
        start = st.text_input(t("event.start", lang), placeholder="2027-05-02 14:00")
        end = st.text_input(t("event.end", lang), placeholder="2027-05-02 17:00")
        place = st.text_input(t("event.place", lang), max_chars=events.LIMITS["place"])
        description = st.text_area(t("event.description", lang), max_chars=events.LIMITS["description"])
        url = st.text_input(t("event.url", lang), max_chars=events.LIMITS["url"])
        if not st.form_submit_button(t("owner.event_add", lang)):
            return None
        values, problems = events.checked(events.EventInput(title, start, end, place, description, url))
        if problems:
            components.submission_errors(SubmissionError(problems), lang, "event.{field}", events.EVENT_FIELDS)
            return None
        return events.add(store, record["id"], values, actor, kind)


def owner_event(ctx: Any, store: Store, record: Record) -> None:
    """An owner's new event, held for review."""
    if event_form(ctx.lang, store, record, "owner", "owner") is not None:
        st.success(t("owner.event_waiting", ctx.lang))


def claim(ctx: Any, store: Store, record: Record) -> None:
    """Claim this initiative: a link to the contact on record, or a manual check by the moderators."""
    lang = ctx.lang
    with st.expander(t("claim.title", lang)), st.form("claim_form"):
        st.caption(t("claim.help", lang))
        claimant = st.text_input(t("claim.email", lang), max_chars=200)
        message = st.text_area(t("claim.message", lang), max_chars=2000)
        if st.form_submit_button(t("claim.send", lang)):
            try:
                outcome = owners.claim(store, ctx.config, composer(lang), record["id"], claimant, message)
            except SubmissionError:
                st.error(t("claim.error_email", lang))
            else:
                (st.info if outcome == "off" else st.success)(t(f"claim.{outcome}", lang))


def contact_form(ctx: Any, store: Store, record: Record) -> None:
    """Write to the initiative: relayed by mail with the visitor as Reply-To; its address is never shown."""
    lang = ctx.lang
    if not ctx.config.mail_enabled:
        st.caption(t("contact.off", lang))
        return
    with st.expander(t("contact.title", lang)), st.form("contact_form", clear_on_submit=True):
        name = st.text_input(t("contact.name", lang), max_chars=contact.NAME_CHARS)
        address = st.text_input(t("contact.email", lang), max_chars=200)
        text = st.text_area(t("contact.message", lang), max_chars=contact.MESSAGE_CHARS)
        trap = honeypot("contact_homepage", lang)
        if st.form_submit_button(t("contact.send", lang)):
            try:
                outcome = contact.relay(
                    store, ctx.config, composer(lang), record["id"], (name, address), text, client(), trap
                )
            except SubmissionError as exc:
                components.submission_errors(exc, lang, "contact.{field}", ("email", "message"))
            else:
                (st.success if outcome == "queued" else st.warning)(t(f"contact.{outcome}", lang))


def report(ctx: Any, store: Store, record: Record) -> None:
    """Report a problem (closed, moved, wrong information, inappropriate), for the moderators."""
    lang = ctx.lang
    with st.expander(t("report.title", lang)), st.form("report_form", clear_on_submit=True):
        kind = st.selectbox(t("report.kind", lang), reports.KINDS, format_func=lambda k: t(f"report.kind_{k}", lang))
        reason = st.text_area(t("report.reason", lang), max_chars=reports.REASON_CHARS)
        trap = honeypot("report_homepage", lang)
        if st.form_submit_button(t("report.send", lang)):
            try:
                outcome = reports.report(store, ctx.config, record["id"], kind, reason, client(), trap)
            except SubmissionError as exc:
                components.submission_errors(exc, lang, "report.{field}", ("kind", "reason"))
            else:
                (st.success if outcome == "filed" else st.warning)(t(f"report.{outcome}", lang))


def initiative_events(ctx: Any, store: Store, record: Record) -> None:
    """The initiative's upcoming published events, each downloadable as iCalendar."""
    listed = agenda.upcoming(store, [], [])
    listed = listed[listed["initiative_id"] == record["id"]]
    if not listed.empty:
        st.subheader(t("initiative.events", ctx.lang))
        agenda.event_list(listed, ctx.lang)
