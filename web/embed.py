"""The embeddable map at /embed: the map page's map alone, as a plain page, with no Streamlit session.

It is the very HTML the map page shows in its frame, from the same cache (ui.data.initiatives_map:
built once per store revision, language and filter), with the page's title and language added
for screen readers; it loads the app's local assets and the popup texts, nothing from elsewhere.
ETag and a short Cache-Control let a proxy serve it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from core import settings
from core.errors import BimError, ParameterError
from i18n import t
from ui import data
from web import caching, query, urls
from web.problems import bad_parameter, problem

DEFAULT_WIDTH_PX = 800
DEFAULT_HEIGHT_PX = 560


def titled(page: str, title: str, lang: str) -> str:
    """`page` (folium's standalone HTML) with a `<title>` and the document language."""
    head = f'<html lang="{lang}">\n<head>\n    <title>{html.escape(title)}</title>'
    return page.replace("<html>\n<head>", head, 1) if "<html>\n<head>" in page else page


def embed_page(chosen: query.Filters, lang: str) -> bytes:
    snap = data.snapshot(settings.load())
    page = data.initiatives_map(snap, lang, chosen.categories, chosen.nis_codes, chosen.text)
    return titled(page, t("map.frame_title", lang), lang).encode("utf-8")


async def embed(request: Request) -> Response:
    """GET /embed?cat=&commune=&q=&lang=: the map of that view."""
    try:
        chosen, lang = query.map_view(request.query_params)
        body = await run_in_threadpool(embed_page, chosen, lang)
    except ParameterError as exc:
        return bad_parameter(exc)
    except BimError as exc:
        return problem(503, f"the map cannot be built right now: {exc}", headers={"Retry-After": "30"})
    return caching.cached(request, body, "text/html; charset=utf-8")


def snippet(
    origin: str,
    categories: Sequence[str],
    nis_codes: Sequence[str],
    text: str,
    lang: str,
    width: int = DEFAULT_WIDTH_PX,
    height: int = DEFAULT_HEIGHT_PX,
) -> str:
    """The `<iframe>` another site pastes to show this view of the map."""
    src = html.escape(urls.embed_url(origin, categories, nis_codes, text, lang))
    title = html.escape(t("map.frame_title", lang))
    return (
        f'<iframe src="{src}" width="{width}" height="{height}" title="{title}" '
        'style="border:0" loading="lazy"></iframe>'
    )
