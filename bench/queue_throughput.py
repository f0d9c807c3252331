"""Queue throughput: accept N articles through the API, then jobs/minute of 1 and 2 workers.

Acceptance goes through the Flask test client in this process (the full request path: bearer
key, ingest, job creation, commit, wake-up messages), without a network hop. Workers are real
``celery worker`` processes with a tiny random-weight package, so the figure is the queue's
overhead plus a small model, not real MT speed (see bench/mt_throughput.py for that).

    .venv/bin/python bench/queue_throughput.py                       # SQLite + filesystem broker
    .venv/bin/python bench/queue_throughput.py --redis redis://127.0.0.1:6379/12 \
        --postgres postgresql://postgres@127.0.0.1:5432/postgres        # Redis + PostgreSQL
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

SENTENCES = ("Leaders met in Astana on Monday for talks number {n}.",
             "They signed two agreements on trade and transport.",
             "Officials said the next meeting is planned for next year.",
             "Journalists waited outside the hall for several hours.")


def article_body(n: int, paragraphs: int) -> str:
    """A small news article: a headline and ``paragraphs`` paragraphs of two sentences."""
    parts = [f"Summit number {n} opens in Astana"]
    for p in range(paragraphs):
        parts.append(" ".join(SENTENCES[(p * 2 + i) % 4].format(n=n) for i in range(2)))
    return "\n\n".join(parts)


@contextlib.contextmanager
def fresh_database(postgres_admin: str | None, workdir: Path):
    """A new empty database: a SQLite file, or a PostgreSQL database dropped afterwards."""
    if not postgres_admin:
        yield f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:6]}.db'}"
        return
    import psycopg

    name = f"audarma_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_admin.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(postgres_admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_app(instance: Path, database_url: str, broker: str | None):
    """An Audarma app on its own instance directory with the schema migrated."""
    from web import create_app
    from workflow.migrations import upgrade

    if broker and broker.startswith("redis"):
        import redis

        redis.Redis.from_url(broker).flushdb()
    config = {"INSTANCE_DIR": str(instance), "DATABASE_URL": database_url,
              "RATELIMIT_ENABLED": False}
    if broker:
        config["CELERY_BROKER_URL"] = broker
    app = create_app(config)
    upgrade(app.config["DATABASE_URL"])
    return app


def accept(app, articles: int, paragraphs: int) -> dict:
    """POST ``articles`` articles to /api/v1/articles; returns timings."""
    from workflow.partners.keys import issue_key
    from workflow.users import create_user

    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        user = create_user(session, "bench@example.test", "password123", ["editor"])
        secret = issue_key(session, user_id=user.id)[1]
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    latencies = []
    started = time.perf_counter()
    for n in range(articles):
        t0 = time.perf_counter()
        response = client.post("/api/v1/articles", headers=headers,
                               json={"body": article_body(n, paragraphs), "language": "en"})
        latencies.append(time.perf_counter() - t0)
        if response.status_code != 201:
            raise SystemExit(f"article {n}: {response.status_code} {response.get_data()[:300]}")
    total = time.perf_counter() - started
    latencies.sort()
    return {"articles": articles, "seconds": total, "per_second": articles / total,
            "p50_ms": statistics.median(latencies) * 1000,
            "p95_ms": latencies[max(int(len(latencies) * 0.95) - 1, 0)] * 1000,
            "max_ms": latencies[-1] * 1000}


def start_workers(app, count: int, threads: str, replicas: str = "1") -> list[subprocess.Popen]:
    """``count`` real celery workers (concurrency 1 each) for the app's instance, each with
    ``replicas`` CTranslate2 replicas (inter threads) of ``threads`` intra threads."""
    env = dict(os.environ, AUDARMA_INSTANCE=app.config["INSTANCE_DIR"],
               DATABASE_URL=app.config["DATABASE_URL"],
               CELERY_BROKER_URL=app.config["CELERY"]["broker_url"],
               AUDARMA_PACKAGES_DIR=app.config["PACKAGES_DIR"], AUDARMA_INTRA_THREADS=threads,
               AUDARMA_INTER_THREADS=replicas)
    procs = []
    for i in range(count):
        log = open(Path(app.config["INSTANCE_DIR"]) / f"worker{i}.log", "w")  # noqa: SIM115
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tasks.worker", "worker", "-Q",
             "translate_breaking,translate,default", "--concurrency", "1", "--loglevel",
             "WARNING", "--without-gossip", "--without-mingle", "--hostname", f"bench{i}@%h"],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
    celery = app.extensions["celery"]
    deadline = time.time() + 60
    while time.time() < deadline:
        replies = celery.control.ping(timeout=0.5) or []
        if len({key for reply in replies for key in reply}) >= count:
            return procs
    raise SystemExit("workers did not answer a ping within 60 s")


def stop_workers(procs: list[subprocess.Popen]) -> None:
    """SIGTERM, then SIGKILL, each worker's process group."""
    import signal

    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def queue_articles(app, jobs_wanted: int, paragraphs: int, targets: tuple[str, ...]) -> float:
    """Ingest enough English articles for ``jobs_wanted`` jobs, then send their wake-ups; the
    time they were sent (inside an app context)."""
    from tasks.dispatch import dispatch_pending
    from workflow.ingest.service import ingest_body

    db = app.extensions["audarma.db"]
    with db.transaction() as session:
        for n in range(jobs_wanted // len(targets)):
            ingest_body(session, article_body(n, paragraphs), "text", source="bench",
                        language="en", external_id=f"bench-{n}", targets=list(targets))
    started = time.perf_counter()
    dispatch_pending(db, app.extensions["celery"], limit=100_000)
    return started


def throughput(app, workers: int, jobs_wanted: int, paragraphs: int, timeout: float,
               package: Path, threads: str, targets: tuple[str, ...] = ("kk", "ru"),
               replicas: str = "1") -> dict:
    """Queue ``jobs_wanted`` jobs (two per article) and time ``workers`` workers through them."""
    from sqlalchemy import func, select

    from translations.packages import PackageStore
    from workflow.models import TranslationJob

    PackageStore(Path(app.config["PACKAGES_DIR"])).install(package)
    db = app.extensions["audarma.db"]
    procs = start_workers(app, workers, threads, replicas)
    try:
        with app.app_context():
            started = queue_articles(app, jobs_wanted, paragraphs, targets)
        done = 0
        while time.perf_counter() - started < timeout:
            with db.transaction() as session:
                done = session.scalar(select(func.count()).select_from(TranslationJob)
                                      .where(TranslationJob.state == "in_review"))
            if done >= jobs_wanted:
                break
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
    finally:
        stop_workers(procs)
    return {"workers": workers, "jobs": done, "seconds": elapsed,
            "jobs_per_minute": done / elapsed * 60, "complete": done >= jobs_wanted}


def breaking_latency(app, jobs_wanted: int, paragraphs: int, timeout: float, package: Path,
                     threads: str, targets: tuple[str, ...] = ("kk", "ru"),
                     replicas: str = "1") -> dict:
    """One worker busy with ``jobs_wanted`` normal jobs; a breaking article arrives after the
    first ten are done: seconds until its first machine segment is stored (reviewable), and the
    normal jobs' throughput over the whole run."""
    from sqlalchemy import func, select

    from tasks.dispatch import dispatch_pending
    from translations.packages import PackageStore
    from workflow.ingest.service import ingest_body
    from workflow.models import TranslationJob

    PackageStore(Path(app.config["PACKAGES_DIR"])).install(package)
    db = app.extensions["audarma.db"]
    procs = start_workers(app, 1, threads, replicas)

    def normal_done() -> int:
        with db.transaction() as session:
            return session.scalar(select(func.count()).select_from(TranslationJob).where(
                TranslationJob.state == "in_review", TranslationJob.priority == "normal"))

    try:
        with app.app_context():
            started = queue_articles(app, jobs_wanted, paragraphs, targets)
            while normal_done() < 10 and time.perf_counter() - started < timeout:
                time.sleep(0.1)
            with db.transaction() as session:
                result = ingest_body(session, article_body(99_999, paragraphs), "text",
                                     source="bench", language="en", priority="breaking",
                                     external_id="bench-breaking", targets=list(targets))
                breaking_article = result.article.id
            posted = time.perf_counter()
            dispatch_pending(db, app.extensions["celery"], limit=100_000)
        latency = None
        while time.perf_counter() - started < timeout:
            with db.transaction() as session:
                first = session.scalars(select(TranslationJob.first_segment_at).where(
                    TranslationJob.article_id == breaking_article)).all()
            if first and all(first):
                latency = time.perf_counter() - posted
                break
            time.sleep(0.05)
        while normal_done() < jobs_wanted and time.perf_counter() - started < timeout:
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        done = normal_done()
    finally:
        stop_workers(procs)
    return {"latency": latency, "jobs": done, "jobs_per_minute": done / elapsed * 60,
            "complete": done >= jobs_wanted}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000, help="articles to POST (1000)")
    parser.add_argument("--jobs", type=int, default=200, help="jobs per worker run (200)")
    parser.add_argument("--paragraphs", type=int, default=3,
                        help="paragraphs of two sentences per article (3: 7 segments)")
    parser.add_argument("--workers", default="1,2", help="worker counts to measure (1,2)")
    parser.add_argument("--timeout", type=float, default=180, help="cap per worker run, s")
    parser.add_argument("--threads", default="1", help="CTranslate2 intra threads per replica")
    parser.add_argument("--replicas", default="1",
                        help="CTranslate2 replicas (AUDARMA_INTER_THREADS) per worker (1; the "
                        "product's default is 2, which already puts one worker on both cores)")
    parser.add_argument("--redis", help="Redis broker URL (its db is FLUSHED); default embedded")
    parser.add_argument("--postgres", help="PostgreSQL admin URL; temp databases are created")
    parser.add_argument("--breaking", action="store_true",
                        help="also: a breaking article arriving behind the normal jobs, 1 worker")
    parser.add_argument("--size", default="tiny", choices=("tiny", "base"),
                        help="random model size (base: about a second per sentence)")
    args = parser.parse_args()

    from translations.builder import build_random_multilingual_package

    with tempfile.TemporaryDirectory(prefix="audarma-bench-") as tmp:
        work = Path(tmp)
        setup = (f"database {'PostgreSQL' if args.postgres else 'SQLite (WAL)'}, broker "
                 f"{'Redis' if args.redis else 'filesystem'}, {os.cpu_count()} CPUs, each "
                 f"worker {args.replicas} replica(s) × {args.threads} thread(s)")
        print(f"# queue throughput: {setup}")
        with fresh_database(args.postgres, work) as url:
            app = make_app(work / "accept", url, args.redis)
            result = accept(app, args.articles, args.paragraphs)
            app.extensions["audarma.db"].dispose()
        print(f"accept {result['articles']} articles via the API (Flask test client): "
              f"{result['seconds']:.1f} s, {result['per_second']:.0f}/s, "
              f"p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms, "
              f"max {result['max_ms']:.0f} ms (first request loads language detection)")
        targets = ("kk", "ru") if args.size == "tiny" else ("kk",)
        if args.size == "tiny":
            package = build_random_multilingual_package(work / "tiny.argosmodel", seed=5)
        else:
            from translations.builder import build_random_package

            package = build_random_package(work / "base.argosmodel", "en", "kk", size="base",
                                           seed=21)
            print("base-size random en→kk package: one job per article (kk only)")
        for count in (int(c) for c in args.workers.split(",")):
            with fresh_database(args.postgres, work) as url:
                app = make_app(work / f"workers{count}", url, args.redis)
                result = throughput(app, count, args.jobs, args.paragraphs, args.timeout,
                                    package, args.threads, targets, args.replicas)
                app.extensions["audarma.db"].dispose()
            flag = "" if result["complete"] else " (TIMED OUT, partial)"
            print(f"{count} worker(s): {result['jobs']} jobs in {result['seconds']:.1f} s = "
                  f"{result['jobs_per_minute']:.0f} jobs/min{flag}")
        if args.breaking:
            with fresh_database(args.postgres, work) as url:
                app = make_app(work / "breaking", url, args.redis)
                result = breaking_latency(app, args.jobs, args.paragraphs, args.timeout,
                                          package, args.threads, targets, args.replicas)
                app.extensions["audarma.db"].dispose()
            latency = f"{result['latency']:.1f} s" if result["latency"] else "not reached"
            print(f"breaking article behind {args.jobs} normal jobs on 1 worker: first segment "
                  f"stored {latency} after it was posted; normal jobs meanwhile "
                  f"{result['jobs_per_minute']:.0f} jobs/min"
                  f"{'' if result['complete'] else ' (TIMED OUT, partial)'}")


if __name__ == "__main__":
    main()
