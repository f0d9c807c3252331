"""Feeds as a real feed client sees them: valid, linked across languages, access-controlled."""

from __future__ import annotations

import feedparser
import pytest

from tests.publishing.conftest import bearer
from tests.publishing.formats import JSON_FEED, errors


@pytest.fixture
def published(make_story, publish):
    """Two articles, every edition published; the second has a category."""
    stories = [make_story(), make_story(title="Budget passes", category="politics")]
    for story in stories:
        for edition_id in story.values():
            publish("publish_edition", edition_id, None)
    return stories


@pytest.mark.parametrize("fmt", ["rss", "atom"])
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_feedparser_reads_every_xml_feed_without_complaint(client, published, make_partner, fmt,
                                                           language):
    _pid, _kid, secret = make_partner()
    response = client.get(f"/feeds/{language}.{fmt}", headers=bearer(secret))
    assert response.status_code == 200
    headers = {name.lower(): value for name, value in response.headers.items()}
    parsed = feedparser.parse(response.data, response_headers=headers)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == ("rss20" if fmt == "rss" else "atom10")
    assert len(parsed.entries) == 2
    assert parsed.entries[0].id.startswith("urn:audarma:item:")
    text = response.get_data(as_text=True)
    expected = {"en": "not machine-translated", "kk": "редактор тексерді",
                "ru": "проверено редактором"}[language]  # each in the edition's language
    assert f"{expected}" in text and "<audarma:disclosure>" in text


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_json_feed_follows_the_json_feed_1_1_rules(client, published, make_partner, language):
    # feedparser 6.0.14 (the newest release) has no JSON Feed support, so the JSON Feed is
    # checked against a JSON Schema written from the 1.1 spec (jsonfeed-1.1.schema.json).
    _pid, _kid, secret = make_partner()
    response = client.get(f"/feeds/{language}.json", headers=bearer(secret))
    assert response.status_code == 200
    assert response.mimetype == "application/feed+json"
    feed = response.get_json()
    assert errors(JSON_FEED, feed) == []
    assert len(feed["items"]) == 2
    expected = {"en": "not machine-translated", "kk": "редактор тексерді",
                "ru": "проверено редактором"}[language]
    assert all(expected in i["_audarma"]["disclosure"] for i in feed["items"])


def test_atom_entries_carry_hreflang_alternates_to_the_other_editions(client, published,
                                                                      make_partner):
    _pid, _kid, secret = make_partner()
    parsed = feedparser.parse(client.get("/feeds/kk.atom", headers=bearer(secret)).data)
    assert parsed.bozo == 0
    for entry in parsed.entries:
        alternates = {link.hreflang: link.href for link in entry.links
                      if link.rel == "alternate"}
        article = entry.id.split(":")[3]
        assert alternates == {
            lang: f"http://127.0.0.1:5000/api/v1/items/urn:audarma:item:{article}:{lang}"
            for lang in ("kk", "ru", "en")}


def test_json_feed_schema_rejects_what_the_spec_forbids():
    bad = {"version": "https://jsonfeed.org/version/1", "title": "x",
           "items": [{"id": "1"}]}
    assert len(errors(JSON_FEED, bad)) == 2  # wrong version, item without content


def test_a_ru_key_cannot_read_kk(client, published, make_partner):
    _pid, _kid, secret = make_partner(languages="ru")
    assert client.get("/feeds/ru.rss", headers=bearer(secret)).status_code == 200
    for path in ("/feeds/kk.rss", "/feeds/kk.atom", "/feeds/kk.json",
                 "/api/v1/items?language=kk", "/api/v1/items/urn:audarma:item:1:kk"):
        response = client.get(path, headers=bearer(secret))
        assert response.status_code == 403, path
        assert response.get_json()["error"]["code"] == "language_not_allowed"
    items = client.get("/api/v1/items", headers=bearer(secret)).get_json()["items"]
    assert {i["language"] for i in items} == {"ru"}


