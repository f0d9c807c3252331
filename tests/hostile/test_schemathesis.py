"""Extends tests/publishing/test_openapi.py (which checks "no server error" on every operation):
on the ingest and partner operations, every refusal schemathesis provokes must say why with a
stable ``{"error": {"code", "message"}}``, a refused POST stores nothing, and each answer has the
content type the document declares."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402

CODE = re.compile(r"[a-z][a-z_]*")


def rejection_says_why(ctx, response, case) -> bool | None:
    """A schemathesis check: 4xx answers (but 304/405) are JSON errors with a code and message."""
    if response.status_code < 400 or response.status_code == 405:
        return None
    body = response.json()
    error = body.get("error") if isinstance(body, dict) else None
    assert isinstance(error, dict), f"{response.status_code} without an error object: {body!r}"
    assert CODE.fullmatch(str(error.get("code", ""))), f"unstable code: {error!r}"
    assert str(error.get("message", "")).strip(), f"no message: {error!r}"
    return None


@pytest.fixture
def schema_and_keys(app, make_story, publish, make_partner, make_user):
    from workflow.partners.keys import issue_key

    for edition_id in make_story().values():
        publish("publish_edition", edition_id, None)
    _pid, _kid, partner_key = make_partner(languages="kk,ru")
    user_id = make_user("editor")
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        user_key = issue_key(session, user_id=user_id)[1]
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return schema, {"user": user_key, "partner": partner_key}


def test_ingest_and_partner_refusals_say_why(schema_and_keys, rows):
    schema, keys = schema_and_keys
    operations = [result.ok() for result in schema.get_all_operations()]
    wanted = [op for op in operations
              if op.path.startswith(("/api/v1/articles", "/api/v1/items"))]
    assert {op.label for op in wanted} >= {"POST /api/v1/articles", "GET /api/v1/items",
                                           "GET /api/v1/items/{uri}"}
    for operation in wanted:
        _fuzz(operation, keys, rows)


def _fuzz(operation, keys: dict[str, str], rows) -> None:
    key = keys["user"] if operation.path.startswith("/api/v1/articles") else keys["partner"]

    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        for headers in ({"Authorization": f"Bearer {key}"}, {"Authorization": "Bearer nope"}):
            before = rows() if operation.method.upper() == "POST" else None
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error])
            rejection_says_why(None, response, case)
            if before is not None and response.status_code >= 400:
                assert rows() == before, (response.status_code, response.text[:200])
            if response.status_code < 300:
                declared = operation.definition.raw["responses"].get(
                    str(response.status_code), {}).get("content", {})
                if declared:
                    found = {k.lower(): v for k, v in response.headers.items()}["content-type"]
                    mime = (found[0] if isinstance(found, list) else found).split(";")[0]
                    assert mime in declared, (mime, list(declared))

    check()
