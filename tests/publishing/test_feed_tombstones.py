"""Killed editions are announced as tombstones: RFC 6721 in Atom, ``_audarma.deleted`` in JSON."""

from __future__ import annotations

from datetime import timedelta

import feedparser
import pytest
from lxml import etree

from tests.publishing.conftest import bearer
from tests.publishing.formats import JSON_FEED, RFC3339, errors

ATOM = "{http://www.w3.org/2005/Atom}"
AT = "{http://purl.org/atompub/tombstones/1.0}"


def atom(client, language: str, secret: str) -> tuple[list[str], list[tuple[str, str, str]]]:
    """(entry ids, tombstones as (ref, when, comment)) of an Atom feed; it must parse cleanly."""
    response = client.get(f"/feeds/{language}.atom", headers=bearer(secret))
    assert response.status_code == 200, response.data[:300]
    parsed = feedparser.parse(response.data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    root = etree.fromstring(response.data)
    tombstones = [(d.get("ref"), d.get("when"), d.findtext(f"{AT}comment"))
                  for d in root.findall(f"{AT}deleted-entry")]
    return [e.findtext(f"{ATOM}id") for e in root.findall(f"{ATOM}entry")], tombstones


def deleted(client, language: str, secret: str) -> list[dict]:
    """The ``_audarma.deleted`` list of a JSON Feed, which must still follow JSON Feed 1.1."""
    feed = client.get(f"/feeds/{language}.json", headers=bearer(secret)).get_json()
    assert errors(JSON_FEED, feed) == []
    return feed["_audarma"]["deleted"]


def backdate(app, uri: str, days: int) -> None:
    """Move every feed event of one item ``days`` into the past."""
    from sqlalchemy import select

    from workflow.models import FeedEvent, Publication
    from workflow.publishing.ninjs import item_uri

    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        rows = session.execute(select(FeedEvent, Publication)
                               .join(Publication, FeedEvent.publication_id == Publication.id)
                               ).all()
        for event, publication in rows:
            if item_uri(publication.article_id, publication.language) == uri:
                event.at = event.at - timedelta(days=days)


@pytest.fixture
def story(make_story, publish):
    """One story published in en (source), kk and ru."""
    editions = make_story()
    for edition_id in editions.values():
        publish("publish_edition", edition_id, None)
    return editions


def test_a_kill_leaves_a_tombstone_with_the_entry_id_in_that_language_only(
        client, story, publish, make_partner):
    _pid, _kid, secret = make_partner()
    (former,), none = atom(client, "kk", secret)
    assert none == [] and deleted(client, "kk", secret) == []
    publish("kill_edition", story["kk"], None, "Court\x0b order <b>&</b>")

    entries, tombstones = atom(client, "kk", secret)
    assert entries == []
    [(ref, when, comment)] = tombstones
    assert ref == former and RFC3339.match(when)
    assert comment == "Court order <b>&</b>"  # text, escaped by XML; the control char dropped
    assert deleted(client, "kk", secret) == [
        {"id": former, "deleted_at": when, "reason": "Court\x0b order <b>&</b>"}]
    for other in ("ru", "en"):
        entries, tombstones = atom(client, other, secret)
        assert len(entries) == 1 and tombstones == []
        assert deleted(client, other, secret) == []
    rss = client.get("/feeds/kk.rss", headers=bearer(secret))
    assert b"deleted-entry" not in rss.data and b"tombstones" not in rss.data


def test_tombstones_follow_the_partners_categories(client, make_story, publish, make_partner):
    stories = [make_story(category="sport"), make_story(title="Budget", category="politics")]
    for editions in stories:
        publish("publish_edition", editions["kk"], None)
    _pid, _kid, everything = make_partner(name="All")
    _pid, _kid, politics = make_partner(name="Politics", categories="politics")
    politics_id = atom(client, "kk", politics)[0][0]
    for editions in stories:
        publish("kill_edition", editions["kk"], None, "Withdrawn")
    assert [t[0] for t in atom(client, "kk", politics)[1]] == [politics_id]
    assert [d["id"] for d in deleted(client, "kk", politics)] == [politics_id]
    assert len(atom(client, "kk", everything)[1]) == 2


def test_a_tombstone_is_kept_30_days_of_feed_time(app, client, make_story, story, publish,
                                                  make_partner):
    _pid, _kid, secret = make_partner()
    late = make_story(title="Second story")
    publish("publish_edition", late["kk"], None)
    late_id, old_id = atom(client, "kk", secret)[0]  # newest first
    publish("kill_edition", story["kk"], None, "Old kill")
    publish("kill_edition", late["kk"], None, "Recent kill")
    backdate(app, old_id, 31)
    backdate(app, late_id, 29)
    # the window ends at the feed's newest event (the kill 29 days ago), not at the clock
    assert {t[0] for t in atom(client, "kk", secret)[1]} == {old_id, late_id}
    fresh = make_story(title="Fresh story")
    publish("publish_edition", fresh["kk"], None)
    entries, tombstones = atom(client, "kk", secret)
    assert len(entries) == 1 and [t[0] for t in tombstones] == [late_id]
    assert [d["id"] for d in deleted(client, "kk", secret)] == [late_id]


def test_at_most_limit_tombstones_newest_first(app, make_story, publish):
    from workflow.models import FeedEvent
    from workflow.publishing.ninjs import tombstones

    for title in ("One", "Two", "Three"):
        editions = make_story(title=title)
        publish("publish_edition", editions["kk"], None)
        publish("kill_edition", editions["kk"], None, title)
    with app.app_context():
        session = app.extensions["audarma.db"].session
        newest = session.query(FeedEvent).order_by(FeedEvent.seq.desc()).first().at
        assert [t.reason for t in tombstones(session, "kk", [], newest)] == [
            "Three", "Two", "One"]
        assert [t.reason for t in tombstones(session, "kk", [], newest, limit=2)] == [
            "Three", "Two"]
        assert tombstones(session, "kk", [], None) == []


def test_a_republished_edition_has_an_entry_and_no_tombstone(app, client, story, publish,
                                                            make_partner):
    from workflow.models import Edition
    from workflow.states import EditionState, transition

    _pid, _kid, secret = make_partner()
    publish("kill_edition", story["kk"], None, "Premature")
    assert len(atom(client, "kk", secret)[1]) == 1
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        edition = session.get(Edition, story["kk"])
        for state in (EditionState.EDITING, EditionState.SUBMITTED, EditionState.APPROVED):
            transition(edition, state)
    publish("publish_edition", story["kk"], None)
    entries, tombstones = atom(client, "kk", secret)
    assert len(entries) == 1 and tombstones == []
    assert deleted(client, "kk", secret) == []


@pytest.mark.parametrize("fmt", ["atom", "json"])
def test_a_kill_changes_the_etag_so_a_304_client_learns_of_it(client, story, publish,
                                                              make_partner, fmt):
    _pid, _kid, secret = make_partner()
    path = f"/feeds/kk.{fmt}?key={secret}"
    etag = client.get(path).headers["ETag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    publish("kill_edition", story["kk"], None, "Withdrawn")
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert (b"deleted-entry" if fmt == "atom" else b'"deleted_at"') in changed.data
    assert client.get(path, headers={"If-None-Match": changed.headers["ETag"]}).status_code == 304
