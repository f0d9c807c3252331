"""Shared fixtures: an app per test on its own instance directory, real services when present."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REQUIRE_SERVICES = os.environ.get("AUDARMA_REQUIRE_SERVICES") == "1"
PG_ADMIN_URL = os.environ.get("AUDARMA_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_TEST_URL = os.environ.get("AUDARMA_TEST_REDIS", "redis://127.0.0.1:6379/14")


def need(condition: bool, reason: str) -> None:
    """Skip with ``reason`` on a machine without the service; fail instead in CI."""
    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing in CI: {reason}")
    pytest.skip(reason)


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def make_app(tmp_path: Path):
    """Factory: a Flask app on a fresh instance directory (SQLite, filesystem broker)."""
    from web import create_app
    from workflow.db import Base

    apps = []

    def _make(**overrides):
        instance = overrides.pop("INSTANCE_DIR", tmp_path / f"instance{len(apps)}")
        config = {"INSTANCE_DIR": str(instance), "TESTING": True, "WTF_CSRF_ENABLED": False,
                  "RATELIMIT_ENABLED": False, **overrides}
        schema = config.pop("SCHEMA", "create_all")
        app = create_app(config)
        if schema == "migrate":
            from workflow.migrations import upgrade

            upgrade(app.config["DATABASE_URL"])
        elif schema == "create_all":
            Base.metadata.create_all(app.extensions["audarma.db"].engine)
        apps.append(app)
        return app

    yield _make
    for app in apps:
        app.extensions["audarma.db"].dispose()


@pytest.fixture
def app(make_app):
    """The default test app."""
    return make_app()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture
def live_app(make_app):
    """An app with CSRF on (as in production) served by a werkzeug thread on a random port."""
    import threading

    from werkzeug.serving import make_server

    app = make_app(WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def db(app):
    """The app's Database (engine + scoped session)."""
    return app.extensions["audarma.db"]


@pytest.fixture
def session(app, db):
    """A session inside an app context."""
    with app.app_context():
        yield db.session


@pytest.fixture
def client(app):
    """A Flask test client."""
    return app.test_client()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the local server, dropped afterwards."""
    need(_port_open("127.0.0.1", 5432), "PostgreSQL is not running on 127.0.0.1:5432")
    import psycopg

    name = f"audarma_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis_url() -> str:
    """The local Redis (db 14, flushed before the test)."""
    need(_port_open("127.0.0.1", 6379), "Redis is not running on 127.0.0.1:6379")
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL)
    client.flushdb()
    client.close()
    return REDIS_TEST_URL


@pytest.fixture(scope="session")
def argos_files(tmp_path_factory) -> dict[str, Path]:
    """Tiny real .argosmodel files built once: en→kk, en→ru, ru→en, kk→en and multilingual."""
    from translations.builder import build_random_multilingual_package, build_random_package

    out = tmp_path_factory.mktemp("argos-shared")
    return {
        "en_kk": build_random_package(out / "en_kk.argosmodel", "en", "kk", seed=10),
        "en_ru": build_random_package(out / "en_ru.argosmodel", "en", "ru", seed=11),
        "ru_en": build_random_package(out / "ru_en.argosmodel", "ru", "en", seed=12),
        "kk_en": build_random_package(out / "kk_en.argosmodel", "kk", "en", seed=13),
        "multi": build_random_multilingual_package(out / "multi.argosmodel", seed=14),
    }


@pytest.fixture
def install_models(request, argos_files):
    """Install some of the shared packages into an app's packages directory (default: ``app``)."""
    from translations.packages import PackageStore

    def _install(*names: str, app=None):
        app = app or request.getfixturevalue("app")
        store = PackageStore(Path(app.config["PACKAGES_DIR"]))
        for name in names or ("multi",):
            store.install(argos_files[name])
        return store

    return _install


@pytest.fixture
def make_user(request):
    """Factory: a user with roles and languages; the password is ``password123``."""
    from workflow.users import create_user

    counter = iter(range(1, 10_000))

    def _make(*roles: str, languages: str | list[str] | None = None, email: str | None = None,
              app=None):
        app = app or request.getfixturevalue("app")
        db = app.extensions["audarma.db"]
        with app.app_context(), db.transaction() as session:
            user = create_user(session, email or f"user{next(counter)}@example.test",
                               "password123", list(roles or ("translator",)),
                               languages=languages)
            return user.id

    return _make


