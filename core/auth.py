"""Moderator authentication: scrypt password hashes, constant-time checks, the lockout's rule.

There is no default password: without an account (ingest.accounts) or a configured hash the
moderation page stays closed and says how to make one (`python -m ingest moderators add NAME`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import time
from dataclasses import dataclass, field

from core.errors import ConfigurationError

_SCHEME = "scrypt"
_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    """A salted scrypt hash to put in BIM_MODERATOR_PASSWORD_HASH (or Streamlit secrets)."""
    if len(password) < 12:
        raise ConfigurationError("a moderator password needs at least 12 characters")
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P)
    return "$".join([_SCHEME, str(_N), str(_R), str(_P), _b64(salt), _b64(digest)])


def verify_password(password: str, stored_hash: str) -> bool:
    """Whether `password` matches `stored_hash`, compared in constant time."""
    try:
        scheme, n, r, p, salt, digest = stored_hash.split("$")
        if scheme != _SCHEME:
            raise ValueError(scheme)
        expected = base64.b64decode(digest, validate=True)
        actual = hashlib.scrypt(
            password.encode(), salt=base64.b64decode(salt, validate=True), n=int(n), r=int(r), p=int(p)
        )
    except ValueError as exc:
        raise ConfigurationError(
            "the moderator password hash is malformed: generate one with `python -m ingest hash-password`"
        ) from exc
    return hmac.compare_digest(actual, expected)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


@dataclass
class Lockout:
    """Refuses logins for `lock_s` seconds after `max_failures` failures within `window_s`.

    The app keeps this state in the store (ingest.store.accounts, in wall-clock seconds), so every
    session and every app process behind a proxy counts the same failures.
    """

    max_failures: int = 5
    window_s: float = 900.0
    lock_s: float = 900.0
    failures: list[float] = field(default_factory=list)
    locked_until: float = 0.0

    def seconds_left(self, now: float | None = None) -> float:
        """How long logins stay refused (0 when they are allowed)."""
        return max(0.0, self.locked_until - (time.monotonic() if now is None else now))

    def record_failure(self, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self.failures = [t for t in self.failures if now - t < self.window_s] + [now]
        if len(self.failures) >= self.max_failures:
            self.locked_until = now + self.lock_s
            self.failures.clear()
