"""The site's public URLs beyond the Streamlit pages, and the map's filter parameters they share.

A map URL (`/?cat=food,library&commune=21015&q=repair&lang=nl`) and the embed and feed URLs of the
same view carry the same parameters, so a view's embed and feed are its URL with another path.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode, urlsplit

MAP_PARAMETERS = ("cat", "commune", "q", "lang")
MAP_PATHS = ("/", "/map")  # the map page is the home page (navigation.py)
API_PREFIX = "/api/v1"
EMBED_PATH = "/embed"
FEEDS_PREFIX = "/feeds"
FEED_PATH = FEEDS_PREFIX + "/initiatives.atom"
INITIATIVE_PATH = "/initiative"
PREFIXES = (API_PREFIX + "/", EMBED_PATH, FEEDS_PREFIX + "/", INITIATIVE_PATH + "/")  # web/'s, not Streamlit's


def view_query(categories: Sequence[str], nis_codes: Sequence[str], text: str, lang: str) -> str:
    """The map parameters of a view, as the map page writes them (empty filters left out)."""
    pairs = {"cat": ",".join(categories), "commune": ",".join(nis_codes), "q": text.strip(), "lang": lang}
    return urlencode({k: v for k, v in pairs.items() if v})


def embed_url(origin: str, categories: Sequence[str], nis_codes: Sequence[str], text: str, lang: str) -> str:
    return f"{origin}{EMBED_PATH}?{view_query(categories, nis_codes, text, lang)}"


def feed_url(origin: str, categories: Sequence[str], nis_codes: Sequence[str], text: str, lang: str) -> str:
    return f"{origin}{FEED_PATH}?{view_query(categories, nis_codes, text, lang)}"


def initiative_url(origin: str, record_id: str, lang: str) -> str:
    """The initiative page (app_pages/initiative.py) of `record_id` in `lang`."""
    return f"{origin}{INITIATIVE_PATH}?{urlencode({'id': record_id, 'lang': lang})}"


def origin_of(url: str | None) -> str:
    """`scheme://host[:port]` of a page's URL ("" when unknown: links then stay relative)."""
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""
