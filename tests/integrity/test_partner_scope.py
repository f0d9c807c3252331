"""Reproduction 5 (and security issue 15 row 10): a kk-only partner never reads another
edition, and nothing it receives moves with another language's activity."""

from __future__ import annotations

import json

import pytest

from tests.publishing.conftest import attempt_delivery, bearer

RU_HEADLINE = "Паводок отступает"


@pytest.fixture
def app(make_app):
    """The webhook receiver runs on 127.0.0.1, so private targets are allowed here."""
    return make_app(WEBHOOK_ALLOW_PRIVATE=True)


def _story(app, make_story):
    """kk, ru and en editions of one article, published; the ru headline is Russian text."""
    from workflow.models import Edition

    story = make_story(languages=("kk", "ru"), title="Flood waters recede")
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        assert session.get(Edition, story["ru"]).state == "approved"
    return story


def test_kk_partner_sees_no_field_of_the_ru_edition(app, make_story, publish, make_partner):
    story = _story(app, make_story)
    for language in ("en", "kk", "ru"):
        publish("publish_edition", story[language], None)
    _pid, _kid, kk_only = make_partner(name="kk only", languages="kk")
    _pid, _kid, all_three = make_partner(name="all", languages="kk,ru,en")
    client = app.test_client()
    for url in ("/feeds/kk.atom", "/feeds/kk.rss", "/feeds/kk.json", "/api/v1/items",
                "/api/v1/items/urn:audarma:item:1:kk"):
        body = client.get(url, headers=bearer(kk_only)).get_data(as_text=True)
        assert "[ru]" not in body and "hreflang=\"ru\"" not in body, url
        assert "urn:audarma:item:1:ru" not in body and ":1:en" not in body, url
    atom = client.get("/feeds/kk.atom", headers=bearer(all_three)).get_data(as_text=True)
    assert 'hreflang="ru"' in atom and "[ru] Flood waters recede" in atom  # in scope: linked


def test_kk_partner_cursor_etag_and_last_modified_ignore_ru_activity(app, make_story, publish,
                                                                     make_partner):
    story = _story(app, make_story)
    publish("publish_edition", story["kk"], None)
    publish("publish_edition", story["ru"], None)
    _pid, _kid, kk_only = make_partner(name="kk only", languages="kk")
    client = app.test_client()
    before = client.get("/feeds/kk.atom", headers=bearer(kk_only))
    items = client.get("/api/v1/items", headers=bearer(kk_only)).get_json()
    assert "seq" not in items["next"] and not items["next"].startswith("c1.")
    publish("kill_edition", story["ru"], None, "Legal request.")
    publish("publish_edition", story["en"], None)
    after = client.get("/feeds/kk.atom", headers=bearer(kk_only))
    assert after.headers["ETag"] == before.headers["ETag"]
    assert after.headers["Last-Modified"] == before.headers["Last-Modified"]
    unchanged = client.get("/feeds/kk.atom", headers={
        **bearer(kk_only), "If-None-Match": before.headers["ETag"]})
    assert unchanged.status_code == 304
    again = client.get(f"/api/v1/items?since={items['next']}", headers=bearer(kk_only))
    assert again.get_json() == {"items": [], "next": items["next"], "has_more": False}
    forged = client.get("/api/v1/items?since=c2.AAAAAAAAAAAAAAAAAAA", headers=bearer(kk_only))
    assert forged.status_code == 400


def test_kk_webhook_carries_no_ru_link_and_no_global_seq(app, make_story, publish, make_partner,
                                                         receiver):
    from workflow.models import WebhookDelivery

    hook = receiver(200)
    make_partner(name="kk hook", languages="kk", webhook_url=hook.url)
    story = _story(app, make_story)
    publish("publish_edition", story["ru"], None)
    publish("publish_edition", story["kk"], None)
    with app.app_context():
        session = app.extensions["audarma.db"].session
        (delivery_id,) = [d.id for d in session.query(WebhookDelivery)]
        assert attempt_delivery(app.extensions["audarma.db"], delivery_id,
                                allow_private=True).outcome == "delivered"
    payload = json.loads(hook.requests[0][2])
    assert "seq" not in payload and payload["cursor"].startswith("c2.")
    assert "associations" not in payload["item"]  # the ru edition is not even named
