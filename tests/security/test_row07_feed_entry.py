"""Issue 15 row 7: a headline the feed writer would refuse (a title typed as ``<1>``) never
breaks a whole feed: it is repaired at publishing, with a warning on the publishing desk, and an
item the writer still refuses is left out of that feed only."""

from __future__ import annotations

import feedparser
import pytest

from tests.publishing.conftest import approve_again, bearer, make_partner, make_story, publish  # noqa: F401


@pytest.fixture
def hostile_title_story(app, make_story, publish):  # noqa: F811
    """A normal story, then a story titled ``<1>`` whose kk title is confirmed as ``<1>`` too."""
    from sqlalchemy import select

    from workflow.models import Edition, Segment, SegmentTranslation

    good = make_story(title="Flood waters recede")
    bad = make_story(title="<1>")
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        kk = session.get(Edition, bad["kk"])
        title_segment = session.scalar(select(Segment).where(
            Segment.article_id == kk.article_id, Segment.sid == "s0"))
        translation = session.scalar(select(SegmentTranslation).where(
            SegmentTranslation.edition_id == kk.id,
            SegmentTranslation.segment_id == title_segment.id))
        translation.text = translation.machine_text = "<1>"
        approve_again(session, kk.id)  # the approved snapshot must hold the hostile title
    for story in (good, bad):
        for edition_id in story.values():
            publish("publish_edition", edition_id, None)
    return good, bad


@pytest.mark.parametrize("language", ["kk", "en"])
@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
def test_row7_title_like_a_tag_does_not_break_the_feed(client, hostile_title_story,
                                                        make_partner, language, fmt):  # noqa: F811
    _pid, _kid, secret = make_partner()
    response = client.get(f"/feeds/{language}.{fmt}", headers=bearer(secret))
    assert response.status_code == 200
    if fmt != "json":
        parsed = feedparser.parse(response.data)
        assert parsed.bozo == 0
        good = "Flood waters recede" if language == "en" else "[kk] Flood waters recede"
        # repaired to the title as typed, so nothing had to be left out
        assert sorted(e.title for e in parsed.entries) == sorted(["<1>", good])
    else:
        assert "<1>" in [item["title"] for item in response.get_json()["items"]]


def test_row7_repair_is_shown_on_the_publishing_desk(app, client, hostile_title_story,
                                                      make_user):
    make_user("editor", email="ed@example.test")
    client.post("/login", data={"email": "ed@example.test", "password": "password123"})
    page = client.get("/publishing/").get_data(as_text=True)
    assert 'data-code="feed_repair"' in page and "title as typed" in page


def _store(app, edition_id: int, **fields) -> int:
    """Overwrite a stored publication as an older release could have left it."""
    from workflow.models import Article, Publication

    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        stored = session.query(Publication).filter_by(edition_id=edition_id).one()
        stored.headline = fields.get("headline", stored.headline)
        if "article_title" in fields:
            session.get(Article, stored.article_id).title = fields["article_title"]
        return stored.id


def _kk_feed_titles(client, secret: str) -> list[list[str]]:
    """The entry titles of the kk Atom and of the kk RSS feed (each answered 200)."""
    found = []
    for fmt in ("atom", "rss"):
        response = client.get(f"/feeds/kk.{fmt}", headers=bearer(secret))
        assert response.status_code == 200
        found.append([e.get("title") for e in feedparser.parse(response.data).entries])
    return found


def test_row7_stored_empty_headline_is_repaired_when_served(app, client, hostile_title_story,
                                                            make_partner):  # noqa: F811
    _good, bad = hostile_title_story
    _store(app, bad["kk"], headline="")
    _pid, _kid, secret = make_partner()
    for titles in _kk_feed_titles(client, secret):
        assert sorted(titles) == ["<1>", "[kk] Flood waters recede"]


def test_row7_an_item_without_any_title_is_left_out_not_a_500(app, client, hostile_title_story,
                                                               make_partner, caplog):  # noqa: F811
    _good, bad = hostile_title_story
    stored_id = _store(app, bad["kk"], headline="\x0b", article_title=" \x0c")
    _pid, _kid, secret = make_partner()
    for titles in _kk_feed_titles(client, secret):
        assert titles == ["[kk] Flood waters recede"]
    assert any(f"publication {stored_id} " in r.getMessage() for r in caplog.records)


def test_row7_any_entry_feedgen_refuses_is_left_out(app, client, hostile_title_story,
                                                    make_partner, monkeypatch, caplog):  # noqa: F811
    """Whatever else feedgen may refuse one day, only that item goes."""
    from feedgen.entry import FeedEntry

    _good, bad = hostile_title_story
    stored_id = _store(app, bad["kk"], headline="refused by the writer")
    real_atom, real_rss = FeedEntry.atom_entry, FeedEntry.rss_entry

    def refuse(real):
        def entry(self, *args, **kwargs):
            if self.title() == "refused by the writer":
                raise ValueError("Required fields not set")
            return real(self, *args, **kwargs)
        return entry

    monkeypatch.setattr(FeedEntry, "atom_entry", refuse(real_atom))
    monkeypatch.setattr(FeedEntry, "rss_entry", refuse(real_rss))
    _pid, _kid, secret = make_partner()
    for titles in _kk_feed_titles(client, secret):
        assert titles == ["[kk] Flood waters recede"]
    assert any(f"publication {stored_id} " in r.getMessage() for r in caplog.records)
