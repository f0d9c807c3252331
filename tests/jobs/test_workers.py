"""Real worker processes over real Redis and PostgreSQL: killed, starved of a broker, doubled."""

from __future__ import annotations

import time

import pytest

from tests.conftest import wait_for
from tests.jobs.conftest import exactly_once_report, job_rows, pg, queue, states


def _api_key(app, make_user) -> str:
    from workflow.partners.keys import issue_key

    user_id = make_user("editor", app=app)
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        return issue_key(session, user_id=user_id, label="tests")[1]


def _post_article(client, key: str, n: int, **extra):
    body = (f"Summit number {n} opens in Astana\n\nLeaders met on Monday for talks {n}. "
            "They signed two agreements.\n\nThe next meeting is planned for next year.")
    return client.post("/api/v1/articles", json={"body": body, "language": "en", **extra},
                       headers={"Authorization": f"Bearer {key}"})


@pytest.mark.services
def test_sigkill_mid_job_then_a_new_worker_translates_each_segment_once(
        make_app, redis_url, postgres_url, make_article, base_package, start_worker):
    from translations.packages import PackageStore

    app = make_app(CELERY_BROKER_URL=redis_url, DATABASE_URL=pg(postgres_url),
                   JOB_LEASE_SECONDS=5)
    PackageStore(app.config["PACKAGES_DIR"]).install(base_package)
    env = {"AUDARMA_JOB_BATCH_SIZE": "4", "AUDARMA_JOB_BATCH_MAX": "4",
           "AUDARMA_JOB_TICK_SECONDS": "1",
           "AUDARMA_INTER_THREADS": "1", "AUDARMA_INTRA_THREADS": "1"}
    doomed = start_worker(app, env_extra=env)
    queue(app, make_article, sentences=119, targets=("kk",))  # 120 segments with the title
    wait_for(lambda: job_rows(app)[0].segments_done >= 4, timeout=60, interval=0.05)
    doomed.kill()  # SIGKILL the whole process group in the middle of the job
    killed_at = job_rows(app)[0]
    assert killed_at.state == "translating" and 4 <= killed_at.segments_done < 120

    # its beat re-queues the job once the lease ends (and resends the wake-up should the shared
    # Redis lose it: other test runs on this machine flush its test db)
    start_worker(app, env_extra={**env, "AUDARMA_JOB_REDISPATCH_SECONDS": "3"}, beat=True)
    wait_for(lambda: states(app) == {"in_review": 1}, timeout=60)
    job = job_rows(app)[0]
    assert job.segments_done == job.segments_total == 120
    evidence = exactly_once_report(app)
    assert evidence["rows"] == evidence["machine"] == 120
    assert evidence["revisions_per_row"] == [1]  # machine text written once per segment
    assert evidence["run_total"] == 120  # no segment translated by both workers
    outcomes = [outcome for _job, outcome, _n in evidence["runs"]]
    assert outcomes == ["lost", "done"], evidence["runs"]
    assert evidence["runs"][0][2] == killed_at.segments_done


@pytest.mark.services
def test_articles_accepted_while_redis_is_down_are_translated_when_it_returns(
        make_app, private_redis, postgres_url, make_user, make_article, install_models,
        start_worker):
    app = make_app(CELERY_BROKER_URL=private_redis.url, DATABASE_URL=pg(postgres_url))
    install_models("multi", app=app)
    key = _api_key(app, make_user)
    client = app.test_client()
    before = [_post_article(client, key, n) for n in range(2)]  # messages reach Redis...
    assert [r.status_code for r in before] == [201, 201]
    private_redis.stop()  # ...and die with it (no persistence): the database still has the jobs
    started = time.monotonic()
    during = [_post_article(client, key, n) for n in range(2, 5)]
    assert [r.status_code for r in during] == [201] * 3, during[0].get_json()
    assert time.monotonic() - started < 30  # accepted promptly, not hung on the broker
    assert all(j.state == "queued" for j in job_rows(app)) and len(job_rows(app)) == 10
    assert sum(j.needs_dispatch for j in job_rows(app)) == 6  # the outbox holds their wake-ups

    private_redis.start()  # an empty Redis: two articles' messages are gone for good
    # one job per claim, so the six surviving wake-ups cannot carry the four lost ones
    start_worker(app, beat=True, env_extra={"AUDARMA_JOB_TICK_SECONDS": "1",
                                            "AUDARMA_JOB_REDISPATCH_SECONDS": "1",
                                            "AUDARMA_JOB_MAX_SEGMENTS": "1"})
    wait_for(lambda: states(app) == {"in_review": 10}, timeout=60)
    assert all(len(j.runs) == 1 for j in job_rows(app))
    article = client.get(f"/api/v1/articles/{during[0].get_json()['id']}",
                         headers={"Authorization": f"Bearer {key}"}).get_json()
    progress = {e["language"]: (e["job_state"], e["progress"]) for e in article["editions"]
                if not e["source"]}
    assert progress == {"kk": ("in_review", {"done": 4, "total": 4}),
                        "ru": ("in_review", {"done": 4, "total": 4})}


