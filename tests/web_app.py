"""The real app serving a store of sample initiatives, and a plain HTTP client: for the API,
feed and embed tests (a client on the network, as another site or GDAL would be)."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from core import settings
from geo.join import BoundaryJoin
from tests.app_server import running_app
from tests.sample_initiatives import app_environment, fill_store, sample_records


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes


def get(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> Answer:
    """One request; an HTTP error status is an answer too."""
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return Answer(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


@dataclass(frozen=True)
class SampleApp:
    url: str
    config: settings.Settings
    environment: dict[str, str]


@contextmanager
def sample_app(
    built: settings.Settings, join: BoundaryJoin, folder: Path, n: int = 60, per_minute: int = 0
) -> Iterator[SampleApp]:
    """The app (app.py) over a new store of `n` sample initiatives; `per_minute` 0: no rate limit."""
    config = fill_store(built, sample_records(n, join), folder)
    environment = {**app_environment(config), "BIM_API_REQUESTS_PER_MINUTE": str(per_minute)}
    with running_app(environment, folder / "streamlit.log") as url:
        yield SampleApp(url, config, environment)


def cli(app: SampleApp, *args: str) -> None:
    """`python -m ingest ARGS` against the app's store, as a user would run it."""
    subprocess.run(
        [sys.executable, "-m", "ingest", *args],
        cwd=settings.PROJECT_DIR,
        env={**os.environ, **app.environment},
        check=True,
        capture_output=True,
    )


def app_fixture(n: int) -> Callable[..., Iterator[SampleApp]]:
    """A module-scoped `app` fixture: the app over `n` sample initiatives, for a test module."""

    @pytest.fixture(scope="module")
    def app(
        built_settings: settings.Settings, boundary_join: BoundaryJoin, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[SampleApp]:
        with sample_app(built_settings, boundary_join, tmp_path_factory.mktemp("app"), n=n) as running:
            yield running

    return app
