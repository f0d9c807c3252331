"""Issue 23 items 3 and 4: categories and subjects at every way in; wire updates by id or guid."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.ingest_service.conftest import EN_TEXT
from tests.ingest_service.test_feeds import FeedServer, _add
from workflow.ingest.polling import poll_feed
from workflow.models import Article, AuditEvent, Segment, TranslationJob


@pytest.fixture
def feed_server():
    """A local HTTP server for feed bytes (tests/ingest_service/test_feeds.py)."""
    server = FeedServer()
    yield server
    server.close()


UPDATE = "UPDATE: The mayor said the first trams will run in 2027."


def _post(client, key, **data):
    return client.post("/api/v1/articles", json=data, headers={"Authorization": f"Bearer {key}"})


# --- item 3: categories and subjects ---------------------------------------------------------

def test_api_category_subjects_keywords_dateline_are_stored(app, db, client, api_key):
    response = _post(client, api_key, body=EN_TEXT, category="Politics",
                     subjects=["medtop:11000000", "economy, business and finance"],
                     keywords=["tram", "city council"], dateline="ASTANA. KAZINFORM")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["category"] == "politics"
    assert body["subjects"] == ["medtop:11000000", "medtop:04000000"]
    assert body["keywords"] == ["tram", "city council"]
    with app.app_context():
        article = db.session.get(Article, body["id"])
        assert (article.category, article.dateline) == ("politics", "ASTANA. KAZINFORM")


@pytest.mark.parametrize("data, code, field", [
    ({"category": "gossip"}, "unknown_category", "category"),
    ({"subjects": ["medtop:99999999"]}, "unknown_subject", "subjects"),
    ({"keywords": 5}, "invalid_field", "keywords"),
])
def test_api_refuses_vocabulary_it_does_not_know(client, api_key, counts, data, code, field):
    before = counts()
    response = _post(client, api_key, body=EN_TEXT, **data)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert counts() == before


def test_api_refuses_unknown_fields_instead_of_dropping_them(client, api_key, counts):
    before = counts()
    response = _post(client, api_key, body=EN_TEXT, categroy="politics", urgency=1)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "unknown_field" and error["fields"] == ["categroy", "urgency"]
    assert "categroy" in error["message"]
    assert counts() == before


def test_configured_category_list_is_the_one_enforced(make_app, make_user):
    from workflow.partners.keys import issue_key

    app = make_app(CATEGORIES=["sport", "weather"])
    user_id = make_user("editor", app=app)
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        _key, secret = issue_key(session, user_id=user_id, label="t")
    client = app.test_client()
    assert _post(client, secret, body=EN_TEXT, category="politics").status_code == 422
    assert _post(client, secret, body=EN_TEXT, category="sport").status_code == 201


def test_form_sets_category_and_refuses_an_unknown_one(app, db, editor_client):
    bad = editor_client.post("/articles/new", data={"body": EN_TEXT, "category": "gossip",
                                                    "targets": ["kk"]})
    assert bad.status_code == 422 and "gossip" in bad.get_data(as_text=True)
    page = editor_client.get("/articles/new").get_data(as_text=True)
    assert 'name="category"' in page and 'value="politics"' in page
    response = editor_client.post("/articles/new", data={
        "body": EN_TEXT, "category": "politics", "subjects": ["medtop:11000000"],
        "keywords": "tram, council", "dateline": "ALMATY", "targets": ["kk"],
        "usage_terms": "Not for resale."})
    assert response.status_code == 302
    with app.app_context():
        article = db.session.scalar(select(Article))
        assert article.category == "politics" and article.subjects == ["medtop:11000000"]
        assert article.keywords == ["tram", "council"] and article.dateline == "ALMATY"
        assert article.usage_terms == "Not for resale."  # overrides the instance default


def test_cli_import_takes_category_and_subjects(app, db, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(EN_TEXT, encoding="utf-8")
    runner = app.test_cli_runner()
    bad = runner.invoke(args=["articles", "import", str(path), "--category", "gossip"])
    assert bad.exit_code == 1 and "gossip" in bad.output
    good = runner.invoke(args=["articles", "import", str(path), "--category", "economy",
                               "--subjects", "politics", "--keywords", "tram"])
    assert good.exit_code == 0, good.output
    with app.app_context():
        article = db.session.scalar(select(Article))
        assert (article.category, article.subjects, article.keywords) == (
            "economy", ["medtop:11000000"], ["tram"])


CATEGORY_RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wire</title>
<item><title>Tram line approved</title><guid isPermaLink="false">urn:wire:t1</guid>
<category>Politics</category><category>transport</category>
<description><![CDATA[<p>The city council approved a new tram line on Tuesday after a long
debate.</p><p>Construction starts in May.</p>]]></description></item>
</channel></rss>
"""


def test_feed_category_maps_to_the_configured_list(app, db, feed_server):
    feed_server.files["/c.rss"] = CATEGORY_RSS.encode()
    feed_id = _add(app, db, feed_server.url("/c.rss"), targets="kk")
    report = poll_feed(db, feed_id, allow_private=True)
    assert len(report.created) == 1
    with db.transaction() as session:
        article = session.get(Article, report.created[0])
        assert article.category == "politics"
        assert article.subjects == ["medtop:11000000"]
        assert article.keywords == ["transport"]


