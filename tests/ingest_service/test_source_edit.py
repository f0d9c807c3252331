"""Source edits: only new or changed sentences are translated again; human edits are kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from workflow.ingest.service import ingest_markdown
from workflow.ingest.source_edit import update_source
from workflow.ingest.source_text import article_markdown
from workflow.models import Article, Segment, SegmentTranslation, TranslationJob

STORY = """# Tram line approved

The city council approved a new tram line on Tuesday. The vote was close.

The line will connect the railway station with the *university campus*. Construction starts in May.
"""


@pytest.fixture
def engine(app, install_models):
    """A real Argos engine over the tiny multilingual package."""
    from translations.engine import ArgosEngine
    from translations.packages import PackageStore

    install_models("multi")
    return ArgosEngine(PackageStore(Path(app.config["PACKAGES_DIR"])), beam_size=1)


def _translate_all(db, engine) -> None:
    from workflow.jobs.run import work_once

    for _ in range(10):
        if not work_once(db, engine, "test").job_ids:
            return
    raise AssertionError("work left after 10 rounds")


def _ingest(app, db, text=STORY, targets=("ru",)) -> int:
    with app.app_context(), db.transaction() as session:
        return ingest_markdown(session, text, source="paste", targets=list(targets)).article.id


def test_one_sentence_edit_retranslates_one_segment(app, db, engine):
    article_id = _ingest(app, db)
    _translate_all(db, engine)
    assert engine.stats.segments_translated == 5
    calls_before = engine.stats.model_calls
    with db.transaction() as session:
        job = session.scalar(select(TranslationJob).where(TranslationJob.article_id == article_id))
        assert job.state == "in_review" and job.segments_done == 5
        text = article_markdown(session.get(Article, article_id))
        result = update_source(session, article_id, text.replace("The vote was close.",
                                                                 "The vote was very close."))
        assert (result.kept, result.added, result.retired) == (4, 1, 1)
    _translate_all(db, engine)
    assert engine.stats.segments_translated == 6  # exactly one more segment went to the model
    assert engine.stats.model_calls == calls_before + 1
    with db.transaction() as session:
        job = session.scalar(select(TranslationJob).where(TranslationJob.article_id == article_id))
        assert job.state == "in_review" and (job.segments_done, job.segments_total) == (5, 5)
        active = session.scalars(select(Segment).where(Segment.article_id == article_id,
                                                       Segment.active.is_(True))
                                 .order_by(Segment.position)).all()
        assert [s.sid for s in active] == ["s1", "s2", "s6", "s4", "s5"]
        assert active[2].source_text == "The vote was very close."
        rows = session.scalars(select(SegmentTranslation).where(
            SegmentTranslation.segment_id.in_([s.id for s in active]))).all()
        assert all(r.state == "machine" and r.machine_text is not None for r in rows)


def test_unchanged_source_changes_nothing(app, db, engine):
    article_id = _ingest(app, db)
    with db.transaction() as session:
        text = article_markdown(session.get(Article, article_id))
        result = update_source(session, article_id, text)
        assert not result.changed and result.kept == 5 and result.jobs == []
        assert session.get(Article, article_id).revision == 1


def _translated_with_a_human_edit(app, db, engine) -> int:
    """The story translated into Russian, with the translator's own text confirmed on s3."""
    from workflow.states import SegmentState, transition

    article_id = _ingest(app, db)
    _translate_all(db, engine)
    with db.transaction() as session:
        segment = session.scalar(select(Segment).where(Segment.article_id == article_id,
                                                       Segment.sid == "s3"))
        row = session.scalar(select(SegmentTranslation).where(
            SegmentTranslation.segment_id == segment.id))
        row.text = "Голосование было напряжённым."
        transition(row, SegmentState.CONFIRMED)
    return article_id


def test_edited_translation_is_flagged_not_overwritten(app, db, engine):
    article_id = _translated_with_a_human_edit(app, db, engine)
    translated = engine.stats.segments_translated
    with db.transaction() as session:
        text = article_markdown(session.get(Article, article_id))
        result = update_source(session, article_id, text.replace(
            "The vote was close.", "The vote was unanimous.").replace(
            "Construction starts in May.", "Construction starts in May. It ends in 2027."))
        assert (result.added, result.source_changed) == (2, 1)
    _translate_all(db, engine)
    assert engine.stats.segments_translated == translated + 1  # only the brand-new sentence
    with db.transaction() as session:
        new = session.scalar(select(Segment).where(
            Segment.article_id == article_id, Segment.active.is_(True),
            Segment.source_text == "The vote was unanimous."))
        flagged = session.scalar(select(SegmentTranslation).where(
            SegmentTranslation.segment_id == new.id))
        assert flagged.state == "source_changed"
        assert flagged.text == "Голосование было напряжённым."
        assert flagged.previous_source_text == "The vote was close."
        job = session.scalar(select(TranslationJob).where(TranslationJob.article_id == article_id))
        assert job.state == "in_review" and (job.segments_done, job.segments_total) == (6, 6)


def test_source_edit_rejects_empty_text_and_keeps_everything(app, db, counts):
    from workflow.errors import InvalidInput

    article_id = _ingest(app, db)
    before = counts()
    with pytest.raises(InvalidInput), db.transaction() as session:
        update_source(session, article_id, "   ")
    assert counts() == before


def test_editor_page_shows_how_the_source_changed(app, db, engine, client, make_user):
    from workflow.models import Edition

    article_id = _translated_with_a_human_edit(app, db, engine)
    with db.transaction() as session:
        text = article_markdown(session.get(Article, article_id))
        update_source(session, article_id, text.replace("The vote was close.",
                                                        "The vote was unanimous."))
        edition_id = session.scalar(select(Edition.id).where(Edition.article_id == article_id,
                                                             Edition.language == "ru"))
    make_user("translator", languages="ru", email="tr@example.test")
    client.post("/login", data={"email": "tr@example.test", "password": "password123"})
    page = client.get(f"/editions/{edition_id}").get_data(as_text=True)
    assert "<del>close.</del>" in page and "<ins>unanimous.</ins>" in page
