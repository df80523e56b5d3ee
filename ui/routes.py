"""HTTP routes served beside the pages (app.py): the popup texts of the clustered maps, and pictures."""

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
from ingest import gallery, pictures
from ui.maps import TEXTS_ROUTE

LOG = get_logger(__name__)
TEXTS_NAME = re.compile(r"[0-9a-f]{24}\.json")
PICTURE_NAME = re.compile(r"([0-9a-f]{64})" + re.escape(pictures.EXTENSION))
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


async def picture(request: Request) -> Response:
    """A published picture (display size or thumbnail) by its content name, cached for good; 404 for
    a pending, rejected or unknown one, so a visitor cannot fetch what a moderator has not approved.
    `nosniff` keeps a browser from reading the bytes as anything but the declared image."""
    from ui import data  # once the runtime exists: caches declared before it log a warning

    found = PICTURE_NAME.fullmatch(request.path_params["name"])
    if found is None:
        return Response(status_code=404)
    digest = found.group(1)
    try:
        content = await run_in_threadpool(lambda: gallery.public_file(data.store(settings.load().database_url), digest))
    except BimError as exc:
        LOG.warning("picture unavailable: %s", exc)
        return Response(status_code=503)
    if content is None:
        return Response(status_code=404, headers={"Cache-Control": "no-store"})
    headers = {"Cache-Control": IMMUTABLE, "X-Content-Type-Options": "nosniff"}
    return Response(content, media_type=pictures.MEDIA_TYPE, headers=headers)


ROUTES = [Route(TEXTS_ROUTE + "/{name}", popup_texts), Route(gallery.PICTURE_ROUTE + "/{name}", picture)]
