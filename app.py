"""The app: `streamlit run app.py` (`make run`) serves the pages of navigation.py in Streamlit's
own server (st.App), with what the maps need beside the pages:
- the popup texts of the clustered maps, at a URL named by their content (ui/routes.py);
- the map's code fetched with the page (ui/preload.py);
- the read-only GeoJSON API, the Atom feeds, the embeddable map and the initiative pages (web/);
- the caches filled when the server starts: the first visitor after a restart would otherwise
  wait for the map of every initiative and the statistics to be built (several seconds at 10,000
  initiatives);
- the mail outbox sent every `BIM_MAIL_INTERVAL_S` while mail is on, so edit links, outcomes and
  relayed messages leave without a cron job (replicas share the outbox: a message is sent once).
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


def send_mail(stop: threading.Event) -> None:
    """Send the outbox's due messages every `mail_interval_s` until `stop` (ingest.mail retries failures)."""
    from ingest import mail
    from ui import data

    config = settings.load()
    if not config.mail_enabled or config.mail_interval_s <= 0:
        return
    while not stop.wait(config.mail_interval_s):
        try:
            mail.deliver(data.store(config.database_url), config)
        except BimError as exc:  # the store is unreachable: the next round tries again
            LOG.warning("mail not sent this round: %s", exc)


@asynccontextmanager
async def lifespan(_app: st.App) -> AsyncIterator[None]:
    """Warm the caches beside the server, which answers at once (a visitor meanwhile shares the work),
    and send the mail outbox while the server runs."""
    stop = threading.Event()
    threading.Thread(target=warm_caches, name="warm-caches", daemon=True).start()
    threading.Thread(target=send_mail, args=(stop,), name="send-mail", daemon=True).start()
    yield
    stop.set()


app = st.App(
    "navigation.py",
    routes=[*ROUTES, *web_routes(settings.load())],
    middleware=[Middleware(PreloadMapCode, skip_prefixes=urls.PREFIXES)],
    lifespan=lifespan,
)
