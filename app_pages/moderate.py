"""Moderation page: log in, then review the pending queue (approve, reject, mark duplicate, edit,
move the point) and import files. Nothing of the moderation content renders before a login.
The parts are in ui/moderation.py."""

from __future__ import annotations

import streamlit as st

from i18n import t
from ui import data, moderation, page

ctx = page.start("moderate.title")
store = data.store(ctx.config.database_url)
moderator = moderation.login(ctx, store, moderation.password_hash(ctx, store))
moderation.account_bar(ctx, moderator)

if moderator.commune is None:  # imports may touch any commune: region moderators only
    queue_tab, upload_tab = st.tabs([t("moderate.queue_tab", ctx.lang), t("moderate.upload_tab", ctx.lang)])
    with upload_tab:  # first, so that the queue below already holds the rows an import adds
        moderation.upload(ctx)
    with queue_tab:
        moderation.review(ctx, store, moderator)
else:
    moderation.review(ctx, store, moderator)
