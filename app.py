"""The app: `streamlit run app.py` (`make run`) serves the pages of navigation.py in Streamlit's
own server (st.App), with what the maps need beside the pages:
- the popup texts of the clustered maps, at a URL named by their content (ui/routes.py);
- the map's code fetched with the page (ui/preload.py);
- the read-only GeoJSON API, the Atom feeds, the embeddable map and the initiative pages (web/);
- the caches filled when the server starts: the first visitor after a restart would otherwise
  wait for the map of every initiative and the statistics to be built (several seconds at 10,000
  initiatives).
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st
from starlette.middleware import Middleware
from streamlit.logger import get_logger

from core import settings
from core.errors import BimError
from ui.preload import PreloadMapCode
from ui.routes import ROUTES
from web import urls
from web.routes import routes as web_routes

LOG = get_logger(__name__)


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
    routes=[*ROUTES, *web_routes(settings.load())],
    middleware=[Middleware(PreloadMapCode, skip_prefixes=urls.PREFIXES)],
    lifespan=lifespan,
)
