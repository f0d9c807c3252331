"""Pooled PostgreSQL connections: a dead one is replaced at checkout, a live one costs no ping."""

from __future__ import annotations

import time
from types import SimpleNamespace

import psycopg
from sqlalchemy import text

import workflow.pool_liveness
from workflow.db import make_engine


def _terminate_backends(admin_url: str, database: str) -> None:
    """What a PostgreSQL restart does to every pooled connection: FATAL, then the socket closes."""
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = %s AND pid <> pg_backend_pid()", [database])
        deadline = time.monotonic() + 10
        while admin.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                            "AND pid <> pg_backend_pid()", [database]).fetchone()[0]:
            assert time.monotonic() < deadline, "backends did not go away"
            time.sleep(0.05)


def test_a_connection_the_server_closed_is_replaced_not_answered_503(make_app, postgres_url,
                                                                     make_user):
    app = make_app(DATABASE_URL=postgres_url, HEALTH_MAX_AGE_SECONDS=0)  # check on every call
    make_user("admin", email="health-admin@example.test", app=app)
    client = app.test_client()  # an admin sees the database part of /healthz
    client.post("/login", data={"email": "health-admin@example.test", "password": "password123"})
    assert client.get("/healthz").get_json()["database"]["ok"]  # a connection waits in the pool
    _terminate_backends(postgres_url, postgres_url.rsplit("/", 1)[1])
    response = client.get("/healthz")
    assert response.get_json()["database"]["ok"], response.get_json()
    assert response.status_code == 200


def test_only_a_suspect_connection_is_pinged(postgres_url, monkeypatch):
    engine = make_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://"))
    pings: list[int] = []
    real_ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda conn: pings.append(1) or real_ping(conn))

    def select_one() -> None:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    try:
        for _ in range(3):
            select_one()
        assert pings == []  # used a moment ago, nothing from the server: no ping
        later = time.monotonic() + workflow.pool_liveness.IDLE_PING_SECONDS + 1
        monkeypatch.setattr(workflow.pool_liveness, "time",
                            SimpleNamespace(monotonic=lambda: later))
        select_one()
        assert pings == [1]  # idle for long: pinged before use (a silently dropped connection)
    finally:
        engine.dispose()


def test_a_partner_pull_while_the_database_is_down_is_a_503(make_app):
    app = make_app(DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:1/audarma_down",
                   SCHEMA="none")
    response = app.test_client().get("/feeds/kk.rss",
                                     headers={"Authorization": "Bearer ak_some-key"})
    assert response.status_code == 503  # the key look-up's own connection failed: not a 500
    assert response.headers["Retry-After"].isdigit()
