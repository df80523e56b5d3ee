"""Citizen contributions and moderators' edits, held to the same rules as an imported file.

A form is checked by running it through `ingest.validate` as a one-row file (field lengths,
http(s) websites, e-mail, category, address split), so the form and an import cannot disagree;
what only the form has (the image link, the story, a required e-mail, the honeypot) is checked
here. Opening hours outside the OSM syntax, which a file keeps as text, are refused here: a person
can fix them at once. Problems come back as {field: code} for the page to say in the user's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.errors import SubmissionError
from core.hours import is_valid as is_hours
from core.settings import Settings
from core.text import http_url, is_missing
from geo.duplicates import likely_duplicates
from geo.geocode.index import METADATA_FILE as GAZETTEER_MARKER
from ingest import throttle
from ingest.pipeline import join_regions
from ingest.readers import RawTable
from ingest.store import SUBMISSION_SOURCE, Store
from ingest.validate import LIMITS, validate

STORY_CHARS = 1000
IMAGE_URL_CHARS = 2000
FORM_LIMITS = {**LIMITS, "image_url": IMAGE_URL_CHARS, "story": STORY_CHARS}
# Fields a moderator may edit (besides the point, moved with `move_point`).
EDITABLE = (
    "name", "category", "description", "street", "housenumber", "postcode", "locality", "website", "opening_hours",
    "image_url", "story"
)  # fmt: skip
JOIN_CODES = ("nis_code", "quartier_code", "sector_code")
# Problem codes (messages in i18n: "contribute.error_<code>").
REQUIRED, TOO_LONG, NOT_HTTP, NOT_EMAIL, NO_PLACE = "required", "too_long", "not_http", "not_email", "no_place"
NOT_HOURS = "not_hours"


@dataclass(frozen=True)
class Submission:
    """What the contribute form sends. `token` is drawn once per form, so a resent form stores one record."""

    name: str
    category: str
    description: str = ""
    address: str = ""
    website: str = ""
    opening_hours: str = ""
    contact: str = ""
    image_url: str = ""
    story: str = ""
    lon: float | None = None
    lat: float | None = None
    geocode_precision: str = "none"
    geocode_score: float | None = None
    geocode_source: str | None = None
    token: str = ""
    honeypot: str = ""


def is_spam(submission: Submission) -> bool:
    """A filled honeypot (a field hidden from people by CSS): a robot filled every field it saw."""
    return throttle.is_spam(submission.honeypot)


def check_fields(fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """A record from form fields (canonical file columns plus `image_url` and `story`), and its problems.

    The record has every `core.record.RECORD_COLUMNS`; values with a problem are dropped from it.
    """
    text = {k: _clean(v) for k, v in fields.items()}
    columns = {k: v for k, v in text.items() if k not in ("image_url", "story") and v is not None}
    frame = pd.DataFrame({"source_row": [1], **{k: [v] for k, v in columns.items()}}, dtype=object)
    raw = RawTable(frame=frame, columns={}, unmapped=[])
    checked = validate(raw, SUBMISSION_SOURCE)
    record = checked.records.iloc[0].to_dict()
    problems: dict[str, str] = {}
    for rejection in checked.rejections:
        if rejection.field == "name" and text.get("name") is None:
            problems["name"] = REQUIRED
        elif rejection.field == "website":
            problems["website"] = NOT_HTTP
        elif rejection.field == "contact":
            problems["contact"] = NOT_EMAIL
        elif rejection.field in ("lon", "lat", "x", "y"):
            problems["address"] = NO_PLACE
        elif rejection.field is not None:
            problems[rejection.field if rejection.field in fields else "address"] = TOO_LONG
    hours = text.get("opening_hours")
    if hours is not None and "opening_hours" not in problems and not is_hours(hours):
        problems["opening_hours"] = NOT_HOURS  # a form can say so at once, unlike a file
        record["opening_hours"] = None
    for name in ("image_url", "story"):
        value = text.get(name)
        if value is not None and len(value) > FORM_LIMITS[name]:
            problems[name] = TOO_LONG
        elif value is not None and name == "image_url" and not http_url(value):
            problems[name] = NOT_HTTP
        record[name] = None if name in problems else value
    return record, problems


def check(submission: Submission) -> tuple[dict[str, Any], dict[str, str]]:
    """The pending record a submission makes, and its problems (empty: it can be stored)."""
    lon, lat = submission.lon, submission.lat
    placed = lon is not None and lat is not None
    fields = {
        "name": submission.name,
        "category": submission.category,
        "description": submission.description,
        "address": submission.address,
        "website": submission.website,
        "opening_hours": submission.opening_hours,
        "contact": submission.contact,
        "image_url": submission.image_url,
        "story": submission.story,
        "lon": str(float(lon)) if lon is not None and lat is not None else None,
        "lat": str(float(lat)) if lon is not None and lat is not None else None,
    }
    record, problems = check_fields(fields)
    if _clean(submission.contact) is None:
        problems["contact"] = REQUIRED
    elif "@" not in submission.contact:
        problems["contact"] = NOT_EMAIL
    if not placed and _clean(submission.address) is None:
        problems.setdefault("address", NO_PLACE)
    record.update(
        status="pending",
        status_reason=None,
        source_key=_clean(submission.token),
        geocode_source=submission.geocode_source if placed else None,
        geocode_precision=submission.geocode_precision if placed else "none",
        geocode_score=submission.geocode_score if placed else None,
    )
    return record, problems


def submit(store: Store, settings: Settings, submission: Submission) -> str | None:
    """Store a submission as `pending` (placed in its commune) and return its id.

    A spam submission (honeypot filled) is dropped: None, nothing stored, and the caller shows
    the same thanks as for a real one. Raises SubmissionError (with `problems`) when a field is wrong.
    """
    if is_spam(submission):
        return None
    record, problems = check(submission)
    if problems:
        raise SubmissionError(problems)
    joined = join_regions(pd.DataFrame([record]), settings).iloc[0].to_dict()
    return store.add_submission({k: _plain(v, k) for k, v in joined.items()}, actor="citizen")


def save_edit(store: Store, record_id: str, changes: dict[str, Any], actor: str) -> None:
    """Apply a moderator's edit of `EDITABLE` fields, checked and normalised like the form
    (raises SubmissionError); the store writes before and after to the audit log."""
    current = store.get(record_id) or {}
    merged = {field: current.get(field) for field in EDITABLE} | changes
    record, problems = check_fields(merged)
    if problems:
        raise SubmissionError(problems)
    normalised = {field: record[field] for field in changes}
    if normalised:
        store.update_fields(record_id, normalised, actor)


def moved_point(record: dict[str, Any], lon: float, lat: float, settings: Settings) -> dict[str, Any]:
    """The changes that put `record` at (lon, lat): coordinates, precision "given" and the new
    commune, quartier and sector (a point outside the region keeps the record pending)."""
    moved = join_regions(pd.DataFrame([{**record, "lon": lon, "lat": lat}]), settings).iloc[0]
    changes = {
        "lon": float(lon),
        "lat": float(lat),
        "geocode_source": "moderator",
        "geocode_precision": "given",
        "geocode_score": 100.0,
    }
    for column in (*JOIN_CODES, "status", "status_reason"):
        changes[column] = _plain(moved[column], column)
    return changes


def _clean(value: object) -> str | None:
    """Stripped text, None when empty or missing."""
    return None if is_missing(value) else str(value).strip()


def _plain(value: object, column: str) -> object:
    """None for pandas' missing values and codes as text (quartier 8, not 8.0), so the store sees plain values."""
    if is_missing(value):
        return None
    return str(value) if column in JOIN_CODES else value


def review_queue(store: Store, nis_codes: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The pending initiatives (public fields; of `nis_codes` only, when given) and their likely
    duplicates among the published and those pending ones (`geo.duplicates.PAIR_COLUMNS`, with the
    existing record's name)."""
    pending = store.read(status="pending", nis_codes=nis_codes)
    published = store.read(status="published")
    pairs = likely_duplicates(pending, pd.concat([published, pending], ignore_index=True))
    names = pd.concat([published, pending]).drop_duplicates("id").set_index("id")["name"]
    return pending, pairs.assign(existing_name=pairs["existing_id"].map(names))


def upload_geocoder(settings: Settings) -> str:
    """The geocoder for uploads: "offline" when its index is built, else "none" (rows wait in the queue)."""
    return "offline" if (settings.gazetteer_dir / GAZETTEER_MARKER).is_file() else "none"
