"""The moderation page's parts for what owners and visitors send: pending edits as field-by-field
diffs, pending events, reports grouped per initiative, claims to check by hand, and an initiative's
history (revert to any version, revoke its edit links, add an event published at once).

app_pages/moderate.py puts each in its tab; like ui/moderation.py, an action that changed the store
calls `moderation.done` (its message shows on the next run). Values are shown as text, never as HTML.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pandas as pd
import streamlit as st

from core.errors import ConflictError
from core.text import fold_series
from i18n import format_datetime, format_number, t
from i18n.mail import composer
from ingest import events, history, owners, reports, review, search
from ingest.contribute import EDITABLE
from ingest.store import Store
from ui import agenda, initiative_owners, moderation
from ui.contribution import markdown_text
from ui.page import PageContext

MATCHES_SHOWN = 20
HISTORY_COLUMNS = ("version", "at", "actor", "kind", "action", "changed")


def _text(value: object) -> str:
    return "" if value is None else str(value)


def field_label(field: str, lang: str) -> str:
    """A field's name as the forms label it, in the moderator's language; the point's and places'
    columns (lon, lat, nis_code...) as stored."""
    return t(f"moderate.field_{field}", lang) if field in EDITABLE else field


def decision(lang: str, yes_key: str, no_key: str, key: str) -> bool | None:
    """Two buttons side by side: True when the first (`yes_key`) was clicked, False the second, else None."""
    yes, no = st.columns(2)
    if yes.button(t(yes_key, lang), key=f"{key}_yes", type="primary"):
        return True
    if no.button(t(no_key, lang), key=f"{key}_no"):
        return False
    return None


def pending_edits(ctx: PageContext, store: Store, moderator: str) -> None:
    """Each owner's edit waiting for review: the published and proposed value of each field; approve or reject."""
    lang = ctx.lang
    edits = review.pending_edits(store)
    if not edits:
        st.info(t("moderate.edits_empty", lang))
        return
    for edit in edits:
        with st.container(border=True):
            st.markdown(f"**{markdown_text(edit.name)}** · {format_datetime(edit.submitted_at, lang)}")
            diff = pd.DataFrame(
                [(field_label(c.field, lang), _text(c.before), _text(c.after)) for c in edit.changes],
                columns=[
                    t("moderate.diff_field", lang),
                    t("moderate.diff_published", lang),
                    t("moderate.diff_proposed", lang),
                ],
            )
            st.table(diff, hide_index=True)  # a static table wraps a long description; a grid would cut it
            approved = decision(lang, "moderate.approve", "moderate.reject", f"edit_{edit.id}")
            if approved is None:
                continue
            try:
                if approved:
                    review.approve(store, edit.id, moderator)
                else:
                    review.reject(store, edit.id, moderator, "")
            except ConflictError:
                st.error(t("moderate.edit_conflict", lang))
                continue
            outcome = "edit_approved" if approved else "edit_rejected"
            owners.notify_outcome(store, ctx.config, composer(lang), edit.record_id, outcome)
            moderation.done(ctx, f"moderate.{outcome}", edit.name)


def pending_events(ctx: PageContext, store: Store, moderator: str) -> None:
    """Owners' events waiting for review; publish or reject each."""
    lang = ctx.lang
    waiting = events.listed(store, status="pending")
    if waiting.empty:
        st.info(t("moderate.events_empty", lang))
        return
    for event in waiting.itertuples(index=False):
        with st.container(border=True):
            st.markdown(f"**{markdown_text(event.title)}**")
            st.text(f"{event.initiative_name} · {agenda.when(event, lang)} · {_text(event.place)}")
            st.text(f"{_text(event.description)}\n{_text(event.url)}")
            approved = decision(lang, "moderate.approve", "moderate.reject", f"event_{event.id}")
            if approved is not None:
                events.decide(store, event.id, approved, moderator)
                moderation.done(ctx, "moderate.event_approved" if approved else "moderate.event_rejected", event.title)


