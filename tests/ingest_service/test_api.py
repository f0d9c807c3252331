"""POST/GET /api/v1/articles: JSON in, the article shape out, stable error codes, never a 500."""

from __future__ import annotations

import json

import pytest

from tests.ingest_service.conftest import DE_TEXT, EN_TEXT, RU_TEXT


def _post(client, key, payload, raw=None):
    return client.post("/api/v1/articles", data=raw if raw is not None else json.dumps(payload),
                       headers={"Authorization": f"Bearer {key}",
                                "Content-Type": "application/json"})


def test_post_creates_then_reports_duplicate_and_get_has_the_show_shape(client, api_key):
    payload = {"title": "Трамвай", "body": RU_TEXT, "format": "text", "targets": ["en"],
               "external_id": "feed-7", "priority": "breaking"}
    created = _post(client, api_key, payload)
    assert created.status_code == 201, created.json
    body = created.json
    assert body["language"] == "ru" and body["language_confidence"] >= 0.8
    assert body["title"] == "Трамвай" and body["duplicate_of"] is None
    assert body["blocks"][0] == {"kind": "title", "text": "Трамвай"}
    assert body["segments"] >= 3
    assert [(e["language"], e["state"]) for e in body["editions"] if not e["source"]] == \
        [("en", "translating")]
    again = _post(client, api_key, payload)
    assert again.status_code == 200 and again.json["duplicate_of"] == body["id"]
    shown = client.get(f"/api/v1/articles/{body['id']}",
                       headers={"Authorization": f"Bearer {api_key}"})
    assert shown.status_code == 200
    assert set(shown.json) >= {"id", "language", "language_confidence", "title", "byline",
                               "blocks", "segments", "duplicate_of", "editions"}
    en = next(e for e in shown.json["editions"] if e["language"] == "en")
    assert en["progress"] == {"done": 0, "total": body["segments"]}
    assert en["job_state"] == "queued"


def test_markdown_and_html_formats(client, api_key):
    md = _post(client, api_key, {"body": "# Tram line\n\nThe council approved *a new tram "
                                 "line* on Tuesday after a long debate.", "format": "markdown"})
    assert md.status_code == 201 and md.json["blocks"][0]["text"] == "Tram line"
    html = _post(client, api_key, {"body": "<html><body><h1>Tram line</h1><p>The council "
                                   "approved a new tram line on Tuesday after a long debate."
                                   "<script>steal()</script></p></body></html>",
                                   "format": "html", "source_url": "https://example.kz/n/1"})
    assert html.status_code == 201, html.json
    assert "steal" not in json.dumps(html.json)


@pytest.mark.parametrize(("raw", "payload", "status", "code"), [
    ("{not json", None, 400, "malformed_json"),
    ("[1, 2]", None, 400, "malformed_json"),
    (None, {"title": "x"}, 422, "empty"),
    (None, {"body": 42}, 422, "invalid_field"),
    (None, {"body": EN_TEXT, "title": ["x"]}, 422, "invalid_field"),
    (None, {"body": EN_TEXT, "targets": [1]}, 422, "invalid_field"),
    (None, {"body": EN_TEXT, "format": "pdf"}, 422, "invalid_field"),
    (None, {"body": "   \n  "}, 422, "empty"),
    (None, {"body": EN_TEXT, "targets": ["kk", "xx"]}, 422, "unknown_target"),
    (None, {"body": DE_TEXT}, 422, "unsupported_language"),
    (None, {"body": EN_TEXT, "language": "fr"}, 422, "unsupported_language"),
    (None, {"body": "Hi there\n\nOk then."}, 422, "language_uncertain"),
    (None, {"body": EN_TEXT, "priority": "asap"}, 422, "bad_priority"),
    (None, {"body": EN_TEXT, "title": "x" * 400}, 422, "title_too_long"),
    (None, {"body": "<script>alert(1)</script>", "format": "html"}, 422, "no_text"),
])
def test_bad_requests_get_json_errors_and_store_nothing(client, api_key, counts, raw, payload,
                                                        status, code):
    before = counts()
    response = _post(client, api_key, payload, raw)
    assert response.status_code == status
    assert response.json["error"]["code"] == code and response.json["error"]["message"]
    assert counts() == before


def test_too_large_body_is_413_json(make_app, make_user):
    from workflow.partners.keys import issue_key

    app = make_app(MAX_CONTENT_LENGTH=2000)
    user_id = make_user("editor", app=app)
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        _key, secret = issue_key(session, user_id=user_id)
    response = _post(app.test_client(), secret, {"body": EN_TEXT * 50})
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"


def test_text_over_the_character_limit_is_413(client, api_key, monkeypatch):
    import workflow.ingest.paste as paste

    monkeypatch.setattr(paste, "MAX_TEXT_CHARS", 100)
    response = _post(client, api_key, {"body": EN_TEXT})
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"


def test_api_needs_a_user_key(client, api_key):
    assert client.post("/api/v1/articles", json={"body": EN_TEXT}).status_code == 401
    assert client.get("/api/v1/articles/1", headers={"Authorization": "Bearer ak_nope"}
                      ).status_code == 401
    missing = client.get("/api/v1/articles/999", headers={"Authorization": f"Bearer {api_key}"})
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
