"""The short address of an initiative, /initiative/{id}, kept for links already shared: it
redirects for good to the one initiative page, /initiative?id=...&lang=... (app_pages/initiative.py),
which says "not found" itself for an unknown or unpublished id (so nothing about pending records leaks
here either)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from web import urls


async def initiative_page(request: Request) -> Response:
    """308 to the initiative page in the asked language (FR by default)."""
    lang = request.query_params.get("lang", "fr")
    return RedirectResponse(urls.initiative_url("", request.path_params["id"], lang), status_code=308)
