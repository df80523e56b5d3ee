"""Everything web/ serves beside the Streamlit pages, as routes for app.py's st.App.

The applications are built on their first request, not when app.py is imported: their modules
read ui.data, whose Streamlit caches must be declared once the runtime exists (as ui/routes.py
does for the popup texts).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from starlette.routing import BaseRoute, Mount, Route, request_response
from starlette.types import ASGIApp, Receive, Scope, Send

from core.settings import Settings
from web import urls
from web.ratelimit import TokenBuckets


class Deferred:
    """An ASGI application made by `build` when the first request comes."""

    def __init__(self, build: Callable[[], ASGIApp]) -> None:
        self.build = build
        self.app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.app is None:
            self.app = self.build()
        await self.app(scope, receive, send)


class AnyPathMount(Mount):
    """A Mount whose paths may hold any character: Starlette's pattern stops at a newline ("%0A"),
    which would leave such a request to Streamlit's plain-text 404 instead of a problem."""

    def __init__(self, path: str, app: ASGIApp) -> None:
        super().__init__(path, app=app)
        self.path_regex = re.compile(self.path_regex.pattern, re.DOTALL)


def _api_app(buckets: TokenBuckets | None) -> ASGIApp:
    from web import api

    return api.application(buckets)


def _feeds_app(buckets: TokenBuckets | None) -> ASGIApp:
    from web import feeds

    return feeds.application(buckets)


def _embed_app() -> ASGIApp:
    from web import embed

    return request_response(embed.embed)


def _initiative_app() -> ASGIApp:
    from web import initiative

    return request_response(initiative.initiative_page)


def routes(config: Settings) -> list[BaseRoute]:
    """The API, the feeds (one rate limit shared by both), the embeddable map and the initiative pages."""
    per_minute = config.api_requests_per_minute
    buckets = TokenBuckets(per_minute) if per_minute > 0 else None
    return [
        AnyPathMount(urls.API_PREFIX, Deferred(lambda: _api_app(buckets))),
        AnyPathMount(urls.FEEDS_PREFIX, Deferred(lambda: _feeds_app(buckets))),
        Route(urls.EMBED_PATH, Deferred(_embed_app), methods=["GET"]),
        Route(urls.INITIATIVE_PATH + "/{id}", Deferred(_initiative_app), methods=["GET"]),
    ]
