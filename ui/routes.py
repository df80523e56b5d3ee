"""HTTP routes served beside the pages (app.py): the popup texts of the clustered maps."""

from __future__ import annotations

import gzip
import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from streamlit.logger import get_logger

from core import settings
from core.errors import BimError
from ui.maps import TEXTS_ROUTE

LOG = get_logger(__name__)
TEXTS_NAME = re.compile(r"[0-9a-f]{24}\.json")
IMMUTABLE = "public, max-age=31536000, immutable"  # the name changes with the content


async def popup_texts(request: Request) -> Response:
    """The popup texts a map page names (maps.MarkerTable), gzip-compressed as stored; 404 once
    the data changed, 503 while the store cannot be read (the popups then ask to reload)."""
    from ui import data  # once the runtime exists: caches declared before it log a warning

    name = request.path_params["name"]
    if not TEXTS_NAME.fullmatch(name):
        return Response(status_code=404)
    try:
        texts = await run_in_threadpool(data.popup_texts, settings.load(), name)
    except BimError as exc:  # the pages say so too
        LOG.warning("popup texts unavailable: %s", exc)
        return Response(status_code=503)
    if texts is None:
        return Response(status_code=404)
    headers = {"Cache-Control": IMMUTABLE, "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
    else:
        texts = gzip.decompress(texts)
    return Response(texts, media_type="application/json", headers=headers)


ROUTES = [Route(TEXTS_ROUTE + "/{name}", popup_texts)]
