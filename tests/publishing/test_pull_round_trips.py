"""What a partner pull costs in PostgreSQL round trips, counted with libpq's protocol trace.

A cached feed hit (304, access log buffered) should reach the database once: the key and its
partner in one uncached query (so a revoked key fails on its very next pull), without a pool
pre-ping, ``BEGIN`` or the reset ``ROLLBACK``. Writes that a pull still makes must commit.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event

import web.feeds
import web.partner_access
from tests.publishing.conftest import bearer
from workflow.partners.access_log_buffer import AccessLogBuffer
from workflow.publishing.feed_cache import latest_change


class RoundTrips:
    """libpq's trace of every connection the engine opens; one ``ReadyForQuery`` = one trip."""

    def __init__(self, engine, path: Path) -> None:
        self.path = path
        self.path.write_text("")
        self._fds: list[int] = []
        event.listen(engine, "connect", self._trace)
        engine.dispose()  # connections opened before now are not traced: drop them

    def _trace(self, dbapi_connection, _record) -> None:
        from psycopg import pq

        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        self._fds.append(fd)
        dbapi_connection.pgconn.trace(fd)
        dbapi_connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS
                                                | pq.Trace.REGRESS_MODE)

    @contextlib.contextmanager
    def during(self) -> Iterator[list[str]]:
        """Collects the messages sent (``F ...``) and the round trips made inside the block."""
        start = self.path.stat().st_size
        seen: list[str] = []
        yield seen
        with self.path.open() as trace:
            trace.seek(start)
            for line in trace.read().splitlines():
                if line.startswith("F\t") or "ReadyForQuery" in line:
                    seen.append(line[:120])

    def close(self) -> None:
        for fd in self._fds:
            with contextlib.suppress(OSError):
                os.close(fd)


def trips(lines: list[str]) -> int:
    return sum("ReadyForQuery" in line for line in lines)


@pytest.fixture
def app(make_app, postgres_url):
    """These tests count PostgreSQL's protocol: they need the server."""
    return make_app(DATABASE_URL=postgres_url)


@pytest.fixture
def traced(app, tmp_path):
    counter = RoundTrips(app.extensions["audarma.db"].engine, tmp_path / "libpq.trace")
    yield counter
    counter.close()


@pytest.fixture
def buffered(monkeypatch):
    """The access log buffered as in production (written only by an explicit flush here), and
    the feed marker kept for an hour so the measured pull does not refresh it."""
    buffer = AccessLogBuffer(max_age=3600, max_rows=10_000)
    monkeypatch.setattr(web.partner_access, "_BUFFER", buffer)
    monkeypatch.setattr(web.feeds, "latest_change",
                        lambda session, languages=None: latest_change(
                            session, languages, max_age=3600))
    return buffer


@pytest.fixture
def published(make_story, publish):
    story = make_story()
    publish("publish_edition", story["kk"], None)
    return story


def test_a_buffered_304_pull_is_one_round_trip(app, client, published, make_partner, traced,
                                               buffered):
    _pid, _kid, secret = make_partner(languages="kk")
    first = client.get("/feeds/kk.rss", headers=bearer(secret))  # connects, notes last use
    assert first.status_code == 200
    conditional = {**bearer(secret), "If-None-Match": first.headers["ETag"]}
    assert client.get("/feeds/kk.rss", headers=conditional).status_code == 304
    with traced.during() as sent:
        response = client.get("/feeds/kk.rss", headers=conditional)
    assert response.status_code == 304
    assert trips(sent) == 1, "\n".join(sent)  # the key and partner; no ping, BEGIN, ROLLBACK
    assert not any('"BEGIN"' in line or '"ROLLBACK"' in line for line in sent)
    assert buffered.flush() == 3  # every pull is still logged


def test_the_once_a_minute_key_write_still_commits(app, client, published, make_partner, traced,
                                                   buffered):
    from workflow.models import ApiKey

    _pid, key_id, secret = make_partner(languages="kk")
    assert client.get("/feeds/kk.rss", headers=bearer(secret)).status_code == 200
    db = app.extensions["audarma.db"]
    stale = None
    with app.app_context(), db.transaction() as session:
        key = session.get(ApiKey, key_id)
        key.last_used_at -= timedelta(minutes=2)
        stale = key.last_used_at
    with traced.during() as sent:
        assert client.get("/feeds/kk.rss", headers=bearer(secret)).status_code == 200
    assert any('"COMMIT"' in line for line in sent), "\n".join(sent)
    with app.app_context(), db.transaction() as session:
        assert session.get(ApiKey, key_id).last_used_at > stale


def test_an_unbuffered_pull_commits_its_access_log_row(app, client, published, make_partner):
    from workflow.models import AccessLog

    _pid, _kid, secret = make_partner(languages="kk")
    for _ in range(2):
        assert client.get("/feeds/kk.json", headers=bearer(secret)).status_code == 200
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        assert session.query(AccessLog).count() == 2


def test_a_revoked_key_fails_on_its_next_pull_in_another_worker(app, make_app, postgres_url,
                                                               published, make_partner,
                                                               buffered):
    from workflow.partners.admin import revoke_partner_key

    other = make_app(DATABASE_URL=postgres_url, SCHEMA="none")  # a second worker process
    _pid, key_id, secret = make_partner(languages="kk")
    clients = (app.test_client(), other.test_client())
    for client in clients:
        assert client.get("/feeds/kk.rss", headers=bearer(secret)).status_code == 200
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        revoke_partner_key(session, key_id)
    for client in clients:
        assert client.get("/feeds/kk.rss", headers=bearer(secret)).status_code == 401
