"""Atom feeds (RFC 4287) of newly published and updated initiatives, for any view of the map.

`/feeds/initiatives.atom?cat=food&commune=21015&q=&lang=nl` takes the map's own parameters and
filters (web.urls); its entries are the most recently updated matching initiatives, newest first,
each linking to its initiative page. An approval moves the record's `updated_at` and the store's
revision, so it is in the feed on the next request. Texts are escaped by the XML writer, and
characters XML 1.0 cannot carry are dropped from them, so a hostile name cannot break the feed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pandas as pd
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core import settings
from core.errors import BimError, ParameterError
from i18n import category_label, t
from ingest import export
from ui import data
from web import caching, query, urls
from web.oembed import PROVIDER_NAME
from web.problems import bad_parameter, http_exception, problem
from web.ratelimit import RateLimit, TokenBuckets

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
ENTRIES = 50
EPOCH = "1970-01-01T00:00:00Z"  # a feed with no entry yet still needs an `updated`
ET.register_namespace("", ATOM)  # Atom as the default namespace, not "ns0:"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(parent: ET.Element, tag: str, value: object, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    element.text = _NOT_XML.sub("", str(value))
    return element


def _link(parent: ET.Element, href: str, rel: str, media_type: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}link", {"href": href, "rel": rel, "type": media_type})


def newest(records: pd.DataFrame, count: int = ENTRIES) -> pd.DataFrame:
    """The `count` most recently updated records, newest first (ties by id, for a stable feed)."""
    return records.sort_values(["updated_at", "id"], ascending=[False, True]).head(count)


def feed_document(origin: str, chosen: query.Filters, lang: str, records: pd.DataFrame) -> bytes:
    """The Atom document of a view: `records` are its matching initiatives."""
    entries = newest(records)
    self_url = urls.feed_url(origin, chosen.categories, chosen.nis_codes, chosen.text, lang)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": lang})
    _text(feed, "id", self_url)
    _text(feed, "title", t("feed.title", lang))
    _text(feed, "updated", entries["updated_at"].iloc[0] if len(entries) else EPOCH)
    _link(feed, self_url, "self", MEDIA_TYPE)
    query_string = urls.view_query(chosen.categories, chosen.nis_codes, chosen.text, lang)
    _link(feed, f"{origin}/?{query_string}", "alternate", "text/html")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", PROVIDER_NAME)
    _text(feed, "rights", export.attribution(entries))
    for row in entries.itertuples(index=False):
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", f"urn:uuid:{row.id}")
        _text(entry, "title", row.name)
        _text(entry, "updated", row.updated_at)
        _text(entry, "published", row.created_at)
        _link(entry, urls.initiative_url(origin, row.id, lang), "alternate", "text/html")
        ET.SubElement(entry, f"{{{ATOM}}}category", {"term": row.category, "label": category_label(row.category, lang)})
        if isinstance(row.description, str) and row.description.strip():
            _text(entry, "summary", row.description)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def feed_body(request: Request) -> bytes:
    chosen, lang = query.map_view(request.query_params)
    records = query.select(data.snapshot(settings.load()), chosen)
    return feed_document(str(request.base_url).rstrip("/"), chosen, lang, records)


async def initiatives_feed(request: Request) -> Response:
    try:
        body = await run_in_threadpool(feed_body, request)
    except ParameterError as exc:
        return bad_parameter(exc)
    except BimError as exc:
        return problem(503, f"the feed cannot be built right now: {exc}", headers={"Retry-After": "30"})
    return caching.cached(request, body, MEDIA_TYPE)


def application(buckets: TokenBuckets | None) -> Starlette:
    """The feeds, to mount at /feeds (web.routes), rate-limited like the API."""
    routes = [Route("/initiatives.atom", initiatives_feed, methods=["GET"])]
    middleware = [Middleware(RateLimit, buckets=buckets)]
    return Starlette(routes=routes, middleware=middleware, exception_handlers={HTTPException: http_exception})
