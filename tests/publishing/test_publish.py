"""Publishing, embargo, corrections and kills, seen the way partners see them."""

from __future__ import annotations

from datetime import timedelta

import feedparser
import pytest

from tests.publishing.conftest import bearer
from workflow.db import utcnow


def _kk_feed(client, secret, fmt="rss"):
    return client.get(f"/feeds/kk.{fmt}", headers=bearer(secret))


def _items(client, secret, language="kk"):
    return client.get(f"/api/v1/items?language={language}", headers=bearer(secret)).get_json()


def test_embargoed_edition_is_absent_until_its_time_then_present(app, client, make_story,
                                                                  publish, make_partner):
    from workflow.models import Edition

    story = make_story()
    _pid, _kid, secret = make_partner()
    embargo = utcnow() + timedelta(hours=1)
    publish("publish_edition", story["kk"], None, embargo)
    with app.app_context():
        db = app.extensions["audarma.db"]
        assert db.session.get(Edition, story["kk"]).state == "scheduled"
    for fmt in ("rss", "atom", "json"):
        assert "Flood" not in _kk_feed(client, secret, fmt).get_data(as_text=True)
    assert _items(client, secret)["items"] == []
    assert client.get("/api/v1/items/urn:audarma:item:1:kk",
                      headers=bearer(secret)).status_code == 404

    assert publish("release_due", embargo - timedelta(seconds=1)) == []  # not yet
    assert publish("release_due", embargo + timedelta(seconds=1)) != []
    parsed = feedparser.parse(_kk_feed(client, secret).data)
    assert [e.title for e in parsed.entries] == ["[kk] Flood waters recede"]
    item = _items(client, secret)["items"][0]
    assert item["pubStatus"] == "usable"
    assert item["embargoedUntil"] == embargo.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_release_task_publishes_due_versions(app, make_story, publish):
    from tasks.publishing import release_due
    from workflow.models import Publication

    story = make_story()
    publish("publish_edition", story["ru"], None, utcnow() + timedelta(milliseconds=50))
    import time

    time.sleep(0.1)
    with app.app_context():
        assert len(release_due()) == 1
        pub = app.extensions["audarma.db"].session.query(Publication).one()
        assert pub.status == "usable" and pub.published_at is not None


def test_correction_bumps_version_and_updated_with_a_visible_note(app, client, make_story,
                                                                 publish, make_partner):
    from workflow.models import Edition
    from workflow.states import EditionState, transition

    story = make_story()
    _pid, _kid, secret = make_partner()
    t0 = utcnow() - timedelta(hours=2)
    publish("publish_edition", story["kk"], None, now=t0)
    first = _items(client, secret)["items"][0]
    assert first["version"] == "1"

    publish("reopen_for_correction", story["kk"], None)
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:  # the review desk's re-edit/approve
        edition = session.get(Edition, story["kk"])
        for state in (EditionState.SUBMITTED, EditionState.APPROVED):
            transition(edition, state)
    publish("publish_edition", story["kk"], None, correction_note="The river fell 2 m, not 3 m.")

    page = _items(client, secret)
    assert [i["version"] for i in page["items"]] == ["1", "2"]
    latest = client.get("/api/v1/items/urn:audarma:item:1:kk", headers=bearer(secret)).get_json()
    assert latest["version"] == "2"
    assert latest["versionCreated"] > first["versionCreated"]
    assert latest["firstCreated"] == first["firstCreated"]
    assert "The river fell 2 m, not 3 m." in latest["bodies"][0]["value"]
    assert {"role": "correction", "contentType": "text/plain",
            "value": "The river fell 2 m, not 3 m."} in latest["descriptions"]
    atom = feedparser.parse(_kk_feed(client, secret, "atom").data)
    (entry,) = atom.entries
    assert entry.updated_parsed > entry.published_parsed
    assert "Түзету: The river fell 2 m" in entry.content[0].value  # the label in Kazakh
    feed = _kk_feed(client, secret, "json").get_json()
    assert feed["items"][0]["date_modified"] > feed["items"][0]["date_published"]
    assert feed["items"][0]["_audarma"]["version"] == 2


