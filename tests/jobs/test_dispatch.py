"""The outbox and the tick, called directly on the embedded broker (no worker running)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from tests.jobs.conftest import job_rows, queue
from workflow.db import utcnow
from workflow.jobs import queue as jobs
from workflow.models import TranslationJob


def test_wake_ups_are_counted_in_the_broker(app, make_article):
    from tasks.dispatch import waiting_messages

    celery = app.extensions["celery"]
    assert waiting_messages(celery) == 0
    queue(app, make_article, targets=("kk", "ru"))
    queue(app, make_article, targets=("kk",), priority="breaking")
    assert waiting_messages(celery) == 3
    assert not any(j.needs_dispatch for j in job_rows(app))


def test_tick_recovers_a_lost_worker_and_resends_lost_wake_ups(app, make_article):
    from tasks.beat import tick
    from tasks.dispatch import waiting_messages

    db = app.extensions["audarma.db"]
    queue(app, make_article, targets=("kk", "ru"), dispatch=False)
    with db.transaction() as session:  # one job's worker died: its lease ran out
        claim = jobs.claim_next(session, "dead", lease_seconds=1)
        session.execute(update(TranslationJob).where(TranslationJob.id == claim.job_ids[0])
                        .values(lease_expires_at=utcnow() - timedelta(seconds=5)))
        # the other job's wake-up went to a broker that has since lost it
        session.execute(update(TranslationJob).where(TranslationJob.id != claim.job_ids[0])
                        .values(needs_dispatch=False,
                                dispatched_at=utcnow() - timedelta(minutes=10)))
    with app.app_context():
        result = tick()
    assert result["requeued"] == claim.job_ids and result["sent"] == 1
    assert result["resent"] == 1
    assert waiting_messages(app.extensions["celery"]) == 2
    with app.app_context():
        again = tick()  # the broker now holds a wake-up per queued job: nothing more to send
    assert (again["sent"], again["resent"]) == (0, 0)
