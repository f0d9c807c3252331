"""Cluster drill: two workers with different models share one Redis and one PostgreSQL.

Worker A holds only en→ru and ru→en packages; worker B one multilingual kk/ru/en package, each in
its own instance and package folder, as on two machines. 60 articles in English, Russian and
Kazakh go in through the ingest service; every job must be translated by a worker that serves its
pair. Then B is killed (SIGKILL): new Kazakh jobs must wait with "no worker serves …" while
Russian ones go on; B starts again and they finish. Finally every article, job and machine segment
must be there exactly once (the same evidence as bench/fault_drill.py).

    .venv/bin/python bench/cluster_drill.py [--articles 60] \
        [--redis redis://127.0.0.1:6379/11] [--postgres postgresql://postgres@127.0.0.1:5432/postgres]

Only loopback services; the drill creates and drops its own database and flushes only its own
Redis database number. Exit code 0 when every check passed.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TEXTS = {
    "en": ("Ministers met in Astana on Monday for round {n} of the talks.",
           "They signed agreements on trade and transport."),
    "ru": ("Министры встретились в Астане в понедельник на {n}-м раунде переговоров.",
           "Они подписали соглашения о торговле и транспорте."),
    "kk": ("Министрлер дүйсенбі күні Астанада келіссөздердің {n}-кезеңінде кездесті.",
           "Олар сауда және көлік туралы келісімдерге қол қойды."),
}


def article(language: str, n: int) -> str:
    """A headline and two short paragraphs in ``language``."""
    first, second = TEXTS[language]
    return f"{first.format(n=n)[:40]}\n\n{first.format(n=n)} {second}\n\n{second}"


def start_worker(name: str, env: dict[str, str], log_dir: Path) -> subprocess.Popen:
    """A real celery worker process (as the Procfile starts it)."""
    log = open(log_dir / f"{name}.log", "w")  # noqa: SIM115
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tasks.worker", "worker", "-Q",
         "translate_breaking,translate,default", "--concurrency", "1", "--loglevel", "INFO",
         "--without-gossip", "--without-mingle", "--hostname", f"{name}@drill"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)


def wait(predicate, timeout: float, what: str) -> float:
    """Poll until ``predicate()`` is true; the seconds it took (SystemExit on timeout)."""
    started = time.time()
    while time.time() - started < timeout:
        if predicate():
            return time.time() - started
        time.sleep(0.5)
    raise SystemExit(f"timed out after {timeout:.0f} s waiting for {what}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()

    import psycopg
    import redis
    from sqlalchemy import func, select

    from tasks.dispatch import dispatch_pending
    from translations.builder import build_random_multilingual_package, build_random_package
    from translations.packages import PackageStore
    from web import create_app
    from workflow.ingest.service import ingest_text
    from workflow.migrations import upgrade
    from workflow.models import Article, JobRun, SegmentRevision, TranslationJob, WorkerHeartbeat

    redis.Redis.from_url(args.redis).flushdb()
    name = f"audarma_drill_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.postgres, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    db_url = args.postgres.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    db_url = f"{db_url}/{name}"
    checks: dict[str, bool] = {}
    workers: dict[str, subprocess.Popen] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        upgrade(db_url)
        app = create_app({"INSTANCE_DIR": str(root / "web"), "DATABASE_URL": db_url,
                          "CELERY_BROKER_URL": args.redis})
        database = app.extensions["audarma.db"]
        packages = {"a": [build_random_package(root / "en_ru.argosmodel", "en", "ru", seed=31),
                          build_random_package(root / "ru_en.argosmodel", "ru", "en", seed=32)],
                    "b": [build_random_multilingual_package(root / "multi.argosmodel", seed=33)]}
        envs = {}
        for worker, files in packages.items():
            folder = root / f"machine-{worker}"
            store = PackageStore(folder / "packages")
            for file in files:
                store.install(file)
            envs[worker] = dict(os.environ, AUDARMA_INSTANCE=str(folder), DATABASE_URL=db_url,
                                CELERY_BROKER_URL=args.redis,
                                AUDARMA_PACKAGES_DIR=str(folder / "packages"),
                                AUDARMA_INTER_THREADS="1", AUDARMA_INTRA_THREADS="1",
                                PYTHONPATH=str(ROOT))
            envs[worker].pop("REDIS_URL", None)
            workers[worker] = start_worker(worker, envs[worker], root)

        def post(count: int, start: int, languages: tuple[str, ...]) -> None:
            with app.app_context():
                for n in range(start, start + count):
                    language = languages[n % len(languages)]
                    with database.transaction() as session:
                        ingest_text(session, article(language, n), source="drill",
                                    language=language)
                dispatch_pending(database, app.extensions["celery"])

        def states() -> dict[str, int]:
            with database.transaction() as session:
                return dict(session.execute(select(TranslationJob.state, func.count())
                                            .group_by(TranslationJob.state)).all())

        def tick() -> dict:
            from tasks.beat import tick as beat_tick

            with app.app_context():
                return beat_tick()

        try:
            wait(lambda: _live(database) == {"a", "b"}, 60, "both heartbeats")
            post(args.articles, 0, ("en", "ru", "kk"))
            took = wait(lambda: set(states()) == {"in_review"}, 600, "every job translated")
            print(f"phase 1: {args.articles} articles, {sum(states().values())} jobs translated "
                  f"in {took:.0f} s")
            with database.transaction() as session:
                runs = session.execute(select(TranslationJob.source_language,
                                              TranslationJob.target_language, JobRun.worker)
                                       .join(JobRun, JobRun.job_id == TranslationJob.id)).all()
            wrong = [(s, t, w) for s, t, w in runs
                     if w.startswith("a@") and (s, t) not in {("en", "ru"), ("ru", "en")}]
            checks["each job by a worker that serves its pair"] = not wrong
            checks["worker B did the kk pairs"] = all(
                w.startswith("b@") for s, t, w in runs if "kk" in (s, t))

            os.killpg(workers["b"].pid, signal.SIGKILL)
            workers["b"].wait()
            with database.transaction() as session:  # B's heartbeat ages out (90 s); speed it up
                session.execute(WorkerHeartbeat.__table__.update()
                                .where(WorkerHeartbeat.hostname == "b@drill")
                                .values(seen_at=func.now() - timedelta(minutes=5)))
            post(9, 1000, ("en", "ru", "kk"))
            held = tick()["held"]
            with database.transaction() as session:
                waiting = session.execute(select(TranslationJob.source_language,
                                                 TranslationJob.target_language,
                                                 TranslationJob.error)
                                          .where(TranslationJob.state == "waiting_for_model")
                                          ).all()
            checks["kk jobs wait with 'no worker serves' while B is down"] = bool(held) and all(
                "kk" in (s, t) and (e or "").startswith("no worker serves") for s, t, e in waiting)
            wait(lambda: set(states()) <= {"in_review", "waiting_for_model"}, 300,
                 "the en↔ru jobs to finish without B")
            reason = waiting[0][2] if waiting else ""
            print(f"phase 2: B killed; {len(waiting)} job(s) wait: {reason}")

            workers["b"] = start_worker("b", envs["b"], root)
            wait(lambda: "b" in _live(database), 60, "B's heartbeat")
            tick()
            dispatch_pending(database, app.extensions["celery"])
            took = wait(lambda: set(states()) == {"in_review"}, 300, "the held jobs to finish")
            print(f"phase 3: B back; held jobs translated in {took:.0f} s")
            checks["held jobs finish once B is back"] = True

            with database.transaction() as session:
                articles = session.scalar(select(func.count()).select_from(Article))
                duplicates = session.execute(
                    select(SegmentRevision.translation_id, func.count())
                    .where(SegmentRevision.kind == "machine")
                    .group_by(SegmentRevision.translation_id).having(func.count() > 1)).all()
            checks["every article stored once"] = articles == args.articles + 9
            checks["every machine segment written once"] = not duplicates
        finally:
            for process in workers.values():
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=20)
            database.dispose()
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    for check, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {check}")
    return 0 if checks and all(checks.values()) else 1


def _live(database) -> set[str]:
    """Workers (a, b) whose heartbeat is fresh."""
    from sqlalchemy import select

    from workflow.db import utcnow
    from workflow.jobs.capabilities import LIVE_SECONDS
    from workflow.models import WorkerHeartbeat

    with database.transaction() as session:
        cover_rows = session.scalars(select(WorkerHeartbeat)).all()
        fresh = utcnow() - timedelta(seconds=LIVE_SECONDS)
        return {row.hostname.split("@")[0] for row in cover_rows if row.seen_at >= fresh}


if __name__ == "__main__":
    raise SystemExit(main())
