"""A per-client rate limit: a token bucket per client address, answered with 429 and Retry-After.

Each client may send `per_minute` requests in a burst and then one every 60/`per_minute` seconds.
State is per process (like the login lockout); behind a reverse proxy every client shares the
proxy's address, so limit there instead (README, "API").
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from web.problems import problem

MAX_CLIENTS = 10_000  # past this, buckets that have filled up again are forgotten


class TokenBuckets:
    """Tokens left per client; `take` spends one or says how long until one is back."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate_per_s = per_minute / 60
        self.clock = clock
        self.buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, when counted)

    def take(self, client: str) -> float:
        """0 when the request may go ahead (a token spent), else the seconds to wait."""
        now = self.clock()
        tokens, then = self.buckets.get(client, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - then) * self.rate_per_s)
        if tokens < 1:
            self.buckets[client] = (tokens, now)
            return (1 - tokens) / self.rate_per_s
        if len(self.buckets) >= MAX_CLIENTS:
            self._forget_full(now)
        self.buckets[client] = (tokens - 1, now)
        return 0.0

    def _forget_full(self, now: float) -> None:
        full = [
            c for c, (tokens, then) in self.buckets.items() if tokens + (now - then) * self.rate_per_s >= self.capacity
        ]
        for client in full:
            del self.buckets[client]


class RateLimit:
    """ASGI middleware: 429 problem with Retry-After once a client has spent its tokens (0: no limit)."""

    def __init__(self, app: ASGIApp, buckets: TokenBuckets | None) -> None:
        self.app = app
        self.buckets = buckets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.buckets is not None:
            client = (scope.get("client") or ("unknown", 0))[0]
            wait_s = self.buckets.take(client)
            if wait_s:
                retry = str(math.ceil(wait_s))
                detail = f"too many requests from {client}: retry in {retry} s"
                await problem(429, detail, headers={"Retry-After": retry})(scope, receive, send)
                return
        await self.app(scope, receive, send)
