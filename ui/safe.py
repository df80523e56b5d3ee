"""Escaping for every user-provided text that reaches HTML (popups, tooltips, lists).

Initiative records come from files and citizen forms: treat every field as hostile.
"""

from __future__ import annotations

import html
from urllib.parse import urlsplit

import pandas as pd

SAFE_SCHEMES = ("http", "https")


def text(value: object, max_chars: int | None = None) -> str:
    """`value` as escaped HTML text ("" for None/NaN), cut to `max_chars` characters before escaping."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    plain = str(value).strip()
    if max_chars is not None and len(plain) > max_chars:
        plain = plain[: max_chars - 1].rstrip() + "…"
    return html.escape(plain, quote=True)


def http_url(value: object) -> str | None:
    """The URL when it is an absolute http(s) link with a host, else None (javascript:, data:, ...)."""
    if not isinstance(value, str):
        return None
    candidate = value.strip()
    if any(ord(c) < 0x21 for c in candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    return candidate if parts.scheme.lower() in SAFE_SCHEMES and parts.netloc else None


def link_attribute(value: object) -> str:
    """An http(s) URL escaped for an href attribute, or "" when it is not a safe link."""
    url = http_url(value)
    return html.escape(url, quote=True) if url else ""
