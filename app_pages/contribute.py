"""Contribute page (citizens): propose an initiative; a moderator checks it before the map shows it."""

from __future__ import annotations

import uuid

import streamlit as st

from core.errors import SubmissionError
from core.taxonomy import CATEGORIES
from i18n import category_label, commune_name, t
from i18n.mail import composer
from ingest import contribute, gallery, owners
from ui import components, contribution, data, page, picture_forms

HONEYPOT_KEY = "contribute_homepage"
FIELDS = ("name", "category", "description", "address", "website", "opening_hours", "contact", "image_url", "story")

ctx = page.start("contribute.title")
lang, config = ctx.lang, ctx.config
st.markdown(t("contribute.intro", lang))

if st.session_state.get("contribute_done"):
    st.success(t("contribute.thanks", lang))
    st.markdown(t("contribute.next", lang))
    link = st.session_state.pop("contribute_link", None)  # shown once: only its hash is stored
    if link:
        st.markdown(t("contribute.edit_link", lang))
        st.code(link, language=None)
        st.caption(t("contribute.edit_link_mailed" if config.mail_enabled else "contribute.edit_link_keep", lang))
    if st.session_state.get("contribute_count", 0) < config.submissions_per_session and st.button(
        t("contribute.another", lang)
    ):
        st.session_state["contribute_done"] = False
        st.rerun()
    st.stop()
if st.session_state.get("contribute_count", 0) >= config.submissions_per_session:
    st.warning(t("contribute.limit", lang))
    st.stop()
st.session_state.setdefault("contribute_token", uuid.uuid4().hex)

# Where: the address, its geocoded preview, and a pin the contributor can move by clicking.
address = st.text_input(
    t("contribute.address", lang), key="contribute_address", max_chars=contribute.FORM_LIMITS["address"]
)
found = contribution.geocode_preview(address, config)
pin = st.session_state.get("contribute_pin")
if pin is not None and pin[0] != address:
    pin = None
point, precision, score, source = None, "none", None, None
if pin is not None:
    point, precision, score, source = pin[1], "given", 100.0, "form"
    st.caption(t("contribute.pin_moved", lang))
elif found is not None and found["lon"] is not None:
    point = (found["lon"], found["lat"])
    precision, score, source = found["geocode_precision"], found["geocode_score"], found["geocode_source"]
    st.caption(
        t(
            "contribute.found",
            lang,
            precision=t(f"precision.{precision}", lang),
            commune=commune_name(found["nis_code"], lang) or "?",
        )
    )
elif address.strip():
    st.caption(t("contribute.not_found", lang))
st.caption(t("contribute.pin_help", lang))
with ctx.guard():
    clicked = contribution.pin_map(config, point, key="contribute_map")
if clicked is not None:
    st.session_state["contribute_pin"] = (address, clicked)
    st.rerun()

# What: the rest of the form. The honeypot is pushed off-screen; people never fill it.
st.html(
    f"<style>.st-key-{HONEYPOT_KEY} {{position: absolute; left: -10000px; width: 1px; height: 1px; "
    "overflow: hidden;}</style>"
)
limits = contribute.FORM_LIMITS
with st.form("contribute_form"):
    name = st.text_input(t("contribute.name", lang), max_chars=limits["name"])
    category = st.selectbox(
        t("contribute.category", lang), list(CATEGORIES), format_func=lambda key: category_label(key, lang)
    )
    description = st.text_area(t("contribute.description", lang), max_chars=limits["description"])
    website = st.text_input(t("contribute.website", lang), max_chars=limits["website"], placeholder="https://")
    opening_hours = st.text_input(
        t("contribute.opening_hours", lang),
        max_chars=limits["opening_hours"],
        placeholder="Mo-Fr 09:00-17:00",
        help=t("contribute.opening_hours_help", lang),
    )
    contact = st.text_input(
        t("contribute.contact", lang), max_chars=limits["contact"], help=t("contribute.contact_help", lang)
    )
    image_url = st.text_input(t("contribute.image_url", lang), max_chars=limits["image_url"], placeholder="https://")
    story = st.text_area(t("contribute.story", lang), max_chars=limits["story"], help=t("contribute.story_help", lang))
    upload = picture_forms.fields(config, lang, key="contribute_picture")
    honeypot = st.text_input(t("contribute.honeypot", lang), key=HONEYPOT_KEY)
    sent = st.form_submit_button(t("contribute.submit", lang), type="primary")

if sent:
    submission = contribute.Submission(
        name=name,
        category=category,
        description=description,
        address=address,
        website=website,
        opening_hours=opening_hours,
        contact=contact,
        image_url=image_url,
        story=story,
        lon=point[0] if point else None,
        lat=point[1] if point else None,
        geocode_precision=precision,
        geocode_score=score,
        geocode_source=source,
        token=st.session_state["contribute_token"],
        honeypot=honeypot,
    )
    # The picture is checked and re-encoded first: a refused file stores nothing, not even the initiative.
    processed = picture_forms.prepared(upload, config, lang) if upload is not None else None
    if upload is not None and processed is None:
        st.stop()
    with ctx.guard():
        store = data.store(config.database_url)
        try:
            record_id = contribute.submit(store, config, submission)
            if upload is not None and processed is not None and record_id is not None:
                gallery.add(store, record_id, processed, upload.caption, status="pending", actor="citizen")
        except SubmissionError as exc:
            components.submission_errors(exc, lang, "contribute.{field}", FIELDS)
            st.stop()
        if record_id is not None:
            token = owners.send_edit_link(store, config, composer(lang), record_id)
            st.session_state["contribute_link"] = owners.edit_link(config, record_id, token)
    st.session_state["contribute_count"] = st.session_state.get("contribute_count", 0) + 1
    st.session_state["contribute_done"] = True
    for key in ("contribute_token", "contribute_pin", "contribute_address"):
        st.session_state.pop(key, None)
    st.rerun()
