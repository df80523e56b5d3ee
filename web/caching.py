"""Conditional and cacheable responses: an ETag on every body, 304 to a matching If-None-Match.

The ETag is a digest of the body, so it changes exactly when the content does (an import, an
approval, an edit), whatever moved it. It is weak (W/) because the server's gzip layer may send
the same content in another encoding; If-None-Match compares weakly (RFC 9110, 13.1.2).
`Cache-Control` lets browsers and shared proxies keep a response for `max_age_s` seconds.
"""

from __future__ import annotations

import hashlib

from starlette.requests import Request
from starlette.responses import Response

MAX_AGE_S = 60  # short: a proxy absorbs bursts, an approval shows within a minute through it


def etag(body: bytes) -> str:
    return f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'


def matches(if_none_match: str, tag: str) -> bool:
    """Whether an If-None-Match header names `tag` (weak comparison) or is `*`."""
    wanted = tag.removeprefix("W/")
    return any(t.strip() == "*" or t.strip().removeprefix("W/") == wanted for t in if_none_match.split(","))


def cached(
    request: Request,
    body: bytes,
    media_type: str,
    max_age_s: int = MAX_AGE_S,
    headers: dict[str, str] | None = None,
) -> Response:
    """`body` with its ETag and Cache-Control, or 304 (no body) when the client already has it."""
    tag = etag(body)
    common = {"ETag": tag, "Cache-Control": f"public, max-age={max_age_s}", **(headers or {})}
    if matches(request.headers.get("if-none-match", ""), tag):
        return Response(status_code=304, headers=common)
    return Response(body, media_type=media_type, headers=common)