def test_category_scoped_partner_receives_an_api_ingested_story(app, db, client, api_key,
                                                                make_user):
    from tests.publishing.conftest import bearer
    from workflow.models import Edition
    from workflow.partners.admin import create_partner
    from workflow.publishing import publish as publishing

    article_id = _post(client, api_key, body=EN_TEXT, category="politics",
                       targets=["kk"]).get_json()["id"]
    with app.app_context(), db.transaction() as session:
        _p, _k, secret = create_partner(session, "Politics desk", "en", ["politics"], None)
        _p, _k, other = create_partner(session, "Sport desk", "en", ["sport"], None)
        source = session.scalar(select(Edition).where(Edition.article_id == article_id,
                                                      Edition.is_source.is_(True)))
        # the source edition is approved the real way (it freezes the snapshot publishing
        # renders): submitted by one editor, approved by another
        from tests.publishing.conftest import _desk_people
        from workflow import review
        from workflow.users import create_user

        _translator, editor = _desk_people(session)
        second = create_user(session, "second-editor@example.test", "password123", ["editor"])
        review.submit_edition(session, source.id, editor)
        review.approve_edition(session, source.id, second.id)
        publishing.publish_edition(session, source.id, editor)
    items = client.get("/api/v1/items?language=en", headers=bearer(secret)).get_json()["items"]
    assert [i["uri"] for i in items] == [f"urn:audarma:item:{article_id}:en"]
    assert client.get("/api/v1/items?language=en",
                      headers=bearer(other)).get_json()["items"] == []


# --- item 4: wire updates ---------------------------------------------------------------------

def test_api_repost_with_changed_body_is_a_source_update(app, db, client, api_key):
    first = _post(client, api_key, body=EN_TEXT, external_id="wire-7", targets=["kk"])
    assert first.status_code == 201
    article_id = first.get_json()["id"]
    with app.app_context():
        before = {s.source_text: s.id for s in db.session.scalars(
            select(Segment).where(Segment.article_id == article_id))}
    again = _post(client, api_key, body=EN_TEXT + "\n" + UPDATE + "\n", external_id="wire-7",
                  priority="breaking", targets=["kk"])
    assert again.status_code == 200, again.get_json()
    body = again.get_json()
    assert body["id"] == article_id and body["updated"] is True and body["duplicate_of"] is None
    assert body["revision"] == 2 and body["priority"] == "breaking"
    with app.app_context():
        segments = db.session.scalars(select(Segment).where(
            Segment.article_id == article_id, Segment.active.is_(True))).all()
        after = {s.source_text: s.id for s in segments}
        assert UPDATE in after  # the new sentence is a new segment …
        kept = [text for text in before if text in after]
        assert kept and all(after[text] == before[text] for text in kept)  # … the rest kept
        job = db.session.scalar(select(TranslationJob).where(
            TranslationJob.article_id == article_id))
        assert job.priority == "breaking" and job.state == "queued"
        actions = db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.article_id == article_id)).all()
        assert "source_edited" in actions and "wire_update" in actions
    same = _post(client, api_key, body=EN_TEXT + "\n" + UPDATE + "\n", external_id="wire-7")
    assert same.status_code == 200 and same.get_json()["duplicate_of"] == article_id


def test_api_update_changes_priority_alone(client, api_key):
    article_id = _post(client, api_key, body=EN_TEXT, external_id="p-1").get_json()["id"]
    again = _post(client, api_key, body=EN_TEXT, external_id="p-1", priority="breaking")
    assert again.status_code == 200 and again.get_json()["updated"] is True
    assert again.get_json()["priority"] == "breaking" and again.get_json()["id"] == article_id
    # no priority given: unchanged, a plain duplicate
    plain = _post(client, api_key, body=EN_TEXT, external_id="p-1")
    assert plain.get_json()["priority"] == "breaking" and plain.get_json()["duplicate_of"]


WIRE = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wire</title>
<item><title>Tram line approved</title><guid isPermaLink="false">urn:wire:u1</guid>
<description><![CDATA[<p>The city council approved a new tram line on Tuesday after a long
debate.</p><p>Construction starts in May.</p>{extra}]]></description></item>
</channel></rss>
"""


def test_feed_known_guid_with_a_changed_body_updates_the_article(app, db, feed_server):
    feed_server.files["/w.rss"] = WIRE.format(extra="").encode()
    feed_id = _add(app, db, feed_server.url("/w.rss"), targets="kk")
    created = poll_feed(db, feed_id, allow_private=True).created
    assert len(created) == 1
    feed_server.files["/w.rss"] = WIRE.format(extra=f"<p>{UPDATE}</p>").encode()
    report = poll_feed(db, feed_id, allow_private=True)
    assert report.updated == created and report.created == [] and report.duplicates == 0
    with db.transaction() as session:
        article = session.get(Article, created[0])
        assert article.revision == 2
        assert UPDATE in [s.source_text for s in article.segments if s.active]
        assert session.scalar(select(TranslationJob.state).where(
            TranslationJob.article_id == article.id)) == "queued"
    # the same copy again (a new ETag only): nothing changes
    feed_server.files["/w.rss"] = (WIRE.format(extra=f"<p>{UPDATE}</p>") + " ").encode()
    again = poll_feed(db, feed_id, allow_private=True)
    assert again.updated == [] and again.duplicates == 1


def test_a_desk_edit_is_not_undone_by_the_next_poll(app, db, feed_server):
    from workflow.ingest.source_edit import update_source

    feed_server.files["/w.rss"] = WIRE.format(extra="").encode()
    feed_id = _add(app, db, feed_server.url("/w.rss"), targets="kk")
    (article_id,) = poll_feed(db, feed_id, allow_private=True).created
    with db.transaction() as session:
        update_source(session, article_id, "Tram line approved\n\nThe council approved the "
                      "tram line on Tuesday.\n", None)
    feed_server.files["/w.rss"] = WIRE.format(extra="").encode() + b" "  # same copy, new ETag
    report = poll_feed(db, feed_id, allow_private=True)
    assert report.duplicates == 1 and report.updated == []
    with db.transaction() as session:
        assert session.get(Article, article_id).revision == 2
