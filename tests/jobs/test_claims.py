"""Claims under races, called directly: duplicate wake-ups, lost leases, cancels, people first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.jobs.conftest import FakeEngine, exactly_once_report, job_rows, queue, states
from workflow.db import utcnow
from workflow.errors import Conflict
from workflow.jobs import queue as jobs
from workflow.jobs.run import work_once
from workflow.models import SegmentTranslation, TranslationJob
from workflow.states import JobState


@pytest.fixture
def database(app):
    return app.extensions["audarma.db"]


def test_a_duplicate_wake_up_claims_nothing_twice(app, database, make_article):
    queue(app, make_article, targets=("kk",), dispatch=False)
    job_id = job_rows(app)[0].id
    with database.transaction() as session:
        first = jobs.claim_next(session, "w1", prefer=job_id)
    with database.transaction() as session:
        second = jobs.claim_next(session, "w2", prefer=job_id)
    assert first.job_ids == [job_id] and second is None
    assert [run.worker for run in job_rows(app)[0].runs] == ["w1"]


def test_a_worker_whose_lease_expired_writes_nothing(app, database, make_article):
    queue(app, make_article, sentences=3, targets=("kk",), dispatch=False)
    with database.transaction() as session:
        slow = jobs.claim_next(session, "slow", lease_seconds=5)
    # the slow worker's batch outlives its lease: the beat re-queues, a second worker claims
    with database.transaction() as session:
        assert jobs.requeue_expired(session, now=utcnow() + timedelta(seconds=6)) == slow.job_ids
    report = work_once(database, FakeEngine(), "fast")
    assert report.finished == slow.job_ids
    late = [jobs.MachineResult(tid, "late text", "machine", None, [], [])
            for _job, tid, _text in slow.work]
    with database.transaction() as session:
        assert jobs.record_results(session, slow, slow.job_ids[0], late) == 0
        assert not jobs.finish(session, slow, slow.job_ids[0])
    evidence = exactly_once_report(app)
    assert evidence["machine"] == evidence["rows"] == 4
    assert evidence["revisions_per_row"] == [1] and evidence["run_total"] == 4
    assert [outcome for _job, outcome, _n in evidence["runs"]] == ["lost", "done"]
    assert states(app) == {"in_review": 1}


def test_a_lease_is_renewed_while_a_slow_batch_runs(app, database, make_article):
    queue(app, make_article, sentences=2, targets=("kk",), dispatch=False)
    requeued = []

    def slow_batch(_n):
        # the keeper thread renews every lease/3 = 0.5 s; a tick 2 s in finds the lease alive
        import time

        time.sleep(2.0)
        with database.transaction() as session:
            requeued.extend(jobs.requeue_expired(session))

    report = work_once(database, FakeEngine(slow_batch), "w1", lease_seconds=1)
    assert requeued == [] and report.finished == report.job_ids


def test_cancel_during_translation_stops_the_worker(app, database, make_article):
    article_id = queue(app, make_article, sentences=8, targets=("kk",), dispatch=False)

    def cancel_after_first(n):
        if n == 2:
            with database.transaction() as session:
                assert jobs.cancel_jobs(session, article_id, "kk", actor_id=None)

    engine = FakeEngine(cancel_after_first)
    report = work_once(database, engine, "w1", batch_size=3)
    assert report.lost == report.job_ids and report.finished == []
    assert states(app) == {"cancelled": 1}
    assert len(engine.calls) == 2  # the third batch was never translated
    assert exactly_once_report(app)["run_total"] == 3  # the first batch stays for the translator


def test_machine_output_never_overwrites_a_person(app, database, make_article):
    queue(app, make_article, sentences=2, targets=("kk",), dispatch=False)

    def person_types(_n):
        with database.transaction() as session:
            query = select(SegmentTranslation).order_by(SegmentTranslation.id)
            row = session.scalars(query).first()
            row.state, row.text = "draft", "typed by a person"

    work_once(database, FakeEngine(person_types), "w1")
    with database.transaction() as session:
        first = session.scalars(select(SegmentTranslation).order_by(SegmentTranslation.id)).first()
        assert (first.state, first.text, first.machine_text) == ("draft", "typed by a person",
                                                                  None)
    assert exactly_once_report(app)["run_total"] == 2


def test_progress_is_written_after_every_batch(app, database, make_article):
    queue(app, make_article, sentences=8, targets=("kk",), dispatch=False)
    seen = []
    work_once(database, FakeEngine(), "w1", batch_size=3,
              on_batch=lambda _n: seen.append(
                  (job_rows(app)[0].segments_done, job_rows(app)[0].segments_total)))
    assert seen == [(3, 9), (6, 9), (9, 9)]
    assert job_rows(app)[0].state == "in_review"


def test_breaking_news_takes_the_worker_between_batches(app, database, make_article):
    queue(app, make_article, sentences=8, targets=("kk",), dispatch=False)
    queue(app, make_article, sentences=8, targets=("kk",), dispatch=False)

    def breaking_arrives(n):
        if n == 1:
            queue(app, make_article, sentences=1, targets=("ru",), priority="breaking",
                  dispatch=False)

    report = work_once(database, FakeEngine(breaking_arrives), "w1", batch_size=4)
    assert report.outcome == "yielded" and len(report.requeued) == 2
    nxt = work_once(database, FakeEngine(), "w1")
    breaking = [j for j in job_rows(app) if j.priority == "breaking"]
    assert nxt.finished == [breaking[0].id]
    normal = [j for j in job_rows(app) if j.priority == "normal"]
    assert {j.state for j in normal} == {"queued"} and all(j.needs_dispatch for j in normal)
    work_once(database, FakeEngine(), "w1")
    evidence = exactly_once_report(app)
    assert evidence["revisions_per_row"] == [1] and evidence["run_total"] == 9 + 9 + 2


def test_the_outbox_keeps_a_job_claimed_while_its_message_was_sent(app, database, make_article):
    queue(app, make_article, targets=("kk",), dispatch=False)
    with database.transaction() as session:
        pending = jobs.jobs_to_dispatch(session)
    with database.transaction() as session:  # a worker claims and hands it back meanwhile
        claim = jobs.claim_next(session, "w1")
        jobs.release(session, claim, claim.job_ids[0], JobState.QUEUED, "engine busy")
    with database.transaction() as session:
        assert jobs.mark_dispatched(session, pending) == 0
        assert [d.job_id for d in jobs.jobs_to_dispatch(session)] == claim.job_ids


def test_a_backoff_job_stays_in_the_outbox_until_due(app, database, make_article):
    from translations.errors import EngineUnavailable

    queue(app, make_article, targets=("kk",), dispatch=False)

    class Busy(FakeEngine):
        def translate(self, *args, **kwargs):
            raise EngineUnavailable("CPU busy")

    assert work_once(database, Busy(), "w1").outcome == "retry"
    job = job_rows(app)[0]
    assert job.state == "queued" and job.needs_dispatch and job.not_before > utcnow()
    with database.transaction() as session:
        assert jobs.jobs_to_dispatch(session) == []
        assert jobs.claim_next(session, "w2") is None
        session.execute(TranslationJob.__table__.update().values(not_before=utcnow()))
    with database.transaction() as session:
        assert [d.job_id for d in jobs.jobs_to_dispatch(session)] == [job.id]


def test_lost_messages_are_resent_for_the_deficit_only(app, database, make_article):
    for _ in range(3):
        queue(app, make_article, targets=("kk",), dispatch=False)
    with database.transaction() as session:
        jobs.mark_dispatched(session, jobs.jobs_to_dispatch(session))
        old = utcnow() - timedelta(seconds=600)
        session.execute(TranslationJob.__table__.update().values(dispatched_at=old))
    with database.transaction() as session:
        assert jobs.jobs_to_redispatch(session, 120, waiting_messages=3) == []
        assert len(jobs.jobs_to_redispatch(session, 120, waiting_messages=1)) == 2
        assert len(jobs.jobs_to_redispatch(session, 120, waiting_messages=0)) == 3
        assert jobs.jobs_to_redispatch(session, 900, waiting_messages=0) == []


def test_a_job_that_keeps_killing_workers_fails(app, database, make_article):
    queue(app, make_article, targets=("kk",), dispatch=False)
    for attempt in range(1, jobs.MAX_ATTEMPTS + 1):
        with database.transaction() as session:
            assert jobs.claim_next(session, f"w{attempt}", lease_seconds=1)
        with database.transaction() as session:
            jobs.requeue_expired(session, now=utcnow() + timedelta(seconds=2))
    job = job_rows(app)[0]
    assert job.state == "failed" and "worker lost 5 times" in job.error
    assert [run.outcome for run in job.runs] == ["lost"] * jobs.MAX_ATTEMPTS


def test_retry_only_failed_or_cancelled_jobs(app, database, make_article):
    article_id = queue(app, make_article, targets=("kk",), dispatch=False)
    job_id = job_rows(app)[0].id
    with database.transaction() as session, pytest.raises(Conflict):
        jobs.retry_job(session, job_id, actor_id=None)
    with database.transaction() as session:
        assert jobs.cancel_jobs(session, article_id, actor_id=None) == [job_id]
    with database.transaction() as session:
        job = jobs.retry_job(session, job_id, actor_id=None)
        assert (job.state, job.needs_dispatch, job.attempts) == ("queued", True, 0)


def test_a_locked_database_mid_batch_means_retry_not_failure(app, database, make_article):
    from sqlalchemy.exc import OperationalError

    queue(app, make_article, targets=("kk",), dispatch=False)

    class Locked(FakeEngine):
        def translate(self, *args, **kwargs):
            raise OperationalError("INSERT ...", {}, Exception("database is locked"))

    assert work_once(database, Locked(), "w1").outcome == "retry"
    job = job_rows(app)[0]
    assert (job.state, job.needs_dispatch) == ("queued", True)
    assert "database is locked" in job.error and job.not_before > utcnow()
