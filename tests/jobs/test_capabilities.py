"""Workers with different models: each takes only the pairs it serves; a pair nobody serves waits
visibly, and resumes when a worker for it appears."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import wait_for
from tests.jobs.conftest import FakeEngine, job_rows, queue, states
from workflow.db import utcnow
from workflow.jobs import capabilities
from workflow.jobs import queue as jobs
from workflow.jobs.run import work_once


def test_served_pairs_include_pivots(argos_files, tmp_path):
    from translations.packages import PackageStore
    from translations.routes import served_pairs

    store = PackageStore(tmp_path / "packages")
    store.install(argos_files["en_kk"])
    assert served_pairs(store.installed(), ("kk", "ru", "en")) == {("en", "kk")}
    store.install(argos_files["ru_en"])
    assert served_pairs(store.installed(), ("kk", "ru", "en")) == {
        ("en", "kk"), ("ru", "en"), ("ru", "kk")}  # ru→kk through English


def test_a_worker_never_claims_a_pair_it_does_not_serve(app, make_article):
    queue(app, make_article, sentences=2, targets=("kk", "ru"), dispatch=False)
    database = app.extensions["audarma.db"]
    report = work_once(database, FakeEngine(), "ru-only", pairs={("en", "ru")})
    assert report.outcome == "done"
    assert {j.target_language: j.state for j in job_rows(app)} == {"kk": "queued",
                                                                   "ru": "in_review"}
    assert work_once(database, FakeEngine(), "ru-only", pairs={("en", "ru")}).job_ids == []


def test_an_unserved_pair_waits_with_a_reason_and_resumes_when_served(app, make_article):
    queue(app, make_article, sentences=1, targets=("kk", "ru"), dispatch=False)
    database = app.extensions["audarma.db"]
    earlier = utcnow() - timedelta(minutes=10)
    with database.transaction() as session:
        capabilities.record_worker(session, "gpu@box", [("en", "kk")], ["multi@1"],
                                   starting=True, now=earlier)  # died ten minutes ago
        capabilities.record_worker(session, "cpu@box", [("en", "ru")], ["en_ru@1"],
                                   starting=True)
    with database.transaction() as session:
        cover = capabilities.coverage(session)
        assert cover.reporting and cover.live == {("en", "ru")}
        held = capabilities.hold_unserved(session, cover)
    kk = next(j for j in job_rows(app) if j.target_language == "kk")
    assert held == [kk.id] and kk.state == "waiting_for_model"
    assert kk.error.startswith("no worker serves en→kk since ") and earlier.isoformat(
        timespec="seconds") in kk.error
    assert next(j for j in job_rows(app) if j.target_language == "ru").state == "queued"

    with database.transaction() as session:  # the GPU box comes back
        capabilities.record_worker(session, "gpu@box", [("en", "kk")], ["multi@1"],
                                   starting=True)
        cover = capabilities.coverage(session)
        resumed = jobs.resume_waiting(session, lambda s, t: cover.serves((s, t)))
    assert resumed == [kk.id] and states(app) == {"queued": 2}


def test_the_beat_tick_holds_and_resumes_by_live_workers(app, make_article):
    from tasks.beat import tick

    queue(app, make_article, sentences=1, targets=("kk",), dispatch=False)
    database = app.extensions["audarma.db"]
    with database.transaction() as session:
        capabilities.record_worker(session, "cpu@box", [("en", "ru")], [], starting=True)
    with app.app_context():
        assert tick()["held"] == [job_rows(app)[0].id]
    with database.transaction() as session:
        capabilities.record_worker(session, "gpu@box", [("en", "kk")], [], starting=True)
    with app.app_context():
        result = tick()
    assert result["resumed"] == [job_rows(app)[0].id] and states(app) == {"queued": 1}


@pytest.mark.slow
def test_two_workers_with_different_models_split_the_pairs(make_app, make_article, argos_files,
                                                          start_worker, tmp_path):
    """Worker A has only en→ru, worker B only en→kk (separate package folders, one broker)."""
    from translations.packages import PackageStore
    from workflow.models import JobRun, TranslationJob

    app = make_app()
    folders = {}
    for name, package in (("a", "en_ru"), ("b", "en_kk")):
        folders[name] = Path(tmp_path / f"packages-{name}")
        PackageStore(folders[name]).install(argos_files[package])
    env = {"AUDARMA_INTER_THREADS": "1", "AUDARMA_INTRA_THREADS": "1"}
    start_worker(app, name="a", env_extra={**env, "AUDARMA_PACKAGES_DIR": str(folders["a"])})
    worker_b = start_worker(app, name="b",
                            env_extra={**env, "AUDARMA_PACKAGES_DIR": str(folders["b"])})
    for _ in range(3):
        queue(app, make_article, sentences=2, targets=("kk", "ru"))
    wait_for(lambda: states(app) == {"in_review": 6}, timeout=90)
    database = app.extensions["audarma.db"]
    with database.transaction() as session:
        runs = session.execute(
            select(TranslationJob.target_language, JobRun.worker)
            .join(JobRun, JobRun.job_id == TranslationJob.id)).all()
        cover = capabilities.coverage(session)
    assert {(target, worker.split("@")[0]) for target, worker in runs} == {("kk", "b"),
                                                                         ("ru", "a")}
    assert cover.live == {("en", "ru"), ("en", "kk")}

    worker_b.kill()
    later = utcnow() + timedelta(seconds=capabilities.LIVE_SECONDS + 1)
    queue(app, make_article, sentences=1, targets=("kk",))
    with database.transaction() as session:  # as the beat would see it after B's silence
        held = capabilities.hold_unserved(session, capabilities.coverage(session, now=later))
    (waiting,) = [j for j in job_rows(app) if j.state == "waiting_for_model"]
    assert held == [waiting.id] and waiting.error.startswith("no worker serves en→kk since")


def test_the_article_page_says_which_pair_has_no_worker(app, make_article, make_user):
    article_id = queue(app, make_article, sentences=1, targets=("kk",), dispatch=False)
    database = app.extensions["audarma.db"]
    with database.transaction() as session:
        capabilities.record_worker(session, "cpu@box", [("en", "ru")], [], starting=True)
        capabilities.hold_unserved(session, capabilities.coverage(session))
    make_user("editor", email="desk@caps.test")
    client = app.test_client()
    client.post("/login", data={"email": "desk@caps.test", "password": "password123"})
    page = client.get(f"/articles/{article_id}/progress").get_data(as_text=True)
    assert "No worker serves en→kk yet." in page
    client.post("/account/locale", data={"locale": "ru", "next": "/"})
    page = client.get(f"/articles/{article_id}/progress").get_data(as_text=True)
    assert "Направление en→kk пока не обслуживает ни один воркер." in page


def test_a_wake_up_goes_to_the_pair_queue_only_while_a_live_worker_reads_it(app, make_article,
                                                                           monkeypatch):
    from tasks import dispatch
    from tasks.translate import translate_job

    sent = []
    monkeypatch.setattr(translate_job, "apply_async",
                        lambda **kwargs: sent.append(kwargs["queue"]))
    database = app.extensions["audarma.db"]
    queue(app, make_article, sentences=1, targets=("kk",), dispatch=False)
    with app.app_context():
        dispatch.dispatch_pending(database)
    assert sent == ["translate"]  # nobody consumes translate.en-kk: the common queue
    with database.transaction() as session:
        capabilities.record_worker(session, "gpu@box", [("en", "kk")], [],
                                   queue_pairs=[("en", "kk")], starting=True)
    queue(app, make_article, sentences=1, targets=("kk",), priority="breaking", dispatch=False)
    with app.app_context():
        dispatch.dispatch_pending(database)
    assert sent == ["translate", "translate_breaking.en-kk"]
