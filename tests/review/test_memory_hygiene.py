"""Issue 23 item 6 end to end: a kill retracts the edition's memory, so a later article's
machine run no longer reuses the killed text."""

from __future__ import annotations

from tests.review.test_audit_trail import _through_review
from workflow.publishing import publish as publishing


def test_killed_text_is_not_reused_by_a_later_article(app, db, translated_edition, make_user):
    """Issue 23 item 6, end to end: approved kk text goes into memory and a later article with
    the same sentence reuses it (machine_origin=memory); after a kill it no longer does."""
    from sqlalchemy import select

    from workflow.models import Edition, Segment, SegmentTranslation

    sentence = "The two cities already share a long-standing twinning agreement."
    edition_id = translated_edition()
    translator, editor = make_user("translator", languages="kk"), make_user("editor")
    _through_review(app, db, edition_id, translator, editor, edited_sid="s2",
                    text="Екі қаланың бауырлас қалалар туралы келісімі бар.")

    def origin_in_a_new_article() -> tuple[str, str]:
        later = translated_edition(paragraphs=[[sentence]], title="Twinning")
        with app.app_context():
            return db.session.execute(
                select(SegmentTranslation.machine_origin, SegmentTranslation.machine_text)
                .join(Segment, Segment.id == SegmentTranslation.segment_id)
                .where(SegmentTranslation.edition_id == later,
                       Segment.source_text == sentence)).one()

    assert origin_in_a_new_article() == ("memory",
                                         "Екі қаланың бауырлас қалалар туралы келісімі бар.")
    with app.app_context(), db.transaction() as session:
        assert session.get(Edition, edition_id).state == "published"
        publishing.kill_edition(session, edition_id, editor, "The agreement was cancelled.")
    origin, text = origin_in_a_new_article()
    assert origin == "machine" and text != "Екі қаланың бауырлас қалалар туралы келісімі бар."
