"""The API's human documentation: the OpenAPI document rendered to one HTML page on the server.

No script and no asset at all (nothing from a CDN): each path with its summary, parameters and
answers, read from the document served at /api/v1/openapi.json, so the two always agree.
"""

from __future__ import annotations

import html
import json
from typing import Any

STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}"
    "code{background:#f1f1f1;padding:0 .2em}table{border-collapse:collapse}td,th{border:1px solid #999;"
    "padding:.2em .5em;text-align:left;vertical-align:top}section{margin-bottom:2rem}"
)


def _schema_text(schema: dict[str, Any]) -> str:
    if "enum" in schema.get("items", {}):
        return "list of: " + ", ".join(schema["items"]["enum"])
    return json.dumps(schema, ensure_ascii=False)


def _operation(path: str, operation: dict[str, Any]) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td><code>{e(p['name'])}</code></td><td>{e(p['in'])}{' (required)' if p.get('required') else ''}</td>"
        f"<td>{e(p.get('description', ''))}</td><td>{e(_schema_text(p['schema']))}</td></tr>"
        for p in operation.get("parameters", [])
    )
    table = (
        f"<table><tr><th>Parameter</th><th>In</th><th>Meaning</th><th>Values</th></tr>{rows}</table>" if rows else ""
    )
    answers = ", ".join(f"{e(code)}" for code in operation["responses"])
    return (
        f'<section><h2 id="{e(operation["operationId"])}"><code>GET {e(path)}</code></h2>'
        f"<p>{e(operation['summary'])}. {e(operation.get('description', ''))}</p>{table}"
        f"<p>Answers: {answers}.</p></section>"
    )


def page(document: dict[str, Any]) -> str:
    """The HTML page of `document` (OpenAPI 3.1)."""
    info = document["info"]
    sections = "".join(_operation(path, item["get"]) for path, item in document["paths"].items())
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(info['title'])}</title><style>{STYLE}</style></head><body><main>"
        f"<h1>{html.escape(info['title'])} <small>{html.escape(info['version'])}</small></h1>"
        f"<p>{html.escape(info['description'])}</p>"
        '<p>Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1). '
        "Feeds: <code>/feeds/initiatives.atom</code> with the map's filters (<code>cat</code>, "
        "<code>commune</code>, <code>q</code>, <code>lang</code>).</p>"
        f"{sections}</main></body></html>"
    )
