"""The initiative record: its fields, statuses and geocoding precisions.

Every layer uses these names; a record travels as one row of a DataFrame with `RECORD_COLUMNS`.
"""

from __future__ import annotations

RECORD_COLUMNS: tuple[str, ...] = (
    "id",  # stable identifier (see ingest.store): the same source row keeps the same id
    "name",
    "name_fr",
    "name_nl",
    "name_en",
    "description",
    "category",  # a key of CATEGORIES
    "street",
    "housenumber",
    "postcode",
    "locality",
    "lon",  # WGS84 degrees, NaN when not placed
    "lat",
    "nis_code",  # commune (NIS code), from geo.join; missing outside the region
    "quartier_code",
    "sector_code",
    "geocode_source",  # where lon/lat came from: "file", "offline", "nominatim", "form", ...
    "geocode_precision",  # one of PRECISIONS
    "geocode_score",  # 0..100
    "website",  # http(s) only
    "opening_hours",  # OpenStreetMap syntax (core.hours); a text outside it is kept and shown as given
    "image_url",  # http(s) only: a picture of the place (contribution form)
    "story",  # what makes it worth visiting (contribution form)
    "contact",  # private: never published, exported or shown
    "status",  # one of STATUSES
    "status_reason",
    "source_name",
    "source_row",  # 1-based row (or feature) number in the source file
    "source_key",  # the source's own id when it has one, else derived (see ingest.store)
    "licence",
    "created_at",  # ISO 8601 UTC
    "updated_at",
)
PRIVATE_COLUMNS: tuple[str, ...] = ("contact",)
PUBLIC_COLUMNS: tuple[str, ...] = tuple(c for c in RECORD_COLUMNS if c not in PRIVATE_COLUMNS)

STATUSES: tuple[str, ...] = ("published", "pending", "rejected", "duplicate")
PRECISIONS: tuple[str, ...] = ("given", "address", "street", "postcode", "none")
