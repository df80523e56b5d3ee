"""The read-only GeoJSON API (web/api.py), asked over HTTP from the running app as another site would."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import pyogrio
import pytest

from core import settings
from core.taxonomy import CATEGORIES
from geo.join import BoundaryJoin
from ingest import search
from ingest.store import open_store
from tests.sample_initiatives import sample_records
from tests.web_app import Answer, SampleApp, app_fixture, cli, get, sample_app

COMMUNE = "21015"  # Schaerbeek: the example


app = app_fixture(60)


def api(app: SampleApp, path: str, headers: dict[str, str] | None = None) -> Answer:
    return get(f"{app.url}/api/v1{path}", headers)


def collection(app: SampleApp, path: str) -> dict:
    answer = api(app, path)
    assert answer.status == 200, answer.body
    assert answer.headers["content-type"] == "application/geo+json"
    return json.loads(answer.body)


def exported(app: SampleApp, tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "export.geojson"
    cli(app, "export", "--format", "geojson", "--out", str(out), *args)
    return json.loads(out.read_text(encoding="utf-8"))


def walk(app: SampleApp, path: str) -> list[dict]:
    """Every page from `path` on, following the `next` links; the pages."""
    pages, url = [], f"{app.url}/api/v1{path}"
    while url:
        answer = get(url)
        page = json.loads(answer.body)
        pages.append(page)
        following = [link["href"] for link in page["links"] if link["rel"] == "next"]
        assert (answer.headers.get("link") is not None) == bool(following)
        if following:
            assert answer.headers["link"] == f'<{following[0]}>; rel="next"'
        url = following[0] if following else ""
    return pages


def test_all_initiatives_equal_the_export(app: SampleApp, tmp_path: Path) -> None:
    served, written = collection(app, "/initiatives"), exported(app, tmp_path)
    assert len(written["features"]) == 60
    assert served["features"] == written["features"]
    assert (served["licence"], served["attribution"]) == (written["licence"], written["attribution"])
    assert served["numberMatched"] == served["numberReturned"] == 60


def test_one_commune_equals_its_export(app: SampleApp, tmp_path: Path) -> None:
    served, written = collection(app, f"/initiatives?commune={COMMUNE}"), exported(app, tmp_path, "--commune", COMMUNE)
    assert written["features"], "the sample has initiatives in the commune"
    assert [f["id"] for f in served["features"]] == [f["id"] for f in written["features"]]
    assert served["features"] == written["features"]


def test_a_paginated_walk_returns_every_feature_once(app: SampleApp, tmp_path: Path) -> None:
    pages = walk(app, "/initiatives?limit=7")
    assert [len(p["features"]) for p in pages] == [7] * 8 + [4]
    ids = [f["id"] for p in pages for f in p["features"]]
    assert sorted(ids) == sorted(f["id"] for f in exported(app, tmp_path)["features"])
    assert len(set(ids)) == len(ids)


def test_a_record_added_during_a_walk_is_seen_once_and_none_lost(
    app: SampleApp, boundary_join: BoundaryJoin, tmp_path: Path
) -> None:
    first = collection(app, "/initiatives?limit=10")
    late = sample_records(61, boundary_join, seed=9).iloc[[-1]].assign(name="Zz late", source_key="late")
    with open_store(app.config) as store:
        store.upsert(late)
    try:
        rest = walk(app, "/initiatives?limit=10&cursor=" + first["links"][1]["href"].split("cursor=")[1])
        ids = [f["id"] for f in first["features"]] + [f["id"] for p in rest for f in p["features"]]
        assert len(ids) == len(set(ids)) == 61
    finally:
        with open_store(app.config) as store:
            store.set_status(
                store.read(status="published").query("name == 'Zz late'")["id"].iloc[0], "rejected", "", "t"
            )


def test_if_none_match_gets_304_until_the_data_changes(app: SampleApp) -> None:
    first = api(app, f"/initiatives?commune={COMMUNE}")
    tag = first.headers["etag"]
    assert "max-age=" in first.headers["cache-control"] and "public" in first.headers["cache-control"]
    again = api(app, f"/initiatives?commune={COMMUNE}", {"If-None-Match": tag})
    assert (again.status, again.body, again.headers["etag"]) == (304, b"", tag)
    assert api(app, "/initiatives", {"If-None-Match": tag}).status == 200  # another view, another tag
    with open_store(app.config) as store:
        record_id = json.loads(first.body)["features"][0]["id"]
        store.update_fields(record_id, {"description": "changed"}, "test")
    changed = api(app, f"/initiatives?commune={COMMUNE}", {"If-None-Match": tag})
    assert changed.status == 200 and changed.headers["etag"] != tag


def test_answers_are_gzip_compressed_on_request_and_open_to_other_origins(app: SampleApp) -> None:
    answer = api(app, "/initiatives", {"Accept-Encoding": "gzip", "Origin": "https://example.org"})
    assert answer.headers["content-encoding"] == "gzip"
    assert json.loads(gzip.decompress(answer.body))["type"] == "FeatureCollection"
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "ETag" in answer.headers["access-control-expose-headers"]
    preflight = get(
        f"{app.url}/api/v1/initiatives",
        {"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
        method="OPTIONS",
    )
    assert preflight.status == 200 and "GET" in preflight.headers["access-control-allow-methods"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("commune=99999", "commune"),
        ("category=library,spaceships", "category"),
        ("bbox=4.3,50.8,4.2", "bbox"),
        ("bbox=4.5,50.8,4.2,50.9", "bbox"),
        ("updated_since=yesterday", "updated_since"),
        ("limit=0", "limit"),
        ("limit=100000", "limit"),
        ("cursor=not-a-cursor", "cursor"),
        ("q=a&q=b", "q"),
        ("colour=red", "colour"),
    ],
)
def test_a_bad_parameter_gets_a_problem_naming_it(app: SampleApp, query: str, parameter: str) -> None:
    answer = api(app, f"/initiatives?{query}")
    assert answer.status == 400
    assert answer.headers["content-type"] == "application/problem+json"
    problem = json.loads(answer.body)
    assert problem["status"] == 400 and problem["invalid-params"][0]["name"] == parameter
    assert parameter in problem["detail"]


def test_unknown_initiatives_and_paths_get_404_problems(app: SampleApp) -> None:
    for path in ("/initiatives/no-such-id", "/nothing-here"):
        answer = api(app, path)
        assert answer.status == 404 and answer.headers["content-type"] == "application/problem+json"
        assert json.loads(answer.body)["status"] == 404


def test_one_initiative_is_its_exported_feature_with_licence(app: SampleApp, tmp_path: Path) -> None:
    wanted = exported(app, tmp_path)["features"][5]
    feature = collection(app, f"/initiatives/{quote(wanted['id'])}")
    assert {k: v for k, v in feature.items() if k not in ("licence", "attribution", "links")} == wanted
    assert feature["licence"] == [{"source": "sample", "licence": "CC0-1.0"}]


def test_the_text_filter_is_the_map_search(app: SampleApp) -> None:
    with open_store(app.config) as store:
        records = store.read(status="published")
    expected = records[search.matching(search.search_text(records), "VELO reparation")]["id"]
    served = collection(app, "/initiatives?q=V%C3%A9lo%20R%C3%A9paration")
    assert sorted(f["id"] for f in served["features"]) == sorted(expected)
    assert 0 < len(served["features"]) < 60


def test_box_and_date_filters_select_by_position_and_change(app: SampleApp) -> None:
    box = collection(app, "/initiatives?bbox=4.30,50.80,4.40,50.86")["features"]
    assert box and all(4.30 <= f["geometry"]["coordinates"][0] <= 4.40 for f in box)
    assert all(50.80 <= f["geometry"]["coordinates"][1] <= 50.86 for f in box)
    everything = collection(app, "/initiatives")["features"]
    newest = max(f["properties"]["updated_at"] for f in everything)
    recent = collection(app, f"/initiatives?updated_since={newest}")["features"]
    assert [f["id"] for f in recent] == [f["id"] for f in everything if f["properties"]["updated_at"] >= newest]
    assert collection(app, "/initiatives?updated_since=2999-01-01")["features"] == []


def test_no_answer_carries_a_contact_address(app: SampleApp) -> None:
    for path in ("/initiatives", f"/initiatives?commune={COMMUNE}&limit=3"):
        assert b"private@example.org" not in api(app, path).body
        assert b'"contact"' not in api(app, path).body


def test_communes_are_the_stats_command_output(app: SampleApp, tmp_path: Path) -> None:
    cli(app, "stats", "--out", str(tmp_path / "stats.geojson"), "--category", "food")
    assert collection(app, "/communes?category=food") == json.loads((tmp_path / "stats.geojson").read_bytes())


def test_categories_list_the_taxonomy_in_three_languages(app: SampleApp) -> None:
    listed = json.loads(api(app, "/categories").body)["categories"]
    assert [c["key"] for c in listed] == list(CATEGORIES)
    assert listed[0]["labels"] == {
        "fr": CATEGORIES[listed[0]["key"]].fr,
        "nl": CATEGORIES[listed[0]["key"]].nl,
        "en": CATEGORIES[listed[0]["key"]].en,
    }


def test_gdal_reads_one_commune_from_the_running_app(app: SampleApp, tmp_path: Path) -> None:
    frame = pyogrio.read_dataframe(f"{app.url}/api/v1/initiatives?commune={COMMUNE}", fid_as_index=False)
    written = exported(app, tmp_path, "--commune", COMMUNE)
    assert sorted(frame["id"]) == sorted(f["id"] for f in written["features"])
    assert frame.crs.to_epsg() == 4326
    first = written["features"][0]
    row = frame.set_index("id").loc[first["id"]]
    assert (row.geometry.x, row.geometry.y) == tuple(first["geometry"]["coordinates"])
    assert pd.Series(frame["nis_code"]).eq(COMMUNE).all()


@pytest.mark.parametrize(
    "query",
    [
        "q=%00%01%02",
        "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "q=%27%20OR%201%3D1%20--",
        "commune=21015%00",
        "cursor=WzEsMl0",  # base64 of [1,2]: JSON, but not a cursor
        "cursor=" + "A" * 3000,
        "limit=%EF%BC%95",  # a full-width digit
        "bbox=nan,nan,nan,nan",
        "updated_since=9999-99-99",
    ],
)
def test_hostile_parameters_get_a_4xx_problem_or_a_plain_answer_never_a_server_error(
    app: SampleApp, query: str
) -> None:
    answer = api(app, f"/initiatives?{query}")
    assert answer.status in (200, 400)
    if answer.status == 400:
        assert answer.headers["content-type"] == "application/problem+json"
    else:
        assert answer.headers["content-type"] == "application/geo+json"  # data, never a page to run
        assert json.loads(answer.body)["type"] == "FeatureCollection"


def test_a_client_over_the_rate_limit_gets_429_with_retry_after(
    built_settings: settings.Settings, boundary_join: BoundaryJoin, tmp_path: Path
) -> None:
    with sample_app(built_settings, boundary_join, tmp_path, n=3, per_minute=5) as limited:
        statuses = [api(limited, "/categories").status for _ in range(5)]
        refused = api(limited, "/categories")
        feed = get(f"{limited.url}/feeds/initiatives.atom")
    assert statuses == [200] * 5
    assert refused.status == 429 and refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 12
    assert feed.status == 429  # the feeds share the API's limit
