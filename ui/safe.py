"""Escaping for every user-provided text that reaches HTML (popups, tooltips, lists).

Initiative records come from files and citizen forms: treat every field as hostile.
"""

from __future__ import annotations

import html

from core.text import http_url, is_missing


def text(value: object, max_chars: int | None = None) -> str:
    """`value` as escaped HTML text ("" for None/NaN), cut to `max_chars` characters before escaping."""
    if is_missing(value):
        return ""
    plain = str(value).strip()
    if max_chars is not None and len(plain) > max_chars:
        plain = plain[: max_chars - 1].rstrip() + "…"
    return html.escape(plain, quote=True)


def link_attribute(value: object) -> str:
    """An http(s) URL escaped for an href attribute, or "" when it is not a safe link."""
    url = http_url(value)
    return html.escape(url, quote=True) if url else ""