def _two_workers_run_each_job_once(app, make_article, install_models, start_worker, articles):
    from tasks.dispatch import dispatch_pending

    install_models("multi", app=app)
    one = start_worker(app, concurrency=1, env_extra={"AUDARMA_JOB_MAX_SEGMENTS": "8"})
    two = start_worker(app, concurrency=1, env_extra={"AUDARMA_JOB_MAX_SEGMENTS": "8"})
    for _ in range(articles):
        queue(app, make_article, sentences=3, targets=("kk", "ru"), dispatch=False)
    with app.app_context():  # every wake-up at once, both workers idle and listening
        assert dispatch_pending(app.extensions["audarma.db"]) == articles * 2
    wait_for(lambda: states(app) == {"in_review": articles * 2}, timeout=90)
    runs = [(run.job_id, run.worker, run.outcome) for j in job_rows(app) for run in j.runs]
    assert sorted(job_id for job_id, _w, _o in runs) == [j.id for j in job_rows(app)]
    assert {outcome for _j, _w, outcome in runs} == {"done"}
    evidence = exactly_once_report(app)
    assert evidence["revisions_per_row"] == [1] and evidence["run_total"] == articles * 2 * 4
    workers = {w.split("@")[0] for _j, w, _o in runs}
    assert workers == {one.name, two.name}  # both really worked
    for worker in (one, two):
        assert "database is locked" not in worker.log_path.read_text()
        worker.kill()  # all done; skip the slow warm shutdown


@pytest.mark.services
def test_two_workers_on_redis_and_postgresql_run_each_job_once(
        make_app, redis_url, postgres_url, make_article, install_models, start_worker):
    app = make_app(CELERY_BROKER_URL=redis_url, DATABASE_URL=pg(postgres_url))
    _two_workers_run_each_job_once(app, make_article, install_models, start_worker, 20)


def test_two_workers_on_the_embedded_sqlite_default_run_each_job_once(
        app, make_article, install_models, start_worker):
    _two_workers_run_each_job_once(app, make_article, install_models, start_worker, 10)


@pytest.mark.services
def test_breaking_news_finishes_before_the_normal_backlog(
        make_app, redis_url, postgres_url, make_article, base_package, argos_files,
        start_worker):
    from translations.packages import PackageStore

    app = make_app(CELERY_BROKER_URL=redis_url, DATABASE_URL=pg(postgres_url))
    store = PackageStore(app.config["PACKAGES_DIR"])
    store.install(base_package)  # normal en→kk jobs: about a second per sentence
    store.install(argos_files["en_ru"])  # the breaking en→ru job: tiny and quick
    worker = start_worker(app, env_extra={"AUDARMA_JOB_BATCH_SIZE": "2",
                                          "AUDARMA_JOB_BATCH_MAX": "2",
                                          "AUDARMA_INTER_THREADS": "1",
                                          "AUDARMA_INTRA_THREADS": "1"})
    for _ in range(10):
        queue(app, make_article, sentences=8, targets=("kk",))
    wait_for(lambda: any(j.segments_done for j in job_rows(app)), timeout=60, interval=0.05)
    queue(app, make_article, sentences=2, targets=("ru",), priority="breaking")
    wait_for(lambda: job_rows(app)[-1].state == "in_review", timeout=30)
    normal = job_rows(app)[:-1]
    waiting = [j for j in normal if j.state != "in_review"]
    assert len(waiting) >= 7, [(j.id, j.state, j.segments_done) for j in normal]
    worker.kill()  # the backlog is not this test's business