def test_a_revoked_key_gets_401_and_the_other_key_still_works(app, client, published,
                                                              make_partner):
    from workflow.partners.admin import new_partner_key, revoke_partner_key

    partner_id, key_id, secret = make_partner()
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        _key, second = new_partner_key(session, partner_id)
    assert client.get("/feeds/kk.rss", headers=bearer(secret)).status_code == 200
    with app.app_context(), db.transaction() as session:
        revoke_partner_key(session, key_id)
    for path in ("/feeds/kk.rss", "/api/v1/items"):
        assert client.get(path, headers=bearer(secret)).status_code == 401
        assert client.get(f"{path}{'&' if '?' in path else '?'}key={secret}").status_code == 401
    assert client.get("/feeds/kk.rss", headers=bearer(second)).status_code == 200
    assert client.get("/feeds/kk.rss").status_code == 401


def test_unchanged_feed_answers_304_and_a_new_publication_changes_it(client, make_story,
                                                                     publish, make_partner):
    story = make_story()
    publish("publish_edition", story["kk"], None)
    _pid, _kid, secret = make_partner()
    first = client.get(f"/feeds/kk.rss?key={secret}")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = client.get(f"/feeds/kk.rss?key={secret}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get(f"/feeds/kk.rss?key={secret}",
                      headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(f"/feeds/kk.atom?key={secret}",
                      headers={"If-None-Match": etag}).status_code == 200  # other format
    publish("kill_edition", story["kk"], None, "withdrawn")
    changed = client.get(f"/feeds/kk.rss?key={secret}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_every_pull_is_logged_without_the_key(app, client, published, make_partner):
    from workflow.models import AccessLog

    partner_id, key_id, secret = make_partner(languages="kk")
    client.get(f"/feeds/kk.json?key={secret}")
    client.get("/feeds/ru.json", headers=bearer(secret))
    client.get("/api/v1/items?limit=1", headers=bearer(secret))
    with app.app_context():
        rows = app.extensions["audarma.db"].session.query(AccessLog).order_by(AccessLog.id).all()
    assert [(r.path, r.status, r.items) for r in rows] == [
        ("/feeds/kk.json", 200, 2), ("/feeds/ru.json", 403, 0),
        ("/api/v1/items?limit=1", 200, 1)]
    assert {r.partner_id for r in rows} == {partner_id}
    assert {r.api_key_id for r in rows} == {key_id}


def test_categories_limit_what_a_partner_sees(client, published, make_partner):
    _pid, _kid, secret = make_partner(categories="politics")
    parsed = feedparser.parse(client.get("/feeds/kk.rss", headers=bearer(secret)).data)
    assert [e.title for e in parsed.entries] == ["[kk] Budget passes"]
    items = client.get("/api/v1/items?language=kk", headers=bearer(secret)).get_json()["items"]
    assert [i["headlines"][0]["value"] for i in items] == ["[kk] Budget passes"]
    assert client.get("/api/v1/items/urn:audarma:item:1:kk",
                      headers=bearer(secret)).status_code == 404


def test_public_feeds_are_off_unless_configured(make_app, make_story, publish):
    closed = make_app()
    assert closed.test_client().get("/feeds/kk.rss").status_code == 401
    opened = make_app(PUBLIC_FEEDS=True)
    response = opened.test_client().get("/feeds/kk.json")
    assert response.status_code == 200
    assert errors(JSON_FEED, response.get_json()) == []
    assert opened.test_client().get("/feeds/xx.json").status_code == 404


def test_rate_limit_per_key(make_app):
    from workflow.partners.admin import create_partner

    app = make_app(RATELIMIT_ENABLED=True)
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        _p, _k, slow = create_partner(session, "Slow", "kk", rate_limit="2/minute")
        _p, _k, fast = create_partner(session, "Fast", "kk")
    client = app.test_client()
    codes = [client.get("/feeds/kk.rss", headers=bearer(slow)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    limited = client.get("/api/v1/items", headers=bearer(slow))
    assert limited.status_code == 429  # one bucket per key across feeds and API
    assert limited.get_json()["error"]["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert client.get("/feeds/kk.rss", headers=bearer(fast)).status_code == 200
