"""Issue 15 row 1: /healthz answers from a cached check (a slow broker never holds a web thread),
shows details only to admins, and is rate-limited."""

from __future__ import annotations

import http.client
import statistics
import time
from collections import Counter
from urllib.parse import urlsplit

import pytest

from tests.procfile import procfile_web


def _sign_in(app, make_user, role: str):
    make_user(role, email=f"{role}@example.test", app=app)
    client = app.test_client()
    client.post("/login", data={"email": f"{role}@example.test", "password": "password123"})
    return client


@pytest.fixture
def slow_broker(monkeypatch):
    """Every broker check takes 2 s from now on (what a ping to an unreachable broker costs)."""
    import web.health

    calls: list[float] = []
    real = web.health._check_broker

    def slow():
        calls.append(time.monotonic())
        time.sleep(2)
        return real()

    monkeypatch.setattr(web.health, "_check_broker", slow)
    return calls


def test_row1_probes_never_wait_for_the_checks(make_app, slow_broker):
    app = make_app(HEALTH_MAX_AGE_SECONDS=0.2)
    client = app.test_client()
    client.get("/healthz")  # the process's first check (the web process starts it at boot)
    time.sleep(0.3)  # stale now: the next probes start one refresh in the background
    durations = []
    for _ in range(30):
        started = time.perf_counter()
        response = client.get("/healthz")
        durations.append(time.perf_counter() - started)
        assert response.status_code == 200
    assert max(durations) < 0.5, durations  # none waited for a 2 s check
    assert statistics.median(durations) < 0.005, durations  # answered in ≤ 5 ms
    time.sleep(0.2)  # the background refresh has begun (its thread may start after the probes)
    assert len(slow_broker) == 2  # the first check and one background refresh, not one a probe


@pytest.mark.parametrize("role", [None, "translator", "editor"])
def test_row1_details_only_for_admins(make_app, make_user, role):
    app = make_app()
    client = _sign_in(app, make_user, role) if role else app.test_client()
    body = client.get("/healthz").get_json()
    assert body == {"status": "degraded"}  # no worker host names, models or queue counts
    admin = _sign_in(app, make_user, "admin").get("/healthz").get_json()
    assert {"database", "broker", "workers", "models", "degraded"} <= set(admin)
    assert admin["database"]["queued_jobs"] == 0


def test_row1_healthz_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    client = app.test_client()
    statuses = [client.get("/healthz").status_code for _ in range(40)]
    # default 10 per second per address; the loop may straddle one window boundary
    assert 10 <= statuses.count(200) <= 20 and statuses.count(429) >= 20, statuses
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                   HEALTHZ_RATE_LIMIT="10 per minute")
    client = app.test_client()
    statuses = [client.get("/healthz").status_code for _ in range(25)]
    assert statuses.count(200) == 10 and statuses.count(429) == 15, statuses


def test_row1_database_down_is_503_without_details(make_app, monkeypatch):
    import web.health

    app = make_app()
    monkeypatch.setattr(web.health, "_check_database",
                        lambda: {"ok": False, "error": "OperationalError"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json() == {"status": "down"}


def test_row1_anonymous_probe_skips_flask_and_the_shared_counter(make_app, make_user, tmp_path,
                                                                  monkeypatch):
    """An anonymous probe runs none of Flask's request work (hooks, session, locale, limiter)
    and never takes the shared rate-limit counter's lock, which partner pulls wait on too."""
    from web.rate_limit_storage import SQLiteStorage

    app = make_app(RATELIMIT_ENABLED=True,
                   RATELIMIT_STORAGE_URI=f"audarma+sqlite:///{tmp_path / 'limits.db'}")
    hooks: list[str] = []
    app.before_request(lambda: hooks.append("before_request"))
    shared_hits: list[str] = []
    real_incr = SQLiteStorage.incr
    monkeypatch.setattr(SQLiteStorage, "incr",
                        lambda self, key, *a, **k: shared_hits.append(key) or real_incr(
                            self, key, *a, **k))
    client = app.test_client()
    client.set_cookie("theme", "dark")  # a cookie that is not the session does not matter
    client.get("/healthz")  # the process's first check
    responses = [client.get("/healthz") for _ in range(5)] + [client.head("/healthz")]
    assert hooks == [] and shared_hits == []
    assert [r.status_code for r in responses] == [200] * 6
    assert all(r.get_json() == {"status": "degraded"} for r in responses[:5])
    assert responses[-1].data == b"" and responses[-1].headers["Content-Length"] == str(
        len(responses[0].data))
    for name, value in (("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"),
                        ("X-Frame-Options", "DENY"), ("Content-Type", "application/json")):
        assert responses[0].headers[name] == value
    assert "frame-ancestors 'none'" in responses[0].headers["Content-Security-Policy"]

    admin = _sign_in(app, make_user, "admin")  # a session cookie: Flask answers, with details
    hooks.clear()
    assert "workers" in admin.get("/healthz").get_json() and hooks == ["before_request"]


def test_row1_refused_probe_says_when_to_retry(make_app):
    app = make_app(RATELIMIT_ENABLED=True, HEALTHZ_RATE_LIMIT="2 per minute")
    client = app.test_client()
    statuses = [client.get("/healthz") for _ in range(3)]
    assert [r.status_code for r in statuses] == [200, 200, 429]
    assert statuses[2].get_json()["error"]["code"] == "too_many_requests"
    assert statuses[2].headers["Retry-After"].isdigit()


def test_row1_a_looping_probe_client_waits_on_its_socket(make_app):
    """Through the Procfile's gunicorn: a client probing in a loop gets its 10 a second, then a
    429, and its next request is read only when its window opens again (the connection is held,
    no thread or CPU is spent on it). Answering each refused probe at once let it send hundreds
    in 2 s, and the loop took the CPU partner feeds need."""
    app = make_app()
    with procfile_web(app) as (base, _log):
        url = urlsplit(base)
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        answers: Counter[int] = Counter()
        after_refusal: list[float] = []
        refused = False
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            started = time.monotonic()
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            answers[response.status] += 1
            if refused:
                after_refusal.append(time.monotonic() - started)
            refused = response.status == 429
        connection.close()
    assert set(answers) == {200, 429}, answers
    assert sum(answers.values()) <= 45, answers  # 10 a second plus one refusal per window
    assert after_refusal and min(after_refusal) > 0.2, after_refusal  # held until the window
