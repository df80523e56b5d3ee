"""ui/preload.py: which of Streamlit's files the pages ask the browser to fetch early."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from ui import preload


def test_the_frame_chunk_comes_first_then_what_it_imports(tmp_path: Path) -> None:
    (tmp_path / "IFrame.Ab1_x.js").write_text(
        'import{o as e}from"./rolldown-runtime.B1.js";import"./src.C2.js";import{n as i}from"./IFrameUtil.D3.js";'
        'import{o as e}from"./rolldown-runtime.B1.js";'
    )
    (tmp_path / "Multiselect.E4.js").write_text('import"./src.C2.js";')
    assert preload.frame_code(tmp_path) == [
        "IFrame.Ab1_x.js",
        "rolldown-runtime.B1.js",
        "src.C2.js",
        "IFrameUtil.D3.js",
    ]


def test_no_chunk_or_two_chunks_means_no_preload(tmp_path: Path) -> None:
    assert preload.frame_code(tmp_path) == []
    (tmp_path / "IFrame.A.js").write_text("")
    (tmp_path / "IFrame.B.js").write_text("")
    assert preload.frame_code(tmp_path) == []


def test_the_installed_streamlit_has_the_frame_chunk_and_its_imports() -> None:
    """Guards a Streamlit upgrade: the preload would silently stop otherwise."""
    files = preload.frame_code()
    assert files and re.fullmatch(r"IFrame\.[\w-]+\.js", files[0])
    assert all((preload.STREAMLIT_JS / name).is_file() for name in files)


def test_the_header_names_modules_then_the_map_assets() -> None:
    header = preload.link_header(["IFrame.A.js", "src.B.js"]).decode()
    assert header.startswith("<./static/js/IFrame.A.js>; rel=modulepreload, <./static/js/src.B.js>; rel=modulepreload")
    assert "</app/static/vendor/leaflet/leaflet.js>; rel=prefetch" in header


def _headers_sent(path: str, content_type: bytes = b"text/html") -> dict[bytes, bytes]:
    """The response headers an HTML app behind PreloadMapCode sends for `path`."""
    sent: list[dict] = []

    async def html_app(scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", content_type)]})
        await send({"type": "http.response.body", "body": b"<!DOCTYPE html>"})

    async def receive() -> dict:
        return {"type": "http.request", "body": b""}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "headers": []}
    asyncio.run(preload.PreloadMapCode(html_app)(scope, receive, send))
    return dict(sent[0]["headers"])


def test_pages_get_the_header_and_component_frames_do_not() -> None:
    """A component's page (st_folium's frame) would resolve the relative links under /component/."""
    for page in ("/", "/coverage", "/contribute"):
        assert b"rel=modulepreload" in _headers_sent(page)[b"link"], page
    for other in ("/component/streamlit_folium.st_folium/index.html", "/app/static/vendor/leaflet/x.html"):
        assert b"link" not in _headers_sent(other), other
    assert b"link" not in _headers_sent("/", b"application/json")
