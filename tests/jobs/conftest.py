"""Job-queue fixtures: a fake engine for unit tests, helpers to queue articles and read jobs."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tests.conftest import need
from tests.engines import FakeEngine  # noqa: F401  (the jobs tests import it from here)
from workflow.models import JobRun, SegmentTranslation, TranslationJob
from workflow.models.review import SegmentRevision

SENTENCES = ["Astana hosted the summit on Monday.", "Leaders signed two agreements.",
             "The next meeting is planned for 2026.", "Officials praised the talks.",
             "Trade grew by ten percent.", "Journalists waited outside the hall."]


def paragraphs(count: int) -> list[list[str]]:
    """``count`` sentences (plus the title segment) in paragraphs of three."""
    items = [SENTENCES[i % len(SENTENCES)].replace(".", f" ({i}).") for i in range(count)]
    return [items[i:i + 3] for i in range(0, count, 3)]


def queue(app, make_article, *, sentences: int = 2, targets=("kk", "ru"), priority="normal",
          language="en", dispatch: bool = True) -> int:
    """Create an article, its jobs, commit, then (optionally) send the wake-up messages."""
    from tasks.dispatch import dispatch_pending
    from workflow.jobs import queue as jobs
    from workflow.models import Article

    db = app.extensions["audarma.db"]
    article_id = make_article(paragraphs(sentences), language=language, app=app,
                              priority=priority)
    with app.app_context():
        with db.transaction() as session:
            jobs.create_jobs(session, session.get(Article, article_id), list(targets), priority)
        if dispatch:
            dispatch_pending(db, app.extensions["celery"])
    return article_id


def job_rows(app) -> list[TranslationJob]:
    """Every job, freshly read."""
    db = app.extensions["audarma.db"]
    with db.transaction() as session:
        return list(session.scalars(select(TranslationJob).order_by(TranslationJob.id)
                                    .options(selectinload(TranslationJob.runs))))


def states(app) -> dict[str, int]:
    """Number of jobs per state."""
    counts: dict[str, int] = {}
    for job in job_rows(app):
        counts[job.state] = counts.get(job.state, 0) + 1
    return counts


def exactly_once_report(app) -> dict:
    """Per-segment evidence that machine text was written once: revisions, runs, rows."""
    db = app.extensions["audarma.db"]
    with db.transaction() as session:
        rows = session.scalars(select(SegmentTranslation)).all()
        revisions = dict(session.execute(
            select(SegmentRevision.translation_id, func.count())
            .where(SegmentRevision.kind == "machine").group_by(SegmentRevision.translation_id)
        ).all())
        runs = session.scalars(select(JobRun).order_by(JobRun.id)).all()
        return {
            "rows": len(rows),
            "machine": sum(1 for r in rows if r.state == "machine" and r.machine_text),
            "revisions_per_row": sorted({revisions.get(r.id, 0) for r in rows}),
            "run_total": sum(run.segments_translated for run in runs),
            "runs": [(run.job_id, run.outcome, run.segments_translated) for run in runs],
        }


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A private, non-persistent redis-server on its own port (the shared one stays up)."""

    def __init__(self, port: int, workdir: Path) -> None:
        self.port = port
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None


@pytest.fixture
def private_redis(tmp_path):
    """Factory-free: a started private Redis the test may stop and start again."""
    need(shutil.which("redis-server") is not None, "redis-server is not installed")
    server = RedisServer(free_port(), tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def base_package(tmp_path_factory) -> Path:
    """A random-weight en→kk package of 'base' size: about a second per sentence on 2 cores."""
    from translations.builder import build_random_package

    out = tmp_path_factory.mktemp("argos-base")
    return build_random_package(out / "en_kk_base.argosmodel", "en", "kk", size="base", seed=21)


def pg(url: str) -> str:
    """The SQLAlchemy URL for a postgres_url fixture value."""
    return url.replace("postgresql://", "postgresql+psycopg://")