def test_kill_shows_canceled_once_in_ninjs_and_leaves_rss_and_json_feed(client, make_story,
                                                                         publish, make_partner):
    story = make_story()
    _pid, _kid, secret = make_partner()
    for edition_id in story.values():
        publish("publish_edition", edition_id, None)
    assert len(feedparser.parse(_kk_feed(client, secret).data).entries) == 1
    publish("kill_edition", story["kk"], None, "Legal: wrong name in paragraph two.")

    assert feedparser.parse(_kk_feed(client, secret).data).entries == []
    assert _kk_feed(client, secret, "json").get_json()["items"] == []
    assert feedparser.parse(_kk_feed(client, secret, "atom").data).entries == []
    statuses = [(i["version"], i["pubStatus"]) for i in _items(client, secret)["items"]]
    assert statuses == [("1", "usable"), ("2", "canceled")]
    item = client.get("/api/v1/items/urn:audarma:item:1:kk", headers=bearer(secret)).get_json()
    assert item["pubStatus"] == "canceled"
    assert "wrong name" in item["bodies"][0]["value"]
    # the ru edition is untouched and no longer links to the killed kk edition
    ru = client.get("/api/v1/items/urn:audarma:item:1:ru", headers=bearer(secret)).get_json()
    assert ru["pubStatus"] == "usable"
    assert {a["language"] for a in ru["associations"]} == {"en"}


def test_kill_article_withdraws_every_edition(app, client, make_story, publish, make_partner):
    from workflow.models import Edition

    story = make_story()
    _pid, _kid, secret = make_partner()
    for edition_id in story.values():
        publish("publish_edition", edition_id, None)
    with app.app_context():
        article_id = app.extensions["audarma.db"].session.get(Edition, story["kk"]).article_id
    publish("kill_article", article_id, None, "Story retracted.")
    for language in ("kk", "ru", "en"):
        items = _items(client, secret, language)["items"]
        assert items[-1]["pubStatus"] == "canceled"
    with app.app_context():
        states = {e.state for e in app.extensions["audarma.db"].session.query(Edition)}
    assert states == {"withdrawn"}


def test_source_edition_is_published_with_an_honest_disclosure(client, make_story, publish,
                                                              make_partner):
    story = make_story(source="en")
    _pid, _kid, secret = make_partner()
    publish("publish_edition", story["en"], None)
    publish("publish_edition", story["kk"], None)
    en = _items(client, secret, "en")["items"][0]
    assert "not machine-translated" in en["descriptions"][0]["value"]
    assert "digitalSourceType" not in en
    kk = _items(client, secret, "kk")["items"][0]
    assert "редактор тексерді" in kk["descriptions"][0]["value"]  # in Kazakh, no model named
    assert "translate-en_kk" not in str(kk)
    assert kk["associations"][0]["rel"] == "original"


def test_only_approved_editions_publish_and_kill_needs_a_reason(app, make_story, publish):
    from workflow.errors import Conflict, InvalidInput

    story = make_story()
    publish("publish_edition", story["kk"], None)
    with pytest.raises(Conflict):
        publish("publish_edition", story["kk"], None)  # published, not approved
    with pytest.raises(InvalidInput):
        publish("kill_edition", story["kk"], None, "  ")
    with pytest.raises(Conflict):
        publish("kill_edition", story["ru"], None, "never published")


def test_body_keeps_structure_and_renders_inline_tags_safely(client, make_story, publish,
                                                            make_partner):
    marks = {"s1": ('The <1>river</1> fell <2>fast</2> <3>here</3>.',
                    [{"kind": "link", "href": "javascript:alert(1)"}, {"kind": "strong"},
                     {"kind": "link", "href": "https://example.org/a?b=1&c=2"}])}
    story = make_story(paragraphs=[["The river fell.", "<script>x</script> stays text."]],
                       marks=marks)
    _pid, _kid, secret = make_partner()
    publish("publish_edition", story["en"], None)
    body = _items(client, secret, "en")["items"][0]["bodies"][0]["value"]
    assert "<strong>fast</strong>" in body
    assert '<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer">here</a>' in body
    assert "javascript:" not in body
    assert "<script>" not in body and "&lt;script&gt;" in body
    assert body.startswith("<p>")
