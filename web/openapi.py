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


def _schemas() -> dict[str, Any]:
    properties = {c: {"type": [NUMERIC_PROPERTIES.get(c, "string"), "null"]} for c in PROPERTY_COLUMNS}
    link = {
        "type": "object",
        "required": ["href", "rel"],
        "properties": {"href": {"type": "string"}, "rel": {"type": "string"}, "type": {"type": "string"}},
    }
    licence = {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["source", "licence"],
            "properties": {"source": {"type": "string"}, "licence": {"type": "string"}},
        },
    }
    point = {
        "type": "object",
        "required": ["type", "coordinates"],
        "properties": {
            "type": {"const": "Point"},
            "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
        },
    }
    initiative = {
        "type": "object",
        "description": "An initiative as `python -m ingest export` writes it: public fields only, never the contact.",
        "required": ["type", "id", "geometry", "properties"],
        "properties": {
            "type": {"const": "Feature"},
            "id": {"type": "string"},
            "geometry": {"oneOf": [point, {"type": "null"}]},
            "properties": {"type": "object", "required": list(PROPERTY_COLUMNS), "properties": properties},
        },
    }
    collection_members = {
        "licence": {"$ref": "#/components/schemas/Licences"},
        "attribution": {"type": "string"},
        "links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}},
    }
    return {
        "Link": link,
        "Licences": licence,
        "Initiative": initiative,
        "InitiativeCollection": {
            "type": "object",
            "required": ["type", "features", "licence", "attribution", "links", "numberMatched", "numberReturned"],
            "properties": {
                "type": {"const": "FeatureCollection"},
                "features": {"type": "array", "items": {"$ref": "#/components/schemas/Initiative"}},
                "numberMatched": {"type": "integer", "minimum": 0},
                "numberReturned": {"type": "integer", "minimum": 0},
                **collection_members,
            },
        },
        "InitiativeFeature": {
            "allOf": [{"$ref": "#/components/schemas/Initiative"}],
            "required": ["licence", "attribution", "links"],
            "properties": collection_members,
        },
        "CommuneCollection": {
            "type": "object",
            "description": "One polygon per commune with the columns of `python -m ingest stats`.",
            "required": ["type", "features", "attribution"],
            "properties": {
                "type": {"const": "FeatureCollection"},
                "attribution": {"type": "array", "items": {"type": "string"}},
                "features": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["type", "geometry", "properties"],
                        "properties": {
                            "type": {"const": "Feature"},
                            "geometry": {
                                "type": "object",
                                "properties": {"type": {"enum": ["Polygon", "MultiPolygon"]}},
                            },
                            "properties": {
                                "type": "object",
                                "required": ["nis_code", "name_fr", "name_nl", "initiatives"],
                                "properties": {"nis_code": {"type": "string"}, "initiatives": {"type": "integer"}},
                            },
                        },
                    },
                },
            },
        },
        "Categories": {
            "type": "object",
            "required": ["categories"],
            "properties": {
                "categories": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["key", "colour", "labels"],
                        "properties": {
                            "key": {"type": "string"},
                            "colour": {"type": "string"},
                            "labels": {
                                "type": "object",
                                "required": ["fr", "nl", "en"],
                                "properties": {lang: {"type": "string"} for lang in ("fr", "nl", "en")},
                            },
                        },
                    },
                }
            },
        },
        "OEmbed": {
            "type": "object",
            "required": ["version", "type", "title", "provider_name", "provider_url"],
            "properties": {
                "version": {"const": "1.0"},
                "type": {"enum": ["rich", "link"]},
                "title": {"type": "string"},
                "provider_name": {"type": "string"},
                "provider_url": {"type": "string"},
                "html": {"type": "string"},
                "width": {"type": "integer"},
                "height": {"type": "integer"},
            },
        },
        "Problem": {
            "type": "object",
            "description": "RFC 9457 problem details.",
            "required": ["type", "title", "status", "detail"],
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "invalid-params": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["name", "reason"],
                        "properties": {"name": {"type": "string"}, "reason": {"type": "string"}},
                    },
                },
            },
        },
    }


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of every /api/v1 path."""
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    limit = {
        "name": "limit",
        "in": "query",
        "description": f"Features per page (default {query.DEFAULT_LIMIT}).",
        "schema": {"type": "integer", "minimum": 1, "maximum": query.MAX_LIMIT},
    }
    cursor = {
        "name": "cursor",
        "in": "query",
        "description": "Where the page starts: take it from the `next` link of the previous page.",
        "schema": {"type": "string"},
    }
    geojson = "application/geo+json"
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
        "paths": {
            "/api/v1/initiatives": {
                "get": {
                    "summary": "Published initiatives, filtered, one page at a time",
                    "description": "Ordered by name, then id. The next page is the `links` entry with rel `next` "
                    "(also in the Link header); the last page has none.",
                    "operationId": "listInitiatives",
                    "parameters": [*_filter_parameters(), limit, cursor],
                    "responses": _responses(
                        {
                            **_json("InitiativeCollection", geojson),
                            "headers": {
                                **_CACHE_HEADERS,
                                "Link": {
                                    "description": "rel=next, when there is a next page",
                                    "schema": {"type": "string"},
                                },
                            },
                        },
                        "A FeatureCollection",
                    ),
                }
            },
            "/api/v1/initiatives/{id}": {
                "get": {
                    "summary": "One published initiative",
                    "operationId": "getInitiative",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": _responses(_json("InitiativeFeature", geojson), "A Feature", not_found=True),
                }
            },
            "/api/v1/communes": {
                "get": {
                    "summary": "Per-commune statistics as polygons (the table of `python -m ingest stats`)",
                    "operationId": "listCommunes",
                    "parameters": [_list_parameter("category", list(CATEGORIES), "Count only this category.")],
                    "responses": _responses(_json("CommuneCollection", geojson), "A FeatureCollection of communes"),
                }
            },
            "/api/v1/categories": {
                "get": {
                    "summary": "The category taxonomy with FR/NL/EN labels and map colours",
                    "operationId": "listCategories",
                    "responses": _responses(_json("Categories"), "The categories"),
                }
            },
            "/api/v1/oembed": {
                "get": {
                    "summary": "oEmbed for map and initiative URLs of this site",
                    "operationId": "oembed",
                    "parameters": [
                        {"name": "url", "in": "query", "required": True, "schema": {"type": "string", "minLength": 1}},
                        {"name": "maxwidth", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                        {"name": "maxheight", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                        {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json"]}},
                    ],
                    "responses": _responses(_json("OEmbed"), "The oEmbed answer", not_found=True),
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "openapi",
                    "responses": _responses(
                        {"content": {"application/json": {}}, "headers": _CACHE_HEADERS}, "OpenAPI 3.1"
                    ),
                }
            },
        },
        "components": {
            "schemas": _schemas(),
            "responses": {
                "Problem": {"description": "A problem (RFC 9457)", "content": problem},
                "TooManyRequests": {
                    "description": "Rate limit reached (RFC 9457 problem)",
                    "headers": {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "string"}}},
                    "content": problem,
                },
            },
        },
    }
