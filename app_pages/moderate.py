"""Moderation page: log in, then review the pending queue (approve, reject, mark duplicate, edit,
move the point, publish or reject its pictures), the pending pictures, import files, and review
owners' edits, events, reports, claims and an initiative's history. Nothing of the moderation content
renders before a login. The parts are in ui/moderation.py and ui/moderation_owners.py."""

from __future__ import annotations

import streamlit as st

from i18n import t
from ui import data, moderation, moderation_owners, page

ctx = page.start("moderate.title")
store = data.store(ctx.config.database_url)
moderator = moderation.login(ctx, store, moderation.password_hash(ctx, store))
moderation.account_bar(ctx, moderator)

if moderator.commune is None:  # imports and owners' changes may touch any commune: region moderators only
    names = ("queue", "pictures", "upload", "edits", "events", "reports", "claims", "history")
    queue_tab, pictures_tab, upload_tab, *owner_tabs = st.tabs([t(f"moderate.{name}_tab", ctx.lang) for name in names])
    with upload_tab:  # first, so that the queue below already holds the rows an import adds
        moderation.upload(ctx)
    with pictures_tab:
        moderation.pending_pictures(ctx, store, moderator)
    with queue_tab:
        moderation.review(ctx, store, moderator)
    owner_parts = (
        moderation_owners.pending_edits,
        moderation_owners.pending_events,
        moderation_owners.open_reports,
        moderation_owners.manual_claims,
        moderation_owners.record_history,
    )
    for tab, part in zip(owner_tabs, owner_parts, strict=True):
        with tab:
            part(ctx, store, moderator.name)
else:
    moderation.review(ctx, store, moderator)
