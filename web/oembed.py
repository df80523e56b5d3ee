"""oEmbed (https://oembed.com) for this site's URLs: a map view answers `rich` (the embed's iframe),
an initiative page answers `link` (its name). Other URLs get 404, as the specification asks.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from starlette.datastructures import URL, QueryParams

from core.errors import ParameterError, RecordNotFoundError
from i18n import t
from ui import data
from web import embed, query, urls

PROVIDER_NAME = "Brussels initiatives map"


def _size(params: QueryParams, name: str, default: int) -> int:
    value = query.single(params, name)
    if value is None:
        return default
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        raise ParameterError(name, "a whole number of pixels, at least 1")
    return min(default, int(value))


def answer(params: QueryParams, base_url: URL, snap: data.Snapshot) -> dict[str, Any]:
    """The oEmbed answer for `url` (one of this site's), sized within maxwidth/maxheight."""
    if query.single(params, "format") not in (None, "json"):
        raise ParameterError("format", "only json is offered")
    target = query.single(params, "url")
    if not target:
        raise ParameterError("url", "required: the map or initiative URL to embed")
    width = _size(params, "maxwidth", embed.DEFAULT_WIDTH_PX)
    height = _size(params, "maxheight", embed.DEFAULT_HEIGHT_PX)
    origin = str(base_url).rstrip("/")
    try:
        parts = urlsplit(target)
    except ValueError:
        raise ParameterError("url", "not a URL") from None
    if f"{parts.scheme}://{parts.netloc}" != origin:
        raise RecordNotFoundError(f"{target[:200]!r} is not a URL of this site ({origin})")
    common = {"version": "1.0", "provider_name": PROVIDER_NAME, "provider_url": origin + "/"}
    if parts.path in urls.MAP_PATHS:
        chosen, lang = query.map_view(QueryParams(parts.query))
        html = embed.snippet(origin, chosen.categories, chosen.nis_codes, chosen.text, lang, width, height)
        return {**common, "type": "rich", "title": t("map.title", lang), "html": html, "width": width, "height": height}
    if parts.path == urls.INITIATIVE_PATH or parts.path.startswith(urls.INITIATIVE_PATH + "/"):
        ids = QueryParams(parts.query).get("id", "") if parts.path == urls.INITIATIVE_PATH else ""
        record_id = ids or unquote(parts.path.removeprefix(urls.INITIATIVE_PATH + "/"))
        records = data.published(snap)
        names = records.loc[records["id"] == record_id, "name"]
        if names.empty:
            raise RecordNotFoundError(f"no published initiative has the id {record_id[:80]!r}")
        return {**common, "type": "link", "title": str(names.iloc[0])}
    raise RecordNotFoundError(f"{target[:200]!r} is neither a map nor an initiative URL of this site")
