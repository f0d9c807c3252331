"""Property tests over the real HTTP entry points: random JSON bodies, fields, unicode, huge
strings and nesting for ``POST /api/v1/articles``; random query strings, paths and headers for the
partner feeds and ninjs API. Always: no 5xx, a refusal is ``{"error": {code, message}}`` with a
stable code, and a refused article stores nothing."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

SETTINGS = settings(max_examples=40, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))
CODE = re.compile(r"[a-z][a-z_]*")
FIELDS = ("body", "title", "format", "language", "targets", "priority", "external_id",
          "source_url")
STORY = ("The city council approved a new tram line on Tuesday after a long debate. "
         "Construction starts in May and the line opens next year.")

text = st.text(st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    ["", " ", "kk", "ru", "en", "xx", "auto", "html", "markdown", "text", "breaking", "normal",
     "javascript:alert(1)", "https://example.org/a", "<script>alert(1)</script>", "\u202e",
     "\x00", "\ud7ff", "٣", "²", "1e400", "-1", "9" * 40])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12)
field_values = st.one_of(text, json_values, st.lists(st.sampled_from(["kk", "ru", "en", "xx"]),
                                                     max_size=4),
                         st.integers(1, 8).map(lambda n: "x" * (10 ** n // 10)))


def assert_refusal(response) -> str:
    assert response.status_code < 500, response.data[:300]
    body = json.loads(response.data)
    assert set(body) == {"error"} and CODE.fullmatch(body["error"]["code"]), body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"], body
    return body["error"]["code"]


@pytest.fixture
def api(app, make_user, rows):
    """(client, bearer headers, row counter) for the ingest API."""
    from workflow.partners.keys import issue_key

    user_id = make_user("editor", email="prop@example.test")
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        secret = issue_key(session, user_id=user_id)[1]
    return app.test_client(), {"Authorization": f"Bearer {secret}"}, rows


def test_ingest_api_random_json(api):
    client, headers, rows = api

    @SETTINGS
    @given(st.dictionaries(st.sampled_from(FIELDS) | text, field_values, max_size=8),
           st.booleans())
    def check(payload, with_story):
        if with_story and not isinstance(payload.get("body"), str):
            payload["body"] = STORY
        before = rows()
        response = client.post("/api/v1/articles", json=payload, headers=headers)
        if response.status_code in (200, 201):
            assert isinstance(payload.get("body"), str)
            return
        assert_refusal(response)
        assert rows() == before

    check()


def test_ingest_api_random_bytes_and_nesting(api):
    client, headers, rows = api

    @SETTINGS
    @given(st.one_of(
        st.binary(max_size=200),
        st.integers(1, 20_000).map(lambda n: "[" * n + "]" * n),
        st.integers(1, 20_000).map(lambda n: '{"body":' + "{\"a\":" * n + "1" + "}" * n + "}"),
        json_values.map(json.dumps),
        st.text(max_size=100).map(lambda t: '{"body": "' + t)))
    def check(raw):
        before = rows()
        data = raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass")
        response = client.post("/api/v1/articles", data=data,
                               headers={**headers, "Content-Type": "application/json"})
        assume(response.status_code not in (200, 201))
        assert_refusal(response)
        assert rows() == before

    check()


@pytest.fixture
def partner(app, make_story, publish, make_partner):
    """A client, a partner key that may read kk and ru, and one published story."""
    from tests.publishing.conftest import bearer

    for edition_id in make_story().values():
        publish("publish_edition", edition_id, None)
    _pid, _kid, secret = make_partner(languages="kk,ru")
    return app.test_client(), bearer(secret), secret



PARAMS = st.dictionaries(st.sampled_from(["since", "limit", "language", "key", "page", "format"])
                         | text, text | st.integers(-5, 10**30).map(str), max_size=5)


def test_partner_apis_random_queries(partner):
    client, headers, secret = partner

    @SETTINGS
    @given(st.sampled_from(["/api/v1/items", "/feeds/kk.rss", "/feeds/ru.atom", "/feeds/kk.json",
                            "/feeds/en.rss", "/feeds/xx.json", "/feeds/kk.html"]),
           PARAMS, st.sampled_from(["bearer", "query", "none", "forged"]),
           st.dictionaries(st.sampled_from(["If-None-Match", "If-Modified-Since", "Accept"]),
                           text, max_size=2))
    @example("/api/v1/items", {"limit": "²"}, "bearer", {})
    @example("/api/v1/items", {"since": "c1.c2VxOjEwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA"}, "bearer", {})
    def check(path, params, auth, extra):
        params = {k: v for k, v in params.items() if k != "key"}
        sent = dict(extra)
        if auth == "bearer":
            sent.update(headers)
        elif auth == "query":
            params["key"] = secret
        elif auth == "forged":
            sent["Authorization"] = f"Bearer {secret[:-2]}zz"
        try:
            response = client.get(path, query_string=params, headers=sent)
        except (UnicodeEncodeError, ValueError):
            assume(False)  # not expressible as an HTTP request (e.g. surrogates in a header)
        if response.status_code in (200, 304):
            assert auth in ("bearer", "query")
            return
        code = assert_refusal(response)
        if auth in ("none", "forged"):
            assert (response.status_code, code) == (401, "unauthorized")

    check()


def test_partner_item_paths(partner):
    client, headers, _secret = partner

    @SETTINGS
    @given(st.one_of(
        text.filter(lambda t: "/" not in t and "?" not in t and "#" not in t and t.strip()),
        st.builds("urn:audarma:item:{}:{}".format, st.integers(-1, 10**30) | text,
                  st.sampled_from(["kk", "ru", "en", "xx", ""]))))
    @example("urn:audarma:item:99999999999999999999999:kk")
    @example("urn:audarma:item:²:kk")
    def check(uri):
        try:
            response = client.get(f"/api/v1/items/{uri}", headers=headers)
        except (UnicodeEncodeError, ValueError):
            assume(False)
        if response.status_code == 200:
            assert response.get_json()["uri"] == uri
            return
        assert assert_refusal(response) in ("not_found", "language_not_allowed", "forbidden")

    check()
