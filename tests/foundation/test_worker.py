"""A real Celery worker process runs a translation job end to end, over Redis and embedded."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import wait_for
from workflow.models import SegmentTranslation, TranslationJob

PARAGRAPHS = [["Astana hosted the summit on Monday.", "Leaders signed two agreements."],
              ["The next meeting is planned for 2026."]]


def _queue_article(app, db, make_article, targets=("kk",)):
    from tasks.dispatch import dispatch_pending
    from workflow.jobs import queue as jobs
    from workflow.models import Article

    article_id = make_article(PARAGRAPHS, app=app)
    with app.app_context():
        with db.transaction() as session:
            jobs.create_jobs(session, session.get(Article, article_id), list(targets))
        sent = dispatch_pending(db, app.extensions["celery"])
    assert sent == len(targets)
    return article_id


def _job_states(app, db, article_id):
    with app.app_context():
        db.session.expire_all()
        rows = db.session.scalars(
            select(TranslationJob).where(TranslationJob.article_id == article_id)).all()
        return {job.target_language: job.state for job in rows}


def _assert_translated(app, db, article_id):
    with app.app_context():
        rows = db.session.scalars(select(SegmentTranslation)).all()
        assert rows and all(r.machine_text and r.state == "machine" for r in rows)
        assert all(r.machine_confidence is not None and r.machine_confidence < 0 for r in rows)
        job = db.session.scalars(select(TranslationJob)).first()
        assert job.segments_done == job.segments_total == 4
        assert job.route and job.route["steps"]


def _one_job_end_to_end(app, db, make_article, install_models, start_worker) -> None:
    """Install the model, start a real worker, queue one article into kk, see it translated."""
    install_models("multi", app=app)
    start_worker(app)
    article_id = _queue_article(app, db, make_article)
    wait_for(lambda: _job_states(app, db, article_id) == {"kk": "in_review"}, timeout=90)
    _assert_translated(app, db, article_id)


@pytest.mark.services
def test_worker_over_redis_translates_a_job(make_app, redis_url, postgres_url, make_article,
                                            install_models, start_worker):
    app = make_app(CELERY_BROKER_URL=redis_url,
                   DATABASE_URL=postgres_url.replace("postgresql://", "postgresql+psycopg://"))
    db = app.extensions["audarma.db"]
    _one_job_end_to_end(app, db, make_article, install_models, start_worker)


def test_worker_over_embedded_broker_translates_a_job(app, db, make_article, install_models,
                                                      start_worker):
    _one_job_end_to_end(app, db, make_article, install_models, start_worker)


def test_queued_work_survives_until_a_worker_starts(app, db, make_article, install_models,
                                                    start_worker):
    install_models("multi")
    article_id = _queue_article(app, db, make_article, targets=("kk", "ru"))
    assert _job_states(app, db, article_id) == {"kk": "queued", "ru": "queued"}
    start_worker(app)  # messages were on disk before this process existed
    wait_for(lambda: set(_job_states(app, db, article_id).values()) == {"in_review"}, timeout=90)


def test_without_a_model_jobs_wait_and_resume(app, db, make_article, install_models,
                                              start_worker):
    start_worker(app)
    article_id = _queue_article(app, db, make_article)
    wait_for(lambda: _job_states(app, db, article_id) == {"kk": "waiting_for_model"}, timeout=60)
    install_models("multi")
    result = app.test_cli_runner().invoke(args=["models", "list", "--json"])
    assert "kk" in result.output
    # what `audarma models install` does after installing: resume and dispatch
    from tasks.dispatch import dispatch_pending
    from tasks.engine import has_route
    from workflow.jobs import queue as jobs

    with app.app_context():
        with db.transaction() as session:
            assert jobs.resume_waiting(session, has_route)
        dispatch_pending(db, app.extensions["celery"])
    wait_for(lambda: _job_states(app, db, article_id) == {"kk": "in_review"}, timeout=90)
