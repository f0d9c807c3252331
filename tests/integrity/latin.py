"""A Kazakh edition typed in Cyrillic, submitted and approved the real way (Latin edition tests)."""

from __future__ import annotations

from sqlalchemy import select

KAZAKH = {  # source sentence -> its Kazakh translation, as a kk translator typed it
    "Flood waters recede": "ҚР-да су тасқыны басылды",
    "The river fell overnight.": "Өзен түнде тартылды.",
    "Roads reopened in Shchuchinsk.": "Щучинскіде жолдар қайта ашылды.",
}


def kazakh_story(app, make_article, translator: int, approver: int | None,
                 byline: str = "Айгүл Сәрсенова") -> dict[str, int]:
    """An English article whose Kazakh edition ``translator`` typed and submitted and
    ``approver`` (when given) approved; returns {"article", "kk"} ids."""
    from workflow import review
    from workflow.models import Article, Edition, Segment, SegmentTranslation
    from workflow.states import EditionState, transition

    article_id = make_article([["The river fell overnight.", "Roads reopened in Shchuchinsk."]],
                              language="en", title="Flood waters recede", app=app)
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        session.get(Article, article_id).byline = "By A. Reporter"
        kk = Edition(article_id=article_id, language="kk", state="translating", byline=byline)
        session.add(kk)
        session.flush()
        transition(kk, EditionState.EDITING)
        rows = []
        for segment in session.scalars(select(Segment).where(Segment.article_id == article_id)):
            row = SegmentTranslation(edition_id=kk.id, segment_id=segment.id, state="machine",
                                     machine_text=f"[mt] {segment.source_text}")
            session.add(row)
            rows.append((row, segment))
        session.flush()
        for row, segment in rows:
            review.confirm_segment(session, row.id, KAZAKH[segment.source_text], row.version,
                                   translator)
        review.submit_edition(session, kk.id, translator)
        if approver is not None:
            review.approve_edition(session, kk.id, approver)
        return {"article": article_id, "kk": kk.id}


def latin_of(app, article_id: int):
    """The article's kk-Latn edition (None if there is none), with its texts in reading order."""
    from workflow.approval import edition_texts
    from workflow.models import Edition

    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        edition = session.scalar(select(Edition).where(Edition.article_id == article_id,
                                                       Edition.language == "kk-Latn"))
        if edition is None:
            return None
        texts = [t["text"] for t in edition_texts(session, edition)]
        session.expunge(edition)
        return edition, texts
