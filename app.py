"""The app: `streamlit run app.py` (`make run`) serves the pages of navigation.py in Streamlit's
own server (st.App), with what the maps need beside the pages:
- the popup texts of the clustered maps, at a URL named by their content (maps.MarkerTable);
- the map's code fetched with the page (ui/preload.py);
- the caches filled when the server starts: the first visitor after a restart would otherwise
  wait for the map of every initiative and the statistics to be built (several seconds at 10,000
  initiatives).
"""

from __future__ import annotations

import gzip
import re
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from streamlit.logger import get_logger

import settings
from errors import BimError
from ui.maps import TEXTS_ROUTE
from ui.preload import PreloadMapCode

LOG = get_logger(__name__)
TEXTS_NAME = re.compile(r"[0-9a-f]{24}\.json")
IMMUTABLE = "public, max-age=31536000, immutable"  # the name changes with the content


async def popup_texts(request: Request) -> Response:
    """The popup texts a map page names, gzip-compressed as stored; 404 once the data changed."""
    from ui import data  # see warm_caches

    name = request.path_params["name"]
    texts = await run_in_threadpool(data.popup_texts, settings.load(), name) if TEXTS_NAME.fullmatch(name) else None
    if texts is None:
        return Response(status_code=404)
    headers = {"Cache-Control": IMMUTABLE, "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
    else:
        texts = gzip.decompress(texts)
    return Response(texts, media_type="application/json", headers=headers)


def warm_caches() -> None:
    """Build what first visits read (data.warm); errors are left for the pages to report."""
    from ui import data  # once the runtime exists: caches declared before it log a warning

    started = time.perf_counter()
    try:
        data.warm(settings.load())
    except BimError as exc:
        LOG.warning("caches not warmed: %s", exc)
        return
    LOG.info("caches warmed in %.1f s", time.perf_counter() - started)


@asynccontextmanager
async def lifespan(_app: st.App) -> AsyncIterator[None]:
    """Warm the caches beside the server, which answers at once (a visitor meanwhile shares the work)."""
    threading.Thread(target=warm_caches, name="warm-caches", daemon=True).start()
    yield


app = st.App(
    "navigation.py",
    routes=[Route(TEXTS_ROUTE + "/{name}", popup_texts)],
    middleware=[Middleware(PreloadMapCode)],
    lifespan=lifespan,
)
