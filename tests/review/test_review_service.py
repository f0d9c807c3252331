"""Review service: conflicts keep both texts, submit rules, four-eyes approval, memory, history."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from workflow import review
from workflow.errors import Conflict, Forbidden, InvalidInput
from workflow.models import (
    AuditEvent,
    Edition,
    EditionSnapshot,
    MemoryEntry,
    SegmentRevision,
    SegmentTranslation,
)


def _rows(db, edition_id):
    with db.transaction() as session:
        rows = review.active_translations(session, edition_id)
        return [(r.id, r.version, r.machine_text) for r in rows]


def _confirm_all(db, edition_id, user_id, edit=None):
    for translation_id, version, machine in _rows(db, edition_id):
        text = (edit or {}).get(translation_id, machine)
        with db.transaction() as session:
            review.confirm_segment(session, translation_id, text, version, user_id, 1500)


def test_two_sessions_editing_one_segment_conflict_and_both_texts_are_kept(
        app, db, translated_edition, make_user):
    edition_id = translated_edition()
    alice, bob = make_user("translator", languages="kk"), make_user("translator", languages="kk")
    translation_id, version, _machine = _rows(db, edition_id)[1]
    # Both open the segment at the same version, in two independent database sessions.
    first, second = db.session_factory(), db.session_factory()
    try:
        review.save_segment(first, translation_id, "Алиса аударған мәтін.", version, alice, 900)
        first.commit()
        with pytest.raises(Conflict) as caught:
            review.save_segment(second, translation_id, "Бобтың нұсқасы.", version, bob, 700)
        second.commit()  # what the web boundary does: the conflicting text must survive
    finally:
        first.close()
        second.close()
    assert caught.value.code == "stale_version"
    assert caught.value.detail["yours"] == "Бобтың нұсқасы."
    assert caught.value.detail["theirs"] == "Алиса аударған мәтін."
    with db.transaction() as session:
        row = session.get(SegmentTranslation, translation_id)
        assert row.text == "Алиса аударған мәтін."  # never overwritten by the stale save
        assert row.version == version + 1
        revisions = session.scalars(select(SegmentRevision).where(
            SegmentRevision.translation_id == translation_id, SegmentRevision.kind != "machine")
            .order_by(SegmentRevision.id)).all()
        assert [(r.kind, r.text, r.user_id) for r in revisions] == [
            ("save", "Алиса аударған мәтін.", alice), ("conflict", "Бобтың нұсқасы.", bob)]
        assert session.scalar(select(AuditEvent.action).where(
            AuditEvent.action == "segment.conflict")) == "segment.conflict"


def test_save_records_revision_time_checks_and_draft_state(app, db, translated_edition, make_user):
    edition_id = translated_edition()
    user = make_user("translator", languages="kk")
    translation_id, version, _ = _rows(db, edition_id)[0]
    with db.transaction() as session:
        row = review.save_segment(session, translation_id, "Әкімнің Алматыға сапары 2025",
                                  version, user, 4000)
        assert (row.state, row.version, row.time_spent_ms) == ("draft", version + 1, 4000)
        assert any(c["code"] == "numbers" for c in row.checks)  # checks follow the new text
    with db.transaction() as session, pytest.raises(Conflict):
        review.save_segment(session, translation_id, "again", version, user)


def test_only_translators_in_the_language_may_edit(app, db, translated_edition, make_user):
    edition_id = translated_edition()
    russian = make_user("translator", languages="ru")
    editor = make_user("editor")
    translation_id, version, _ = _rows(db, edition_id)[0]
    for user, code in ((russian, "wrong_language"), (editor, "role_not_allowed")):
        with db.transaction() as session, pytest.raises(Forbidden) as caught:
            review.save_segment(session, translation_id, "x", version, user)
        assert caught.value.code == code


def test_submit_needs_every_segment_confirmed_and_blocking_checks_explained(
        app, db, translated_edition, make_user):
    edition_id = translated_edition()
    user = make_user("translator", languages="kk")
    rows = _rows(db, edition_id)
    with db.transaction() as session, pytest.raises(Conflict) as caught:
        review.submit_edition(session, edition_id, user)
    assert caught.value.code == "unconfirmed"
    # Confirm everything but make one segment a blocking repetition.
    _confirm_all(db, edition_id, user, {rows[0][0]: "бір бір бір бір бір бір бір бір"})
    with db.transaction() as session, pytest.raises(Conflict) as caught:
        review.submit_edition(session, edition_id, user)
    assert caught.value.code == "blocking_checks"
    with db.transaction() as session:
        edition = review.submit_edition(session, edition_id, user, "Repetition is a quote.")
        assert edition.state == "submitted" and edition.override_note
    with db.transaction() as session, pytest.raises(Conflict) as caught:
        review.save_segment(session, rows[1][0], "late edit", rows[1][1] + 1, user)
    assert caught.value.code == "not_editable"


def test_approver_can_never_be_someone_who_edited_and_approval_feeds_memory(
        app, db, translated_edition, make_user):
    edition_id = translated_edition()
    both = make_user("translator", "editor", languages="kk")
    other_editor = make_user("editor")
    translator = make_user("translator", languages="kk")
    rows = _rows(db, edition_id)
    approved_text = "Аймақтық газеттер әкімнің сапарын атап өтті."
    _confirm_all(db, edition_id, translator, {rows[1][0]: approved_text})
    # "both" typed into one segment (a draft it later confirmed) but did not submit.
    with db.transaction() as session:
        row = session.get(SegmentTranslation, rows[2][0])
        review.confirm_segment(session, row.id, row.text + " ", row.version, both)
    with db.transaction() as session:
        review.submit_edition(session, edition_id, translator, "random-weight model output")
    for user in (both, translator):
        with db.transaction() as session, pytest.raises(Forbidden) as caught:
            review.approve_edition(session, edition_id, user)
        assert caught.value.code in ("own_work", "role_not_allowed")
    with db.transaction() as session:
        edition = review.approve_edition(session, edition_id, other_editor)
        assert edition.state == "approved" and edition.approved_by_id == other_editor
    with db.transaction() as session:
        memory = session.scalars(select(MemoryEntry).where(MemoryEntry.edition_id == edition_id))
        assert approved_text in {m.target_text for m in memory}
        kinds = session.scalars(select(EditionSnapshot.kind).where(
            EditionSnapshot.edition_id == edition_id).order_by(EditionSnapshot.number)).all()
        assert kinds == ["submitted", "approved"]
        actions = set(session.scalars(select(AuditEvent.action).where(
            AuditEvent.edition_id == edition_id)))
        assert {"segment.confirmed", "edition.submitted", "edition.approve_refused",
                "edition.approved"} <= actions


def test_send_back_needs_a_comment_and_reopens_editing(app, db, translated_edition, make_user):
    edition_id = translated_edition()
    translator, editor = make_user("translator", languages="kk"), make_user("editor")
    _confirm_all(db, edition_id, translator)
    with db.transaction() as session:
        review.submit_edition(session, edition_id, translator, "ok")
    with db.transaction() as session, pytest.raises(InvalidInput):
        review.send_back(session, edition_id, editor, "  ")
    with db.transaction() as session:
        review.send_back(session, edition_id, editor, "Тақырыпты қысқартыңыз.")
    with db.transaction() as session:
        assert session.get(Edition, edition_id).state == "editing"


def test_history_diff_shows_changed_words_between_versions(app, db, translated_edition, make_user):
    edition_id = translated_edition()
    translator, editor = make_user("translator", languages="kk"), make_user("editor")
    rows = _rows(db, edition_id)
    _confirm_all(db, edition_id, translator, {rows[0][0]: "Әкім Алматыда"})
    with db.transaction() as session:
        review.submit_edition(session, edition_id, translator, "ok")
        review.send_back(session, edition_id, editor, "Толығырақ.")
    with db.transaction() as session:
        row = session.get(SegmentTranslation, rows[0][0])
        review.confirm_segment(session, row.id, "Әкім кеше Алматыда", row.version, translator)
        review.submit_edition(session, edition_id, translator, "ok")
    with db.transaction() as session:
        first, second = review.history(session, edition_id)
        changes = review.diff_snapshots(first, second)
    assert len(changes) == 1
    assert ("insert", "кеше") in changes[0]["ops"]


def test_post_edit_effort_per_direction_and_model(app, db, translated_edition, make_user):
    from workflow.metrics import edit_distance, post_edit_effort

    assert edit_distance("abcd", "abcd") == 0.0
    assert edit_distance("abcd", "wxyz") == 1.0
    edition_id = translated_edition()
    translator, editor = make_user("translator", languages="kk"), make_user("editor")
    rows = _rows(db, edition_id)
    _confirm_all(db, edition_id, translator, {rows[0][0]: "Әкімнің сапары"})
    with db.transaction() as session:
        review.submit_edition(session, edition_id, translator, "ok")
        review.approve_edition(session, edition_id, editor)
    with db.transaction() as session:
        report = post_edit_effort(session)
    (direction,) = report.by_direction
    assert direction.key == "en→kk" and direction.segments == len(rows)
    assert direction.untouched == len(rows) - 1 and 0 < direction.mean_distance < 1
    assert direction.time_ms == 1500 * len(rows)
    assert report.by_model[0].key.startswith("en→kk via")


def test_history_page_names_who_did_what(app, db, translated_edition, make_user, sign_in):
    from workflow.models import User

    edition_id = translated_edition()
    translator = make_user("translator", languages="kk")
    with db.transaction() as session:
        session.get(User, translator).name = "Aigerim Translator"
    _confirm_all(db, edition_id, translator, {})
    with db.transaction() as session:
        review.submit_edition(session, edition_id, translator, "ok")
    editor = make_user("editor")
    with db.transaction() as session:
        email = session.get(User, editor).email
    page = sign_in(email).get(f"/editions/{edition_id}/history").get_data(as_text=True)
    assert "Aigerim Translator" in page


def test_editor_assigns_an_edition_from_the_editor_page(app, db, translated_edition, make_user,
                                                        sign_in):
    from workflow.models import Edition, User

    edition_id = translated_edition()
    translator = make_user("translator", languages="kk")
    make_user("translator", languages="ru")  # works in another language: not offered
    editor = make_user("editor")
    with db.transaction() as session:
        email = session.get(User, editor).email
        name = session.get(User, translator).name
    client = sign_in(email)
    page = client.get(f"/editions/{edition_id}").get_data(as_text=True)
    assert page.count('name="assignee_id"') == 1 and f">{name}</option>" in page
    response = client.post(f"/editions/{edition_id}/assign", data={"assignee_id": translator})
    assert response.status_code == 302
    with db.transaction() as session:
        assert session.get(Edition, edition_id).assignee_id == translator
