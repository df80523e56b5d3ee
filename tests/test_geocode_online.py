"""The online fallback against a local server that answers like Nominatim and Photon (no internet)."""

from __future__ import annotations

import dataclasses
import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest

from core import settings
from core.errors import ConfigurationError
from geo.geocode import geocode

INSIDE = (4.3499, 50.8503)  # lon, lat: near the Bourse, Bruxelles
OUTSIDE = (2.3522, 48.8566)  # Paris
UNKNOWN_STREET = "Rue Imaginaire 7, 1000 Bruxelles"
FAR_STREET = "Rue Lointaine 3, 1000 Bruxelles"


def nominatim_answer(query: str) -> list[dict]:
    """A house for the imaginary street (inside or outside the region), nothing for the rest."""
    lon, lat = INSIDE if "Imaginaire" in query else OUTSIDE
    if "Imaginaire" not in query and "Lointaine" not in query:
        return []
    return [
        {
            "place_id": 1,
            "lat": str(lat),
            "lon": str(lon),
            "class": "place",
            "type": "house",
            "display_name": f"7, {query}",
            "address": {"house_number": "7", "road": "Rue Imaginaire", "postcode": "1000"},
        }
    ]


def photon_answer(query: str) -> dict:
    """The same places as GeoJSON features, as Photon answers."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(place["lon"]), float(place["lat"])]},
            "properties": {"osm_key": "place", "type": "house", "housenumber": "7", "street": "Rue Imaginaire"},
        }
        for place in nominatim_answer(query)
    ]
    return {"type": "FeatureCollection", "features": features}


class FakeService(BaseHTTPRequestHandler):
    """Answers /search (Nominatim) and /api (Photon); records every request."""

    requests: list[tuple[str, dict]]

    def do_GET(self) -> None:
        url = urllib.parse.urlparse(self.path)
        params = dict(urllib.parse.parse_qsl(url.query))
        self.requests.append((url.path, params))
        body = nominatim_answer(params["q"]) if url.path == "/search" else photon_answer(params["q"])
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def service() -> Iterator[tuple[str, list]]:
    """A local geocoding service: its host:port and the list of requests it received."""
    requests: list = []
    handler = type("Handler", (FakeService,), {"requests": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


def online_settings(config: settings.Settings, name: str, domain: str) -> settings.Settings:
    return dataclasses.replace(
        config,
        online_geocoder=name,
        online_geocoder_domain=domain,
        online_geocoder_scheme="http",
        online_geocoder_user_agent="bim-tests",
        online_geocoder_min_delay_s=0.0,
    )


@pytest.mark.parametrize("name", ["nominatim", "photon"])
def test_the_online_service_places_what_the_offline_geocoder_cannot_once(
    gazetteer_settings: settings.Settings, service: tuple[str, list], name: str
) -> None:
    domain, requests = service
    config = online_settings(gazetteer_settings, name, domain)
    addresses = pd.DataFrame({"address": [UNKNOWN_STREET, "Rue Haute 10, 1000", UNKNOWN_STREET]}, index=[3, 1, 2])
    first = geocode(addresses, config, online=True)
    assert first.loc[[3, 2], "geocode_source"].tolist() == [name, name]
    assert first.loc[[3, 2], "geocode_precision"].tolist() == ["address", "address"]
    assert first.loc[3, "nis_code"] == "21004"
    assert (first.loc[3, "lon"], first.loc[3, "lat"]) == pytest.approx(INSIDE)
    assert first.loc[1, "geocode_source"] == "offline"
    assert len(requests) == 1  # one distinct address, one request

    again = geocode(addresses, config, online=True)
    assert len(requests) == 1  # answered from the disk cache
    pd.testing.assert_frame_equal(again, first)


def test_requests_are_bounded_to_the_brussels_region(
    gazetteer_settings: settings.Settings, service: tuple[str, list]
) -> None:
    domain, requests = service
    geocode(
        pd.DataFrame({"address": [UNKNOWN_STREET]}),
        online_settings(gazetteer_settings, "nominatim", domain),
        online=True,
    )
    geocode(
        pd.DataFrame({"address": [UNKNOWN_STREET]}), online_settings(gazetteer_settings, "photon", domain), online=True
    )
    (_, nominatim), (_, photon) = requests
    assert nominatim["bounded"] == "1" and nominatim["countrycodes"] == "be"
    assert [float(v) for v in nominatim["viewbox"].split(",")] == [4.24, 50.76, 4.49, 50.92]
    assert [float(v) for v in photon["bbox"].split(",")] == [4.24, 50.76, 4.49, 50.92]


def test_an_online_answer_outside_the_region_is_not_taken(
    gazetteer_settings: settings.Settings, service: tuple[str, list]
) -> None:
    domain, _ = service
    result = geocode(
        pd.DataFrame({"address": [FAR_STREET]}), online_settings(gazetteer_settings, "nominatim", domain), online=True
    )
    row = result.iloc[0]
    assert (row["geocode_source"], row["geocode_precision"], row["nis_code"]) == ("offline", "postcode", "21004")
    assert "nominatim placed it outside the Brussels region" in row["geocode_note"]


def test_the_online_service_is_not_asked_unless_enabled_or_for_addresses_outside_brussels(
    gazetteer_settings: settings.Settings, service: tuple[str, list]
) -> None:
    domain, requests = service
    config = online_settings(gazetteer_settings, "nominatim", domain)
    geocode(pd.DataFrame({"address": [UNKNOWN_STREET]}), config)
    geocode(pd.DataFrame({"address": ["Kosterstraat 2, 1831 Diegem"]}), config, online=True)
    assert requests == []


def test_a_failing_service_keeps_the_offline_result_and_says_why(gazetteer_settings: settings.Settings) -> None:
    config = online_settings(gazetteer_settings, "nominatim", "127.0.0.1:9")  # nothing listens on port 9
    row = geocode(pd.DataFrame({"address": [UNKNOWN_STREET]}), config, online=True).iloc[0]
    assert (row["geocode_source"], row["geocode_precision"]) == ("offline", "postcode")
    assert "nominatim failed" in row["geocode_note"]


def test_an_unconfigured_online_geocoder_is_a_configuration_error(gazetteer_settings: settings.Settings) -> None:
    config = dataclasses.replace(gazetteer_settings, online_geocoder="")
    with pytest.raises(ConfigurationError, match="BIM_ONLINE_GEOCODER"):
        geocode(pd.DataFrame({"address": [UNKNOWN_STREET]}), config, online=True)
