"""ui/routes.py: the popup-texts route, called as the server calls it (an ASGI request)."""

from __future__ import annotations

import asyncio
import dataclasses
import gzip
import json
from pathlib import Path

import pytest
from starlette.requests import Request
from starlette.responses import Response

from core import settings
from geo.join import BoundaryJoin
from ingest import gallery, pictures
from tests.pictures import polyglot
from tests.sample_initiatives import app_environment, fill_store, sample_records
from ui import data, routes


def _get(name: str, accept_encoding: str = "gzip") -> Response:
    scope = {
        "type": "http",
        "method": "GET",
        "path": f"/maps/texts/{name}",
        "path_params": {"name": name},
        "headers": [(b"accept-encoding", accept_encoding.encode())],
    }
    return asyncio.run(routes.popup_texts(Request(scope)))


@pytest.fixture
def config(
    built_settings: settings.Settings, boundary_join: BoundaryJoin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> settings.Settings:
    config = fill_store(built_settings, sample_records(12, boundary_join), tmp_path)
    for name, value in app_environment(config).items():
        monkeypatch.setenv(name, value)
    return config


def test_the_current_texts_come_gzip_compressed_and_cacheable(config: settings.Settings) -> None:
    name = data.marker_table(data.snapshot(config)).name
    response = _get(name)
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "immutable" in response.headers["cache-control"]
    assert len(json.loads(gzip.decompress(response.body))["rows"]) == 12
    plain = _get(name, accept_encoding="identity")
    assert "content-encoding" not in plain.headers
    assert json.loads(plain.body) == json.loads(gzip.decompress(response.body))


@pytest.mark.parametrize("name", ["0" * 24 + ".json", "../../app.py", "abc.json"])
def test_unknown_or_malformed_names_get_404(config: settings.Settings, name: str) -> None:
    assert _get(name).status_code == 404


def test_an_unreadable_store_gets_503_not_an_error_page(
    config: settings.Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    garbage = tmp_path / "not-a-store.sqlite"
    garbage.write_bytes(b"this is not an SQLite database" * 100)
    broken = dataclasses.replace(config, database_url=f"sqlite:///{garbage}")
    for name, value in app_environment(broken).items():
        monkeypatch.setenv(name, value)
    assert _get("0" * 24 + ".json").status_code == 503


def _picture(name: str) -> Response:
    scope = {"type": "http", "method": "GET", "path": f"/pictures/{name}", "path_params": {"name": name}, "headers": []}
    return asyncio.run(routes.picture(Request(scope)))


def _stored_picture(config: settings.Settings, status: str) -> gallery.Picture:
    store = data.store(config.database_url)
    record_id = store.read()["id"].iloc[0]
    caption = pictures.Caption("A polyglot", "Tester")
    gallery.attach(store, config, record_id, (polyglot(), "poly.jpg"), caption, status=status, actor="t")
    return gallery.of_initiative(store, record_id, (status,))[0]


def test_a_published_picture_is_served_as_an_immutable_webp_that_is_never_sniffed(config: settings.Settings) -> None:
    picture = _stored_picture(config, "published")
    for name in (picture.url, picture.thumb_url):
        response = _picture(name.rsplit("/", 1)[1])
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/webp"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == routes.IMMUTABLE
        assert response.body[8:12] == b"WEBP" and b"<html" not in response.body


def test_a_pending_picture_gets_404_by_its_url(config: settings.Settings) -> None:
    picture = _stored_picture(config, "pending")
    response = _picture(picture.url.rsplit("/", 1)[1])
    assert response.status_code == 404 and not response.body
    assert "immutable" not in response.headers.get("cache-control", "")


@pytest.mark.parametrize("name", ["0" * 64 + ".webp", "../initiatives.sqlite", "A" * 64 + ".webp", "0" * 64 + ".jpg"])
def test_unknown_or_malformed_picture_names_get_404(config: settings.Settings, name: str) -> None:
    assert _picture(name).status_code == 404


def test_the_popup_extras_give_each_initiative_its_id_and_only_published_thumbnails(config: settings.Settings) -> None:
    picture = _stored_picture(config, "published")
    table = data.marker_table(data.snapshot(config))
    assert table.extras_name != table.name
    extras = json.loads(gzip.decompress(_get(table.extras_name).body))
    assert extras["fields"] == ["id", "thumbnail", "alt", "width", "height"]
    rows = extras["rows"]
    assert len(rows) == 12 and {row[0] for row in rows} == set(table.points)
    with_pictures = [row for row in rows if row[1]]
    assert with_pictures == [
        [picture.initiative_id, picture.thumb_url, "A polyglot", picture.thumb_width, picture.thumb_height]
    ]
    assert table.points[picture.initiative_id][3] == rows.index(with_pictures[0])  # the row the popup reads
