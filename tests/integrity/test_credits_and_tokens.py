"""Reproductions 4 and 5b: a translator's API token cannot administer; the byline is metadata."""

from __future__ import annotations

from sqlalchemy import select

from tests.integrity.conftest import translate_queued
from tests.publishing.conftest import bearer
from workflow import review
from workflow.ingest.service import ingest_text
from workflow.models import Block, Edition, Publication, Segment, TranslationJob
from workflow.publishing import publish as publishing

STORY = """Almaty opens a library

A new public library opened in Almaty on Monday.

Its director said the project answers how families read at home.

Original Author: Zarina Fayzulina
"""


def _token(app, user_id: int) -> str:
    from workflow.partners.keys import issue_key

    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        return issue_key(session, user_id=user_id, label="test")[1]


def test_translator_token_cannot_create_cancel_or_retry(app, people):
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        article_id = ingest_text(session, STORY, source="paste", targets=["kk"]).article.id
        job_id = session.scalar(select(TranslationJob.id))
    client = app.test_client()
    kk, editor = bearer(_token(app, people["kk"])), bearer(_token(app, people["editor_a"]))
    created = client.post("/api/v1/articles", json={"body": "Another story\n\nIt rained.",
                                                    "language": "en"}, headers=kk)
    assert created.status_code == 403
    assert client.post(f"/api/v1/articles/{article_id}/cancel", headers=kk).status_code == 403
    assert client.post(f"/api/v1/jobs/{job_id}/retry", headers=kk).status_code == 403
    with app.app_context(), db.transaction() as session:
        assert session.get(TranslationJob, job_id).state == "queued"  # nothing happened
    assert client.post(f"/api/v1/articles/{article_id}/cancel", headers=editor).status_code == 200
    assert client.post(f"/api/v1/jobs/{job_id}/retry", headers=editor).status_code == 200


def test_byline_is_never_translated_and_each_edition_credits_its_own(app, people, make_partner):
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        article_id = ingest_text(session, STORY, source="paste", language="en",
                                 targets=["kk"]).article.id
        byline_block = session.scalar(select(Block).where(Block.article_id == article_id,
                                                          Block.kind == "byline"))
        assert byline_block is not None
        assert not session.scalars(select(Segment).where(
            Segment.block_id == byline_block.id)).all()  # nothing for the machine to translate
    translate_queued(db)
    with app.app_context():
        kk = db.session.scalar(select(Edition.id).where(Edition.language == "kk"))
        rows = [(r.id, r.version) for r in review.active_translations(db.session, kk)]
        db.session.rollback()
    with app.app_context():
        for row_id, version in rows:
            with db.transaction() as session:
                review.confirm_segment(session, row_id, "Қазақша мәтін.", version, people["kk"])
        with db.transaction() as session:
            review.set_credits(session, kk, people["kk"], "Зарина Файзулина")
            review.submit_edition(session, kk, people["kk"])
        with db.transaction() as session:
            review.approve_edition(session, kk, people["editor_a"])
            publication_id = publishing.publish_edition(session, kk, people["editor_a"]).id
        with db.transaction() as session:
            publication = session.get(Publication, publication_id)
            assert publication.byline == "Зарина Файзулина"
            assert "Original Author" not in publication.body_html
            assert "MTKK" not in (publication.byline or "")
    _pid, _kid, secret = make_partner(languages="kk")
    client = app.test_client()
    item = client.get("/api/v1/items/urn:audarma:item:1:kk", headers=bearer(secret)).get_json()
    assert item["by"] == "Зарина Файзулина"
    atom = client.get("/feeds/kk.atom", headers=bearer(secret)).get_data(as_text=True)
    assert "<name>Зарина Файзулина</name>" in atom


def test_a_credit_change_after_approval_sends_the_edition_back(app, people, make_story):
    story = make_story(languages=("kk",))
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        review.set_credits(session, story["kk"], people["kk"], "А. Репортер")
        edition = session.get(Edition, story["kk"])
        assert edition.state == "editing" and edition.returned_reason == "byline_edited"
