"""The read-only GeoJSON API under /api/v1/: initiatives, one initiative, communes, categories, the document.

Each handler builds its body in a worker thread from the cached data of the map pages (ui.data,
per store revision), serialised by the export's own code (ingest.export.to_geojson_dict, the
statistics' coverage.statistics_geojson), then answers through web.caching (ETag, 304,
Cache-Control). The Starlette application around them adds CORS for GET, the rate limit and
problem responses for every error (RFC 9457); Streamlit's server gzips what it sends.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import URL
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from streamlit.logger import get_logger

from core import settings
from core.errors import BimError, ParameterError, RecordNotFoundError
from core.taxonomy import CATEGORIES
from geo import coverage
from ingest import export
from ui import data
from web import caching, docs, oembed, openapi, query
from web.problems import bad_parameter, http_exception, problem
from web.ratelimit import RateLimit, TokenBuckets

LOG = get_logger(__name__)
GEOJSON = "application/geo+json"
JSON = "application/json"
INITIATIVE_PARAMETERS = ("category", "commune", "q", "bbox", "updated_since", "limit", "cursor")
RETRY_UNAVAILABLE_S = 30


def encoded(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, allow_nan=False).encode("utf-8")


def snapshot() -> data.Snapshot:
    return data.snapshot(settings.load())


def _links(url: URL, next_cursor: str | None = None, media_type: str = GEOJSON) -> list[dict[str, str]]:
    links = [{"href": str(url), "rel": "self", "type": media_type}]
    if next_cursor is not None:
        links.append({"href": str(url.include_query_params(cursor=next_cursor)), "rel": "next", "type": media_type})
    return links


def initiatives_body(request: Request) -> tuple[bytes, dict[str, str]]:
    """One page of the matching initiatives as a FeatureCollection, and the Link header to the next."""
    params = request.query_params
    query.check_known(params, INITIATIVE_PARAMETERS)
    chosen, after, size = query.filters(params), query.decode_cursor(params), query.limit(params)
    snap = snapshot()
    matching = query.select(snap, chosen)
    shown, next_cursor = query.page(matching, after, size)
    collection = export.to_geojson_dict(export.public_records(shown, data.picture_listing(snap)))
    links = _links(request.url, next_cursor)
    collection.update(numberMatched=len(matching), numberReturned=len(shown), links=links)
    headers = {"Link": f'<{links[1]["href"]}>; rel="next"'} if next_cursor else {}
    return encoded(collection), headers


def initiative_body(request: Request) -> tuple[bytes, dict[str, str]]:
    """One published initiative as a Feature with the licence and attribution of its source."""
    query.check_known(request.query_params, ())
    record_id = request.path_params["id"]
    snap = snapshot()
    records = data.published(snap)
    one = records[records["id"] == record_id]
    if one.empty:
        raise RecordNotFoundError(f"no published initiative has the id {record_id[:80]!r}")
    collection = export.to_geojson_dict(export.public_records(one, data.picture_listing(snap)))
    feature = {**collection["features"][0], "licence": collection["licence"], "attribution": collection["attribution"]}
    feature["links"] = _links(request.url)
    return encoded(feature), {}


def communes_body(request: Request) -> tuple[bytes, dict[str, str]]:
    """The per-commune statistics as polygons, as `python -m ingest stats --out x.geojson` writes them."""
    params = request.query_params
    query.check_known(params, ("category",))
    categories = query.listed(params, "category", CATEGORIES, "a category key (see /api/v1/categories)")
    snap = snapshot()
    stats = data.statistics(snap, tuple(sorted(categories)))
    attribution = data.layers(snap.config.data_dir).reference.metadata.get("attribution", [])
    return coverage.statistics_geojson(stats, attribution), {}


def categories_body(request: Request) -> tuple[bytes, dict[str, str]]:
    query.check_known(request.query_params, ())
    listed = [
        {"key": key, "colour": c.colour, "labels": {"fr": c.fr, "nl": c.nl, "en": c.en}}
        for key, c in CATEGORIES.items()
    ]
    return encoded({"categories": listed}), {}


def openapi_body(request: Request) -> tuple[bytes, dict[str, str]]:
    query.check_known(request.query_params, ())
    return encoded(openapi.document()), {}


def docs_body(request: Request) -> tuple[bytes, dict[str, str]]:
    query.check_known(request.query_params, ())
    return docs.page(openapi.document()).encode("utf-8"), {}


def oembed_body(request: Request) -> tuple[bytes, dict[str, str]]:
    params = request.query_params
    query.check_known(params, ("url", "maxwidth", "maxheight", "format"))
    return encoded(oembed.answer(params, request.base_url, snapshot())), {}


async def answer(
    request: Request, build: Callable[[Request], tuple[bytes, dict[str, str]]], media_type: str
) -> Response:
    """`build`'s body as a cacheable response, or the problem that stopped it."""
    try:
        body, headers = await run_in_threadpool(build, request)
    except ParameterError as exc:
        return bad_parameter(exc)
    except RecordNotFoundError as exc:
        return problem(404, str(exc))
    except BimError as exc:  # the store or the reference data cannot be read: the pages say so too
        LOG.warning("API unavailable: %s", exc)
        detail = "the data cannot be read right now; retry later"
        return problem(503, detail, headers={"Retry-After": str(RETRY_UNAVAILABLE_S)})
    return caching.cached(request, body, media_type, headers=headers)


def _route(path: str, build: Callable[[Request], tuple[bytes, dict[str, str]]], media_type: str) -> Route:
    async def endpoint(request: Request) -> Response:
        return await answer(request, build, media_type)

    return Route(path, endpoint, methods=["GET"], name=build.__name__)


def application(buckets: TokenBuckets | None) -> Starlette:
    """The API as a Starlette application, to mount at urls.API_PREFIX (web.routes)."""
    routes = [
        _route("/initiatives", initiatives_body, GEOJSON),
        _route("/initiatives/{id}", initiative_body, GEOJSON),
        _route("/communes", communes_body, GEOJSON),
        _route("/categories", categories_body, JSON),
        _route("/oembed", oembed_body, JSON),
        _route("/openapi.json", openapi_body, JSON),
        _route("/docs", docs_body, "text/html; charset=utf-8"),
    ]
    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "HEAD"],
            allow_headers=["If-None-Match"],
            expose_headers=["ETag", "Link", "Retry-After"],
        ),
        Middleware(RateLimit, buckets=buckets),
    ]
    return Starlette(routes=routes, middleware=middleware, exception_handlers={HTTPException: http_exception})
