"""The optional online geocoder: Nominatim, Photon or Pelias through geopy, cached on disk.

Used only for the addresses the offline geocoder could not place on a street, and only when
asked (`geocode(..., online=True)`). The service, its domain, scheme, user agent and the pause
between requests come from the settings (`BIM_ONLINE_GEOCODER*`); every request is bounded to
the Brussels region. Each answer, even "nothing found", is kept under
`settings.cache_dir / "geocode"`, so importing the same file again asks the service nothing.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim, Pelias, Photon
from geopy.location import Location

from core.errors import ConfigurationError
from core.settings import Settings
from geo.join import load_join

SERVICES = {"nominatim": Nominatim, "photon": Photon, "pelias": Pelias}
# The region's bounding box, (south, west) and (north, east), slightly padded.
REGION_BOX = [(50.76, 4.24), (50.92, 4.49)]
TIMEOUT_S = 10.0
DEFAULT_USER_AGENT = "brussels-initiatives-map/0.1"
SCORES = {"address": 80, "street": 60, "postcode": 20}


def geocode(queries: pd.Series, settings: Settings) -> pd.DataFrame:
    """Ask the configured service for each one-line query: one row per query, same index.

    Columns: lon, lat, geocode_precision, geocode_score, geocode_source, street_fr, street_nl,
    nis_code, geocode_note. One request per distinct query not yet in the cache; when the
    service fails, the remaining queries stay unplaced with the reason in the note.
    Raises ConfigurationError when the online geocoder is not configured.
    """
    name, service = _service(settings)
    folder = settings.cache_dir / "geocode" / name
    ask = RateLimiter(
        lambda query: _ask(name, service, query),
        min_delay_seconds=settings.online_geocoder_min_delay_s,
        max_retries=1,
        error_wait_seconds=settings.online_geocoder_min_delay_s,
        swallow_exceptions=False,
    )
    answers: dict[str, dict | None] = {}
    failure = ""
    # One request per distinct address, spaced by the rate limit: network I/O, not a geometry loop.
    for query in queries.unique():
        path = _cache_path(folder, settings.online_geocoder_domain, query)
        if path.is_file():
            answers[query] = json.loads(path.read_text())["answer"]
        elif not failure:
            try:
                answers[query] = ask(query)
            except GeopyError as exc:
                failure = f"{name} failed: {exc}"
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"query": query, "answer": answers[query]}))
    return _results(queries, answers, name, failure, settings)


def _service(settings: Settings) -> tuple[str, Nominatim | Photon | Pelias]:
    """The geopy geocoder the settings name (ConfigurationError says what to set)."""
    name = settings.online_geocoder.lower()
    if name not in SERVICES:
        raise ConfigurationError(
            f"BIM_ONLINE_GEOCODER is {settings.online_geocoder!r}: set it to one of {', '.join(SERVICES)} "
            "to use an online geocoder (and BIM_ONLINE_GEOCODER_DOMAIN for your own server)."
        )
    options = {
        "scheme": settings.online_geocoder_scheme or "https",
        "user_agent": settings.online_geocoder_user_agent or DEFAULT_USER_AGENT,
        "timeout": TIMEOUT_S,
    }
    if settings.online_geocoder_domain:
        options["domain"] = settings.online_geocoder_domain
    elif name == "pelias":
        raise ConfigurationError("Pelias has no public default: set BIM_ONLINE_GEOCODER_DOMAIN to its host.")
    return name, SERVICES[name](**options)


def _ask(name: str, service: Nominatim | Photon | Pelias, query: str) -> dict | None:
    """One request, bounded to the region; the answer reduced to what we keep (None: not found)."""
    if name == "nominatim":
        found = service.geocode(query, viewbox=REGION_BOX, bounded=True, country_codes="be", addressdetails=True)
    elif name == "photon":
        found = service.geocode(query, bbox=REGION_BOX)
    else:
        found = service.geocode(query, boundary_rect=REGION_BOX, countries=["BEL"])
    return _answer(found) if found is not None else None


def _answer(found: Location) -> dict:
    """Position, precision and label of one answer, whatever the service's JSON looks like."""
    raw = found.raw
    properties = raw.get("properties", raw)
    kind = {str(properties.get(k, "")).lower() for k in ("type", "layer", "addresstype", "class", "osm_key")}
    if (
        raw.get("address", {}).get("house_number")
        or properties.get("housenumber")
        or kind & {"house", "address", "building"}
    ):
        precision = "address"
    elif kind & {"street", "road", "highway"}:
        precision = "street"
    else:
        precision = "postcode"
    return {"lon": found.longitude, "lat": found.latitude, "precision": precision, "label": found.address}


def _cache_path(folder: Path, domain: str, query: str) -> Path:
    digest = hashlib.sha256(f"{domain}\n{query}".encode()).hexdigest()
    return folder / digest[:2] / f"{digest}.json"


def _results(
    queries: pd.Series, answers: dict[str, dict | None], name: str, failure: str, settings: Settings
) -> pd.DataFrame:
    """The answers as geocoder rows; points outside the 19 communes are not placed."""
    found = [answers.get(q) for q in queries]
    lon = np.array([a["lon"] if a else np.nan for a in found], dtype=float)
    lat = np.array([a["lat"] if a else np.nan for a in found], dtype=float)
    nis = pd.Series(load_join(settings.data_dir).locate(lon, lat)["nis_code"].astype(object).to_numpy())
    inside = nis.notna().to_numpy()
    precision = np.array([a["precision"] if a else "none" for a in found], dtype=object)
    precision[~inside] = "none"
    note = np.array(
        [
            f"{name}: {a['label']}" if a else (f"{name} found nothing" if q in answers else failure)
            for q, a in zip(queries, found, strict=True)
        ],
        dtype=object,
    )
    outside = ~inside & ~np.isnan(lon)
    note[outside] = f"{name} placed it outside the Brussels region: not placed"
    return pd.DataFrame(
        {
            "lon": np.where(inside, lon, np.nan),
            "lat": np.where(inside, lat, np.nan),
            "geocode_precision": precision,
            "geocode_score": [SCORES.get(p, 0) for p in precision],
            "geocode_source": name,
            "street_fr": None,
            "street_nl": None,
            "nis_code": nis.where(inside, None).to_numpy(),
            "geocode_note": note,
        },
        index=queries.index,
    )
