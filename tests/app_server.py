"""The real app as a subprocess on a free port, and how to launch Debian's chromium here.

Shared by the browser tests and benchmarks/app.py, so they start the app the same way.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page

from core import settings

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags chromium calls home, which this network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT_S = 60


def map_texts_path(page: Page) -> str:
    """The popup-texts URL path the clustered map in `page` names (maps.ClusteredInitiatives)."""
    frame = next(f for f in page.frames[1:] if "textsUrl" in f.content())  # the main page holds it escaped
    return re.search(r'"textsUrl": "([^"]+)"', frame.content()).group(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_app(environment: dict[str, str], log_path: Path, script: str = "app.py") -> Iterator[str]:
    """`streamlit run script` (the app as served, by default) with `environment` added, from the
    project folder; yields its URL once it answers."""
    port = free_port()
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port)],
            cwd=settings.PROJECT_DIR,
            env={**os.environ, **environment},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                        break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"the app did not start: see {log_path}") from None
                    time.sleep(0.3)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