@pytest.fixture
def make_article(request):
    """Factory: an article with one paragraph block per given paragraph, one segment per sentence.

    It writes rows directly (no ingest parsing) so job and review tests do not depend on ingest.
    """
    from workflow.memory import source_hash
    from workflow.models import Article, Block, Segment

    counter = iter(range(1, 1_000_000))

    def _make(paragraphs: list[list[str]], language: str = "en", title: str = "Test article",
              priority: str = "normal", app=None) -> int:
        app = app or request.getfixturevalue("app")
        db = app.extensions["audarma.db"]
        n = next(counter)
        with app.app_context(), db.transaction() as session:
            article = Article(title=title, source_language=language, language_confidence=1.0,
                              source_key=f"test-{n}-{uuid.uuid4().hex}", content_hash="x" * 64,
                              priority=priority)
            session.add(article)
            position = 0
            block = Block(article=article, position=0, kind="title", text=title)
            session.add(block)
            session.add(Segment(article=article, block=block, sid="s0", position=position,
                                source_text=title, source_hash=source_hash(title),
                                end_offset=len(title)))
            for index, sentences in enumerate(paragraphs, start=1):
                block = Block(article=article, position=index, kind="paragraph",
                              text=" ".join(sentences))
                session.add(block)
                for sentence in sentences:
                    position += 1
                    session.add(Segment(article=article, block=block, sid=f"s{position}",
                                        position=position, source_text=sentence,
                                        source_hash=source_hash(sentence),
                                        end_offset=len(sentence)))
            session.flush()
            return article.id

    return _make


class WorkerProcess:
    """A real ``celery worker`` process for an app's instance, database and broker."""

    def __init__(self, app, env_extra: dict[str, str] | None = None, concurrency: int = 1,
                 beat: bool = False, name: str | None = None) -> None:
        import subprocess
        import sys

        self.app = app
        self.name = name or f"w{uuid.uuid4().hex[:6]}"
        env = dict(os.environ)
        env.update({
            "AUDARMA_INSTANCE": app.config["INSTANCE_DIR"],
            "DATABASE_URL": app.config["DATABASE_URL"],
            "CELERY_BROKER_URL": app.config["CELERY"]["broker_url"],
            "AUDARMA_PACKAGES_DIR": app.config["PACKAGES_DIR"],
            "AUDARMA_JOB_LEASE_SECONDS": str(app.config["JOB_LEASE_SECONDS"]),
        })
        env.pop("REDIS_URL", None)
        env.update(env_extra or {})
        argv = [sys.executable, "-m", "celery", "-A", "tasks.worker", "worker",
                "-Q", "translate_breaking,translate,default", "--concurrency", str(concurrency),
                "--loglevel", "INFO", "--without-gossip", "--without-mingle",
                "--hostname", f"{self.name}@%h"]
        if beat:
            argv += ["--beat", "--schedule",
                     os.path.join(app.config["INSTANCE_DIR"], f"beat-{self.name}")]
        self.log_path = Path(app.config["INSTANCE_DIR"]) / f"{self.name}.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115
        self.proc = subprocess.Popen(argv, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def wait_ready(self, timeout: float = 40.0) -> None:
        """Block until the worker answers a Celery ping."""
        import time

        celery = self.app.extensions["celery"]
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{self.log_path.read_text()[-3000:]}")
            replies = celery.control.ping(timeout=0.5) or []
            if any(self.name in key for reply in replies for key in reply):
                return
        raise TimeoutError(f"worker not ready:\n{self.log_path.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the whole worker process group (parent and pool children)."""
        import signal

        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        """Ask the worker to finish (SIGTERM), killing it if it lingers."""
        import signal
        import subprocess

        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                self.kill()
        self.log.close()


@pytest.fixture
def start_worker():
    """Factory: start real worker processes; all are stopped after the test."""
    workers: list[WorkerProcess] = []

    def _start(app, **kwargs) -> WorkerProcess:
        worker = WorkerProcess(app, **kwargs)
        workers.append(worker)
        worker.wait_ready()
        return worker

    yield _start
    for worker in workers:
        worker.stop()


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.2):
    """Poll ``predicate`` until it returns something truthy; fail with a clear message."""
    import time

    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


@pytest.fixture
def count_queries():
    """Context manager factory: ``with count_queries(app) as sql:`` lists every statement the
    app's engine sends meanwhile (guards the "a fixed number of queries per page" claims)."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def _count(app):
        engine = app.extensions["audarma.db"].engine
        statements: list[str] = []

        def _seen(_conn, _cursor, statement, _params, _context, _many):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", _seen)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", _seen)

    return _count
