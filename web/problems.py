"""Errors as RFC 9457 problem details (`application/problem+json`), the API's and the feeds' only error form.

Problems use the type `about:blank`, whose title is the HTTP status phrase (RFC 9457, 4.2); a bad
parameter also carries `invalid-params` (the RFC's own example member) naming it and saying why.
"""

from __future__ import annotations

import json
from http import HTTPStatus

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from core.errors import ParameterError

MEDIA_TYPE = "application/problem+json"


def problem(
    status: int, detail: str, headers: dict[str, str] | None = None, members: dict[str, object] | None = None
) -> Response:
    """A problem response of `status`, with `detail` for people and any extension `members`."""
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    body.update(members or {})
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return Response(
        data, status_code=status, media_type=MEDIA_TYPE, headers={"Cache-Control": "no-store", **(headers or {})}
    )


def bad_parameter(error: ParameterError) -> Response:
    """400 naming the parameter at fault."""
    return problem(400, str(error), members={"invalid-params": [{"name": error.name, "reason": error.reason}]})


async def http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (unknown path, method not allowed) as problems."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else {}
    return problem(status, f"{request.method} {request.url.path}: {HTTPStatus(status).phrase.lower()}", headers)
