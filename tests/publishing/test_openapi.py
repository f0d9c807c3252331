"""The OpenAPI document of /api/v1, and schemathesis against the WSGI app: no server errors."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings

from tests.publishing.conftest import bearer

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402

KEYS: dict[str, str] = {}


@pytest.fixture
def api_schema(app, make_story, publish, make_partner, make_user):
    """The app with published items, a partner key and a user key; its schema loaded over WSGI."""
    from workflow.partners.keys import issue_key

    for story in (make_story(), make_story(category="sport")):
        for edition_id in story.values():
            publish("publish_edition", edition_id, None)
    publish("kill_edition", 2, None, "test")
    _pid, _kid, KEYS["partner"] = make_partner(languages="kk,ru")
    user_id = make_user("editor")
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        _key, KEYS["user"] = issue_key(session, user_id=user_id)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_document_covers_every_api_v1_and_feed_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    documented = {(path, method.upper()) for path, ops in document["paths"].items()
                  for method in ops}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/api/v1", "/feeds")):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            routes |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == documented


def _fuzz(operation, key: str) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=15, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        for headers in (bearer(key), {}):  # with the right key, and without any
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error])
            assert response.status_code < 500

    check()


def test_api_never_answers_with_a_server_error(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.label for op in operations} >= {
        "POST /api/v1/articles", "GET /api/v1/articles/{article_id}", "GET /api/v1/items",
        "GET /api/v1/items/{uri}"}
    for operation in operations:
        user = not operation.path.startswith("/api/v1/items")
        _fuzz(operation, KEYS["user"] if user else KEYS["partner"])


def test_the_feeds_are_described_with_their_formats_and_key(client):
    document = client.get("/api/v1/openapi.json").get_json()
    feed = document["paths"]["/feeds/{language}.{fmt}"]["get"]
    assert {"application/rss+xml", "application/atom+xml", "application/feed+json"} <= set(
        feed["responses"]["200"]["content"])
    parameters = {p["name"]: p["schema"] for p in feed["parameters"]}
    assert parameters["fmt"]["enum"] == ["atom", "json", "rss"]
    assert {"bearer": []} in feed["security"] and "401" in feed["responses"]
    item = document["paths"]["/api/v1/items/{uri}"]["get"]["responses"]["200"]["content"]
    assert "application/vnd.iptc.g2.newsitem+xml" in item