def open_reports(ctx: PageContext, store: Store, moderator: str) -> None:
    """Open reports grouped per initiative, most reported first; close them as resolved or dismissed."""
    lang = ctx.lang
    grouped = reports.open_reports(store)
    if not grouped:
        st.info(t("moderate.reports_empty", lang))
        return
    for entry in grouped:
        with st.container(border=True):
            counts = ", ".join(f"{t(f'report.kind_{kind}', lang)}: {n}" for kind, n in entry.counts.items())
            st.markdown(f"**{markdown_text(entry.name)}** · {counts}")
            st.caption(entry.record_id)
            listed = [
                (t(f"report.kind_{kind}", lang), reason, format_datetime(at, lang))
                for _, kind, reason, at in entry.reports
            ]
            columns = [t(f"moderate.reports_{column}", lang) for column in ("kind", "reason", "at")]
            st.dataframe(pd.DataFrame(listed, columns=columns), hide_index=True)
            resolved = decision(
                lang, "moderate.reports_resolved", "moderate.reports_dismissed", f"reports_{entry.record_id}"
            )
            if resolved is not None:
                reports.close(store, entry.record_id, resolved, moderator)
                moderation.done(ctx, "moderate.reports_closed", entry.name)


def manual_claims(ctx: PageContext, store: Store, moderator: str) -> None:
    """Claims of initiatives without a contact on record: grant (the claimant gets a link) or refuse."""
    lang = ctx.lang
    waiting = owners.manual_claims(store)
    if not waiting:
        st.info(t("moderate.claims_empty", lang))
        return
    for claim in waiting:
        record = store.get(claim["record_id"]) or {}
        with st.container(border=True):
            st.markdown(f"**{markdown_text(record.get('name'))}** · {format_datetime(claim['created_at'], lang)}")
            st.text(f"{claim['claimant']}\n{_text(claim['message'])}")
            granted = decision(lang, "moderate.claim_grant", "moderate.claim_refuse", f"claim_{claim['id']}")
            if granted is not None:
                owners.decide_claim(store, ctx.config, composer(lang), claim["id"], granted, moderator)
                moderation.done(ctx, "moderate.claim_decided", record.get("name"))


def chosen_initiative(ctx: PageContext, store: Store) -> str:
    """The initiative a moderator looks up by its id, its page's link or words of its name (any status,
    accents ignored; the first matches to choose from); its id, or "" until one is found."""
    lang = ctx.lang
    typed = st.text_input(t("moderate.history_id", lang), max_chars=300, key="history_id").strip()
    if not typed:
        return ""
    typed = parse_qs(urlsplit(typed).query).get("id", [typed])[0]
    if store.get(typed) is not None:
        return typed
    records = store.read(status=None)
    matches = records[search.matching(fold_series(records["name"].fillna("")), typed)].head(MATCHES_SHOWN)
    if matches.empty:
        st.warning(t("moderate.history_unknown", lang))
        return ""
    labels = {str(row.id): f"{row.name} · {row.status} · {row.id}" for row in matches.itertuples()}
    chosen = st.selectbox(
        t("moderate.history_matches", lang), list(labels), format_func=lambda key: labels[key], key="history_match"
    )
    return str(chosen or "")


def record_history(ctx: PageContext, store: Store, moderator: str) -> None:
    """One initiative's versions: who, when, what changed; revert to one; revoke its edit links; add an event."""
    lang = ctx.lang
    record_id = chosen_initiative(ctx, store)
    if not record_id:
        return
    found = history.versions(store, record_id)
    table = pd.DataFrame(
        [
            (
                v.number,
                format_datetime(v.at, lang),
                v.actor,
                t(f"moderate.actor_{v.actor_kind}", lang),
                v.action,
                ", ".join(field_label(field, lang) for field in v.changed),
            )
            for v in found
        ],
        columns=[t(f"moderate.history_{column}", lang) for column in HISTORY_COLUMNS],
    )
    st.dataframe(table, hide_index=True)
    numbers = [v.number for v in found]
    chosen = st.selectbox(t("moderate.revert_to", lang), numbers[:-1][::-1], key="history_version")
    if chosen is not None and st.button(t("moderate.revert", lang), key="history_revert"):
        try:
            history.revert(store, record_id, int(chosen), moderator, based_on=numbers[-1])
        except ConflictError:
            st.error(t("moderate.edit_conflict", lang))
        else:
            moderation.done(ctx, "moderate.reverted", found[-1].data.get("name"))
    live = [link for link in owners.links(store, record_id) if link["revoked_at"] is None]
    st.caption(t("moderate.links_live", lang, n=format_number(len(live), lang)))
    if live and st.button(t("moderate.links_revoke", lang), key="history_revoke"):
        owners.revoke(store, record_id, moderator)
        moderation.done(ctx, "moderate.links_revoked", found[-1].data.get("name"))
    record = store.get(record_id) or {}
    if initiative_owners.event_form(lang, store, record, moderator, "moderator", st.header) is not None:
        moderation.done(ctx, "moderate.event_added", record.get("name"))
