"""The OpenAPI 3.1 document of the API (served at /api/v1/openapi.json, rendered at /api/v1/docs).

Written from the same constants the handlers read (parameter limits, categories, communes, the
exported columns), so the document cannot drift from what is served; tests validate it and call
every path it lists (tests/test_api_openapi.py), and schemathesis checks the answers against it.
"""

from __future__ import annotations

from typing import Any

from core.taxonomy import CATEGORIES
from i18n import commune_codes
from ingest.export import PROPERTY_COLUMNS
from web import query

VERSION = "1.0.0"
NUMERIC_PROPERTIES = {"geocode_score": "number", "source_row": "integer"}
GEOJSON = "application/geo+json"

_LATITUDE = {"type": "number", "minimum": -90, "maximum": 90}
_PROBLEM = {"$ref": "#/components/responses/Problem"}
_CACHE_HEADERS = {
    "ETag": {"description": "Digest of the body (weak); send it back in If-None-Match", "schema": {"type": "string"}},
    "Cache-Control": {"description": "How long a browser or proxy may keep it", "schema": {"type": "string"}},
}


def _json(schema_ref: str, media_type: str = "application/json") -> dict[str, Any]:
    return {
        "content": {media_type: {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}},
        "headers": _CACHE_HEADERS,
    }


def _responses(ok: dict[str, Any], description: str, not_found: bool = False) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "200": {"description": description, **ok},
        "304": {
            "description": "Not modified: the client's If-None-Match names the current ETag",
            "headers": _CACHE_HEADERS,
        },
        "400": _PROBLEM,
        "429": {"$ref": "#/components/responses/TooManyRequests"},
        "503": _PROBLEM,
    }
    if not_found:
        answers["404"] = _PROBLEM
    return answers


def _list_parameter(name: str, values: list[str], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "description": description + " Repeat it (or separate values by commas) for several; any of them matches.",
        "style": "form",
        "explode": True,
        "schema": {"type": "array", "items": {"type": "string", "enum": values}},
    }


def _filter_parameters() -> list[dict[str, Any]]:
    return [
        _list_parameter("category", list(CATEGORIES), "Category key (see /api/v1/categories)."),
        _list_parameter("commune", commune_codes(), "NIS code of a Brussels commune."),
        {
            "name": "q",
            "in": "query",
            "description": "Words to find (all of them) in names, description, address and category labels, "
            "ignoring case and accents: the map page's search.",
            "schema": {"type": "string", "maxLength": query.MAX_TEXT_CHARS},
        },
        {
            "name": "bbox",
            "in": "query",
            "description": "west,south,east,north in WGS84 degrees; initiatives without a position are left out.",
            "style": "form",
            "explode": False,
            "schema": {
                "type": "array",
                "prefixItems": [{"type": "number", "minimum": -180, "maximum": 180}, _LATITUDE] * 2,
                "minItems": 4,
                "maxItems": 4,
            },
        },
        {
            "name": "updated_since",
            "in": "query",
            "description": "ISO 8601 date or date-time (UTC when it has no zone): initiatives changed since then.",
            "schema": {"type": "string", "format": "date-time"},
        },
    ]


def _object(required: list[str], properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties, **extra}


def _array(items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "array", "items": items, **extra}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


_STRING = {"type": "string"}
_INTEGER = {"type": "integer"}
_POINT = _object(
    ["type", "coordinates"],
    {"type": {"const": "Point"}, "coordinates": _array({"type": "number"}, minItems=2, maxItems=2)},
)
_COLLECTION_MEMBERS = {"licence": _ref("Licences"), "attribution": _STRING, "links": _array(_ref("Link"))}
_COMMUNE = _object(
    ["type", "geometry", "properties"],
    {
        "type": {"const": "Feature"},
        "geometry": {"type": "object", "properties": {"type": {"enum": ["Polygon", "MultiPolygon"]}}},
        "properties": _object(
            ["nis_code", "name_fr", "name_nl", "initiatives"], {"nis_code": _STRING, "initiatives": _INTEGER}
        ),
    },
)


def _initiative() -> dict[str, Any]:
    """A Feature as the export writes it: every exported column, typed."""
    properties: dict[str, Any] = {c: {"type": [NUMERIC_PROPERTIES.get(c, "string"), "null"]} for c in PROPERTY_COLUMNS}
    picture = _object(["url", "alt", "credit", "licence"], dict.fromkeys(("url", "alt", "credit", "licence"), _STRING))
    properties["pictures"] = {"type": "array", "items": picture, "description": "published pictures; url relative"}
    return _object(
        ["type", "id", "geometry", "properties"],
        {
            "type": {"const": "Feature"},
            "id": _STRING,
            "geometry": {"oneOf": [_POINT, {"type": "null"}]},
            "properties": _object([*PROPERTY_COLUMNS, "pictures"], properties),
        },
        description="An initiative as `python -m ingest export` writes it: public fields only, never the contact.",
    )


