"""The map's code fetched with the page: a `Link` header on every HTML page (see app.py).

Streamlit's frontend fetches an element's code the first time it draws one, so on a first visit
the map frame's code (st.iframe) queued behind some forty files of the filter widgets, and
Leaflet waited for the frame. With the header the browser fetches both while Streamlit starts
(benchmarks/app.py, first visit, navigation to first cluster: 2.36 s before, 1.90 s after, same
run). Leaflet is prefetched, not preloaded: the frame uses it, not the page, and a preload the
page leaves unused is a console warning.
"""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ui import maps

STREAMLIT_JS = Path(st.__file__).parent / "static" / "static" / "js"
FRAME_CHUNK = "IFrame.*.js"  # the code of st.iframe in Streamlit's build
# HTML that is not a page: components' own pages, and files under ./static served as they are.
NOT_PAGES = ("/component/", "/app/static/")
MAP_ASSETS = ("leaflet", "leaflet_css", "supercluster")  # what maps.ClusteredInitiatives loads


def frame_code(folder: Path = STREAMLIT_JS) -> list[str]:
    """The files of Streamlit's st.iframe code: its chunk, then the chunks it imports.

    Empty if the build no longer has exactly one such chunk: the pages still work, only slower
    (tests/test_preload.py checks the installed Streamlit).
    """
    chunks = list(folder.glob(FRAME_CHUNK))
    if len(chunks) != 1:
        return []
    imports = re.findall(r'"\./([\w.-]+\.js)"', chunks[0].read_text(encoding="utf-8"))
    return [chunks[0].name, *dict.fromkeys(imports)]


def link_header(chunks: list[str]) -> bytes:
    """The `Link` header value: Streamlit's chunks as modules, then the map's Leaflet assets."""
    links = [f"<./static/js/{name}>; rel=modulepreload" for name in chunks]
    links += [f"<{maps.LOCAL_ASSETS[name]}>; rel=prefetch" for name in MAP_ASSETS]
    return ", ".join(links).encode("ascii")


def is_page(path: str) -> bool:
    """Whether `path` is one of Streamlit's pages (its index.html), the only documents the header's
    relative URLs fit: a component's page (st_folium, /component/...) would resolve them under its
    own folder and fetch nothing but 404s."""
    return not path.startswith(NOT_PAGES)


class PreloadMapCode:
    """ASGI middleware: adds the `Link` header to the HTML responses of Streamlit's pages (`is_page`),
    except under `skip_prefixes` (pages served without Streamlit, which would fetch its code for nothing)."""

    def __init__(self, app: ASGIApp, skip_prefixes: tuple[str, ...] = ()) -> None:
        self.app = app
        self.link = link_header(frame_code())
        self.skip_prefixes = skip_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_page(scope["path"]) or scope["path"].startswith(self.skip_prefixes):
            await self.app(scope, receive, send)
            return

        async def send_with_link(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers):
                    message = {**message, "headers": [*headers, (b"link", self.link)]}
            await send(message)

        await self.app(scope, receive, send_with_link)
