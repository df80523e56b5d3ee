"""Initiative page (`/initiative?id=<id>`): one published initiative with its opening hours, story,
pictures, place, nearest neighbours, source and a link to share. An unknown id and an unpublished one
get the same "not found" page, so the page reveals nothing about pending records; only the proposer's
live edit link (`&edit=TOKEN`) opens their own pending proposal, to see and edit it while it waits."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

import folium
import streamlit as st

from core.text import is_missing
from geo.nearby import nearest
from i18n import category_label, commune_name, format_date, format_number, t
from ui import contribution, data, initiative_owners, maps, opening_hours, page, pictures, safe

NEARBY = 5
MAP_HEIGHT_PX = 320
PLACE_COLOUR, NEARBY_COLOUR = "#d62728", "#045a8d"

ctx = page.start()
lang, config = ctx.lang, ctx.config
record_id = str(st.query_params.get("id", ""))
st.query_params["id"] = record_id
with ctx.guard():
    snap = ctx.snapshot
    record = data.initiative(snap, record_id) if record_id else None
    shown = data.pictures_of(snap, record_id) if record else []
    published = data.published(snap)
    communes = ctx.layers.communes_web

# The owner of a proposal still waiting for review reaches it through the edit link; anyone else
# gets the same "not found" as for an unknown id.
store = data.store(config.database_url)
edit_token = str(st.query_params.get("edit", ""))
if record is None and edit_token and initiative_owners.pending_proposal(ctx, store, record_id, edit_token):
    st.stop()
if record is None:
    st.title(t("initiative.not_found_title", lang))
    st.info(t("initiative.not_found", lang))
    st.page_link("app_pages/map.py", label=t("initiative.back", lang), icon=":material/map:")
    st.stop()

localised = record.get(f"name_{lang}")
name = record["name"] if is_missing(localised) else localised
st.title(contribution.markdown_text(name))
quartier = data.quartier_name(config.data_dir, record["quartier_code"], lang)
facts = [category_label(record["category"] or "other", lang), commune_name(record["nis_code"], lang), quartier]
st.markdown(" · ".join(safe.text(fact) for fact in facts if fact))
address = " ".join(
    str(record[c]) for c in ("street", "housenumber", "postcode", "locality") if not is_missing(record[c])
)
body = [f"<p><strong>{safe.text(t('initiative.where', lang))}</strong>: {safe.text(address)}</p>" if address else ""]
if not is_missing(record["description"]):
    body.append(f"<p>{safe.text(record['description'])}</p>")
website = safe.link_attribute(record["website"])
if website:
    label = safe.text(t("initiative.website", lang))
    body.append(f'<p>{label}: <a href="{website}" target="_blank" rel="noopener noreferrer">{website}</a></p>')
st.html("".join(body))

if not is_missing(record.get("opening_hours")):
    st.header(t("initiative.hours", lang))
    st.html(opening_hours.hours_html(str(record["opening_hours"]), lang, datetime.now(UTC)))

if not is_missing(record["story"]):
    st.header(t("initiative.story", lang))
    st.html(f"<p>{safe.text(record['story'])}</p>")
if shown:
    st.header(t("initiative.pictures", lang))
    st.html(pictures.gallery_html(shown, lang))
link = pictures.image_link(record["image_url"], lang)
if link:
    st.html(f"<p>{link}</p>")

if not is_missing(record["lon"]) and not is_missing(record["lat"]):
    neighbours = nearest(published, record["lon"], record["lat"], NEARBY, exclude_id=record_id)
    m = maps.base_map(config, location=(record["lat"], record["lon"]), zoom=15)
    maps.add_commune_borders(m, communes, lang)
    for row in neighbours.itertuples():
        folium.CircleMarker(
            (row.lat, row.lon), radius=6, color=NEARBY_COLOUR, fill=True, tooltip=safe.text(row.name)
        ).add_to(m)
    place = (record["lat"], record["lon"])
    folium.CircleMarker(place, radius=9, color=PLACE_COLOUR, fill=True, fill_opacity=0.9).add_to(m)
    title = t("initiative.map_title", lang)
    maps.show_map(m, title, lang, height=MAP_HEIGHT_PX)
    if not neighbours.empty:
        st.header(t("initiative.nearby", lang))
        items = "".join(
            f'<li><a href="{pictures.initiative_href(row.id, lang)}">'
            f"{t('initiative.distance', lang, name=safe.text(row.name), metres=format_number(row.distance_m, lang))}"
            "</a></li>"
            for row in neighbours.itertuples()
        )
        st.html(f"<ul>{items}</ul>")

licence = t("initiative.unknown_licence", lang) if is_missing(record["licence"]) else record["licence"]
provenance = [
    t(
        "initiative.dates",
        lang,
        created=format_date(record["created_at"], lang),
        updated=format_date(record["updated_at"], lang),
    ),
    t("initiative.source", lang, source=safe.text(record["source_name"]), licence=safe.text(licence)),
]
st.html(f"<p><small>{'<br>'.join(provenance)}</small></p>")

# What keeps the entry alive (ui/initiative_owners.py): its events, the owner's edit link, a
# message to the initiative (its address never shown), a claim and a problem report.
initiative_owners.initiative_events(ctx, store, record)
if edit_token:
    initiative_owners.owner_edit(ctx, store, record, edit_token)
initiative_owners.contact_form(ctx, store, record)
initiative_owners.claim(ctx, store, record)
initiative_owners.report(ctx, store, record)

origin = urlsplit(st.context.url or "")
base = f"{origin.scheme}://{origin.netloc}" if origin.netloc else ""
st.markdown(t("initiative.link", lang))  # not a caption: Streamlit's caption grey is below AA contrast
st.code(f"{base}{pictures.INITIATIVE_PATH}?id={quote(record_id)}", language=None)
