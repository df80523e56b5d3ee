"""One initiative's own page at /initiative/{id}: what the feeds, oEmbed and embeds link to.

A plain server-rendered page (no script, no Streamlit session) in FR/NL/EN (`?lang=`), with the
public fields only, every text escaped and only http(s) links; it links back to the map of its
commune and to its GeoJSON in the API.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from core import settings
from core.errors import BimError, ParameterError, RecordNotFoundError
from core.text import is_missing
from i18n import category_label, commune_name, t
from ui import data, safe
from web import caching, query
from web.problems import bad_parameter, problem

STYLE = "body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}"


def _link(href: str, label: str, external: bool = False) -> str:
    """A list item linking `href` (already escaped; "" gives nothing) with the text `label`."""
    rel = ' rel="noopener noreferrer"' if external else ""
    return f'<li><a href="{href}"{rel}>{safe.text(label)}</a></li>' if href else ""


def page_html(record: dict[str, object], lang: str) -> str:
    """The page of one published record (public columns)."""
    address = " ".join(filter(None, (safe.text(record[k]) for k in ("street", "housenumber", "postcode", "locality"))))
    website, picture = safe.link_attribute(record["website"]), safe.link_attribute(record["image_url"])
    commune = safe.text(commune_name(record["nis_code"], lang)) if record["nis_code"] else ""
    facts = [safe.text(category_label(str(record["category"]), lang)), commune, address]
    paragraphs = [safe.text(record["description"]), f"<em>{safe.text(record['story'])}</em>" if record["story"] else ""]
    nis = safe.text(record["nis_code"])
    links = [
        _link(website, t("map.popup_website", lang), external=True),
        _link(picture, t("contribute.picture", lang), external=True),
        _link(f"/?commune={nis}&amp;lang={lang}" if nis else "", t("initiative.on_map", lang)),
        _link(f"/api/v1/initiatives/{quote(str(record['id']), safe='')}", t("initiative.data", lang)),
    ]
    updated = safe.text(t("initiative.updated", lang, when=record["updated_at"]))
    name = safe.text(record["name"])
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{name}</title><style>{STYLE}</style></head><body><main><h1>{name}</h1>"
        f"<p>{' · '.join(filter(None, facts))}</p>"
        + "".join(f"<p>{p}</p>" for p in paragraphs if p)
        + f"<ul>{''.join(links)}</ul><p><small>{updated}</small></p>"
        "</main></body></html>"
    )


def initiative_body(record_id: str, lang: str) -> bytes:
    records = data.published(data.snapshot(settings.load()))
    one = records[records["id"] == record_id]
    if one.empty:
        raise RecordNotFoundError(f"no published initiative has the id {record_id[:80]!r}")
    row = {k: None if is_missing(v) else v for k, v in one.iloc[0].to_dict().items()}
    return page_html(row, lang).encode("utf-8")


async def initiative_page(request: Request) -> Response:
    """GET /initiative/{id}?lang="""
    try:
        query.check_known(request.query_params, ("lang",))
        lang = query.language(request.query_params)
        body = await run_in_threadpool(initiative_body, request.path_params["id"], lang)
    except ParameterError as exc:
        return bad_parameter(exc)
    except RecordNotFoundError as exc:
        return problem(404, str(exc))
    except BimError as exc:
        return problem(503, f"the initiative cannot be read right now: {exc}", headers={"Retry-After": "30"})
    return caching.cached(request, body, "text/html; charset=utf-8")
