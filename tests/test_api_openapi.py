"""The API's OpenAPI document: valid OpenAPI 3.1, every path answering as documented, and
property-based requests generated from it (schemathesis, valid and hostile) that get no server
error and no answer outside its schema."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.web_app import SampleApp, app_fixture, get
from web import openapi

app = app_fixture(30)


@pytest.fixture(scope="module")
def document(app: SampleApp) -> dict:
    answer = get(f"{app.url}/api/v1/openapi.json")
    assert answer.status == 200 and answer.headers["content-type"] == "application/json"
    return json.loads(answer.body)


def test_the_served_document_is_valid_openapi_3_1(document: dict) -> None:
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert document == openapi.document()


def _example_url(app: SampleApp, path: str) -> str:
    """A request for `path` with documented, valid values: a real id, a map URL for oEmbed."""
    features = json.loads(get(f"{app.url}/api/v1/initiatives?limit=1").body)["features"]
    examples = {
        "/api/v1/initiatives/{id}": f"/api/v1/initiatives/{quote(features[0]['id'])}",
        "/api/v1/initiatives": "/api/v1/initiatives?commune=21015&category=food&limit=5&q=atelier",
        "/api/v1/oembed": "/api/v1/oembed?url=" + quote(f"{app.url}/?commune=21015&lang=nl", safe=""),
        "/api/v1/communes": "/api/v1/communes?category=library",
    }
    return app.url + examples.get(path, path)


def _resolved(document: dict, schema: dict) -> dict:
    """`schema` with the document's components beside it, for its $refs."""
    return {**schema, "components": document["components"]}


def test_every_documented_path_answers_as_documented(app: SampleApp, document: dict) -> None:
    for path, item in document["paths"].items():
        answer = get(_example_url(app, path))
        documented = item["get"]["responses"]["200"]
        assert answer.status == 200, (path, answer.body[:300])
        media_type = next(iter(documented["content"]))
        assert answer.headers["content-type"].split(";")[0] == media_type, path
        assert {"etag", "cache-control"} <= set(answer.headers), path
        schema = documented["content"][media_type].get("schema")
        if schema:
            OAS31Validator(_resolved(document, schema)).validate(json.loads(answer.body))
        problem = get(_example_url(app, path).split("?")[0] + "?unknown=1")
        assert problem.status == 400 and problem.headers["content-type"] == "application/problem+json", path
        problem_schema = document["components"]["schemas"]["Problem"]
        OAS31Validator(_resolved(document, problem_schema)).validate(json.loads(problem.body))


def test_the_human_page_renders_every_path_without_any_script(app: SampleApp, document: dict) -> None:
    page = get(f"{app.url}/api/v1/docs").body.decode()
    assert all(f"GET {path}" in page for path in document["paths"])
    assert "<script" not in page and "http" not in page.replace(app.url, "")


@pytest.fixture(scope="module")
def api_schema(app: SampleApp) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{app.url}/api/v1/openapi.json")


EXAMPLES_PER_MODE = 150  # over every operation: a few hundred requests in all
# Every other default check runs. This one expects 2xx for any schema-valid request, but a cursor
# is valid only when the API gave it, and a box only with west <= east and south <= north: those
# get 400 problems, which the status and schema checks still verify.


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_generated_requests_get_no_server_error_and_answers_match_the_schema(
    api_schema: schemathesis.BaseSchema, app: SampleApp, mode: GenerationMode
) -> None:
    statuses: list[int] = []

    @given(case=api_schema.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES_PER_MODE, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(case: schemathesis.Case) -> None:
        response = case.call(base_url=app.url)
        case.validate_response(response, excluded_checks=[positive_data_acceptance])
        statuses.append(response.status_code)

    check()
    assert len(statuses) >= EXAMPLES_PER_MODE
    assert all(status < 500 for status in statuses)
    if mode is GenerationMode.NEGATIVE:
        assert statuses.count(400) > len(statuses) / 2, "hostile parameters are refused"