def _schemas() -> dict[str, Any]:
    collection = ["type", "features", "licence", "attribution", "links", "numberMatched", "numberReturned"]
    labels = _object(["fr", "nl", "en"], {lang: _STRING for lang in ("fr", "nl", "en")})
    oembed = {"version": {"const": "1.0"}, "type": {"enum": ["rich", "link"]}, "title": _STRING}
    oembed |= {"provider_name": _STRING, "provider_url": _STRING, "html": _STRING, "width": _INTEGER}
    problem = {"type": _STRING, "title": _STRING, "status": _INTEGER, "detail": _STRING}
    invalid = _array(_object(["name", "reason"], {"name": _STRING, "reason": _STRING}))
    return {
        "Link": _object(["href", "rel"], {"href": _STRING, "rel": _STRING, "type": _STRING}),
        "Licences": _array(_object(["source", "licence"], {"source": _STRING, "licence": _STRING})),
        "Initiative": _initiative(),
        "InitiativeCollection": _object(
            collection,
            {
                "type": {"const": "FeatureCollection"},
                "features": _array(_ref("Initiative")),
                "numberMatched": {"type": "integer", "minimum": 0},
                "numberReturned": {"type": "integer", "minimum": 0},
                **_COLLECTION_MEMBERS,
            },
        ),
        "InitiativeFeature": {
            "allOf": [_ref("Initiative")],
            "required": ["licence", "attribution", "links"],
            "properties": _COLLECTION_MEMBERS,
        },
        "CommuneCollection": _object(
            ["type", "features", "attribution"],
            {"type": {"const": "FeatureCollection"}, "attribution": _array(_STRING), "features": _array(_COMMUNE)},
            description="One polygon per commune with the columns of `python -m ingest stats`.",
        ),
        "Categories": _object(
            ["categories"],
            {
                "categories": _array(
                    _object(["key", "colour", "labels"], {"key": _STRING, "colour": _STRING, "labels": labels})
                )
            },
        ),
        "OEmbed": _object(
            ["version", "type", "title", "provider_name", "provider_url"], {**oembed, "height": _INTEGER}
        ),
        "Problem": _object(
            ["type", "title", "status", "detail"],
            {**problem, "invalid-params": invalid},
            description="RFC 9457 problem details.",
        ),
    }


def _operation(
    operation_id: str,
    summary: str,
    responses: dict[str, Any],
    parameters: list[dict[str, Any]] | None = None,
    **extra: str,
) -> dict[str, Any]:
    """A path item with its one operation, GET."""
    operation = {"summary": summary, "operationId": operation_id, **extra, "responses": responses}
    return {"get": {**operation, "parameters": parameters} if parameters else operation}


def _paths() -> dict[str, Any]:
    page = [
        {
            "name": "limit",
            "in": "query",
            "description": f"Features per page (default {query.DEFAULT_LIMIT}).",
            "schema": {"type": "integer", "minimum": 1, "maximum": query.MAX_LIMIT},
        },
        {
            "name": "cursor",
            "in": "query",
            "description": "Where the page starts: take it from the `next` link of the previous page.",
            "schema": _STRING,
        },
    ]
    link = {"Link": {"description": "rel=next, when there is a next page", "schema": _STRING}}
    listed = _json("InitiativeCollection", GEOJSON)
    oembed: list[dict[str, Any]] = [
        {"name": "url", "in": "query", "required": True, "schema": {"type": "string", "minLength": 1}},
        {"name": "maxwidth", "in": "query", "schema": {"type": "integer", "minimum": 1}},
        {"name": "maxheight", "in": "query", "schema": {"type": "integer", "minimum": 1}},
        {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json"]}},
    ]
    return {
        "/api/v1/initiatives": _operation(
            "listInitiatives",
            "Published initiatives, filtered, one page at a time",
            _responses({**listed, "headers": {**_CACHE_HEADERS, **link}}, "A FeatureCollection"),
            [*_filter_parameters(), *page],
            description="Ordered by name, then id. The next page is the `links` entry with rel `next` "
            "(also in the Link header); the last page has none.",
        ),
        "/api/v1/initiatives/{id}": _operation(
            "getInitiative",
            "One published initiative",
            _responses(_json("InitiativeFeature", GEOJSON), "A Feature", not_found=True),
            [{"name": "id", "in": "path", "required": True, "schema": _STRING}],
        ),
        "/api/v1/communes": _operation(
            "listCommunes",
            "Per-commune statistics as polygons (the table of `python -m ingest stats`)",
            _responses(_json("CommuneCollection", GEOJSON), "A FeatureCollection of communes"),
            [_list_parameter("category", list(CATEGORIES), "Count only this category.")],
        ),
        "/api/v1/categories": _operation(
            "listCategories",
            "The category taxonomy with FR/NL/EN labels and map colours",
            _responses(_json("Categories"), "The categories"),
        ),
        "/api/v1/oembed": _operation(
            "oembed",
            "oEmbed for map and initiative URLs of this site",
            _responses(_json("OEmbed"), "The oEmbed answer", not_found=True),
            oembed,
        ),
        "/api/v1/openapi.json": _operation(
            "openapi",
            "This document",
            _responses({"content": {"application/json": {}}, "headers": _CACHE_HEADERS}, "OpenAPI 3.1"),
        ),
    }


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of every /api/v1 path."""
    problem = {"application/problem+json": {"schema": _ref("Problem")}}
    too_many = {"Retry-After": {"description": "Seconds to wait", "schema": _STRING}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Brussels initiatives map API",
            "version": VERSION,
            "description": "Read-only: the published citizen initiatives of the 19 Brussels communes as GeoJSON "
            "(RFC 7946, WGS84), the per-commune statistics and the category taxonomy. Every answer has an ETag "
            "(If-None-Match gets 304), may be cached briefly, is gzip-compressed on request and open to any origin "
            "(CORS, GET). Errors are RFC 9457 problems naming the parameter at fault; a client sending too many "
            "requests gets 429 with Retry-After.",
            "license": {"name": "See the licence and attribution members of each answer"},
        },
        "servers": [{"url": "/"}],
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "responses": {
                "Problem": {"description": "A problem (RFC 9457)", "content": problem},
                "TooManyRequests": {
                    "description": "Rate limit reached (RFC 9457 problem)",
                    "headers": too_many,
                    "content": problem,
                },
            },
        },
    }
