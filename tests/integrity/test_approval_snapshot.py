"""Reproductions 1 and 2 of issue 14: the source edition publishes; approval is of a snapshot."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.integrity.conftest import machine_text, translate_queued
from tests.publishing.conftest import bearer
from workflow import review
from workflow.errors import Conflict, Forbidden
from workflow.ingest.service import ingest_text
from workflow.ingest.source_edit import update_source
from workflow.ingest.source_text import article_markdown
from workflow.models import Article, AuditEvent, Edition, Publication, SegmentTranslation
from workflow.publishing import publish as publishing

STORY = """Almaty opens a library

A new public library opened in Almaty on Monday.

Its director said the project answers how families read at home.
"""


def _ingest(app, db, user_id, targets=("ru",)) -> int:
    with app.app_context(), db.transaction() as session:
        return ingest_text(session, STORY, source="paste", language="en", targets=list(targets),
                           user_id=user_id).article.id


def _edition(db, article_id, language) -> int:
    with db.transaction() as session:
        return session.scalar(select(Edition.id).where(Edition.article_id == article_id,
                                                       Edition.language == language))


def _confirm_all(db, edition_id, user_id) -> None:
    with db.transaction() as session:
        rows = [(r.id, r.version, r.text or r.machine_text, r.state)
                for r in review.active_translations(session, edition_id)]
    for row_id, version, text, state in rows:
        if state != "confirmed":
            with db.transaction() as session:
                review.confirm_segment(session, row_id, f"ПЕРЕВОД {text}", version, user_id)


def _call(db, function, *args, **kwargs):
    with db.transaction() as session:
        return function(session, *args, **kwargs)


def test_english_source_edition_is_approved_by_a_second_person_and_reaches_the_en_feed(
        app, db, people, make_partner):
    article_id = _ingest(app, db, people["editor_a"], targets=())
    source = _edition(db, article_id, "en")
    with db.transaction() as session:
        ready = review.readiness(session, source)
        assert ready.complete and ready.total == ready.confirmed == 3  # not "0/0"
    _call(db, review.submit_edition, source, people["en"])
    with pytest.raises(Forbidden) as caught:  # editor A pasted the original: not a second person
        _call(db, review.approve_edition, source, people["editor_a"])
    assert caught.value.code == "own_work"
    _call(db, review.approve_edition, source, people["editor_b"])
    _call(db, publishing.publish_edition, source, people["editor_b"])
    _pid, _kid, secret = make_partner(languages="en")
    feed = app.test_client().get("/feeds/en.atom", headers=bearer(secret))
    assert feed.status_code == 200
    assert "A new public library opened in Almaty on Monday." in feed.get_data(as_text=True)
    assert "Original text by the newsroom" in feed.get_data(as_text=True)


def _approved_ru(app, db, people) -> tuple[int, int]:
    article_id = _ingest(app, db, None)
    translate_queued(db)
    ru = _edition(db, article_id, "ru")
    _confirm_all(db, ru, people["ru"])
    _call(db, review.submit_edition, ru, people["ru"])
    _call(db, review.approve_edition, ru, people["editor_a"])
    return article_id, ru


def _add_sentence(db, article_id, user_id) -> None:
    with db.transaction() as session:
        text = article_markdown(session.get(Article, article_id))
        update_source(session, article_id, text + "\nThe library opens at nine.\n", user_id)


def test_source_edit_after_approval_sends_the_edition_back_and_its_author_cannot_approve(
        app, db, people):
    article_id, ru = _approved_ru(app, db, people)
    _add_sentence(db, article_id, people["editor_a"])
    with db.transaction() as session:
        edition = session.get(Edition, ru)
        assert edition.state == "editing" and edition.returned_reason == "source_edited"
        assert edition.approved_snapshot_id is None
        event = session.scalar(select(AuditEvent).where(AuditEvent.edition_id == ru,
                                                        AuditEvent.action == "edition.returned"))
        assert event.actor_id == people["editor_a"]
        assert event.detail["reason"] == "source_edited" and event.detail["from"] == "approved"
    with pytest.raises(Conflict):  # the old approval no longer stands: nothing to publish
        _call(db, publishing.publish_edition, ru, people["editor_a"])
    translate_queued(db)
    _confirm_all(db, ru, people["ru"])
    _call(db, review.submit_edition, ru, people["ru"])
    with pytest.raises(Forbidden) as caught:  # A wrote the new sentence: four eyes
        _call(db, review.approve_edition, ru, people["editor_a"])
    assert caught.value.code == "own_work"
    _call(db, review.approve_edition, ru, people["editor_b"])
    publication_id = _call(db, publishing.publish_edition, ru, people["editor_b"]).id
    with db.transaction() as session:
        body = session.get(Publication, publication_id).body_html
        assert machine_text("The library opens at nine.", "ru") in body  # inside human text
        assert "ПЕРЕВОД " + machine_text("The library opens at nine.", "ru") in body


def test_source_edit_after_submit_makes_approve_refuse(app, db, people):
    article_id = _ingest(app, db, None)
    translate_queued(db)
    ru = _edition(db, article_id, "ru")
    _confirm_all(db, ru, people["ru"])
    _call(db, review.submit_edition, ru, people["ru"])
    _add_sentence(db, article_id, people["editor_a"])
    for editor in ("editor_a", "editor_b"):  # a pending segment: nobody can approve it
        with pytest.raises((Conflict, Forbidden)):
            _call(db, review.approve_edition, ru, people[editor])
    with db.transaction() as session:
        states = [r.state for r in review.active_translations(session, ru)]
        assert "pending" in states and session.get(Edition, ru).state == "editing"


def test_approve_rechecks_readiness_and_publish_renders_only_the_snapshot(app, db, people):
    article_id = _ingest(app, db, None)
    translate_queued(db)
    ru = _edition(db, article_id, "ru")
    _confirm_all(db, ru, people["ru"])
    _call(db, review.submit_edition, ru, people["ru"])
    with db.transaction() as session:  # a row changed behind the workflow's back
        row = review.active_translations(session, ru)[1]
        row.state, row.text = "machine", None
    with pytest.raises(Conflict) as caught:
        _call(db, review.approve_edition, ru, people["editor_b"])
    assert caught.value.code == "unconfirmed"
    with db.transaction() as session:
        row = review.active_translations(session, ru)[1]
        row.state, row.text = "confirmed", "Одобренный текст."
    _call(db, review.approve_edition, ru, people["editor_b"])
    with db.transaction() as session:
        row = review.active_translations(session, ru)[1]
        row.text = "Текст, который никто не одобрял."
    with pytest.raises(Conflict) as caught:
        _call(db, publishing.publish_edition, ru, people["editor_b"])
    assert caught.value.code == "changed_since_approval"
    with db.transaction() as session:
        review.active_translations(session, ru)[1].text = "Одобренный текст."
    publication_id = _call(db, publishing.publish_edition, ru, people["editor_b"]).id
    with db.transaction() as session:
        publication = session.get(Publication, publication_id)
        assert "Одобренный текст." in publication.body_html
        assert publication.payload["approved_by"] == people["editor_b"]


def test_approve_refuses_blocking_checks_without_an_override_note(app, db, people):
    article_id = _ingest(app, db, None)
    translate_queued(db)
    ru = _edition(db, article_id, "ru")
    _confirm_all(db, ru, people["ru"])
    blocking = [{"code": "wrong_language", "severity": "blocking", "message": "x"}]
    with db.transaction() as session:
        session.get(SegmentTranslation, review.active_translations(session, ru)[0].id).checks = \
            blocking
    with pytest.raises(Conflict):
        _call(db, review.submit_edition, ru, people["ru"])
    _call(db, review.submit_edition, ru, people["ru"], "The headline quotes an English name.")
    with db.transaction() as session:  # a submit-time note that vanished does not count
        session.get(Edition, ru).override_note = None
    with pytest.raises(Conflict) as caught:
        _call(db, review.approve_edition, ru, people["editor_b"])
    assert caught.value.code == "blocking_checks"
    _call(db, review.approve_edition, ru, people["editor_b"], "Checked: the name stays English.")
    with db.transaction() as session:
        edition = session.get(Edition, ru)
        assert edition.state == "approved" and "name stays English" in edition.override_note


def test_scheduled_edition_goes_back_when_the_source_changes(app, db, people):
    from datetime import timedelta

    from workflow.db import utcnow

    article_id, ru = _approved_ru(app, db, people)
    _call(db, publishing.publish_edition, ru, people["editor_b"], utcnow() + timedelta(hours=2))
    _add_sentence(db, article_id, people["editor_b"])
    with db.transaction() as session:
        assert session.get(Edition, ru).state == "editing"
        statuses = session.scalars(select(Publication.status)
                                   .where(Publication.edition_id == ru)).all()
        assert statuses == ["superseded"]
    assert _call(db, publishing.release_due, utcnow() + timedelta(hours=3)) == []
