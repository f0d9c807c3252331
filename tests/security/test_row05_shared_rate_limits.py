"""Issue 15 row 5: with no Redis configured, rate limits hold across gunicorn's worker processes
(the Procfile's command line, two workers, embedded defaults)."""

from __future__ import annotations

import http.cookiejar
import logging
import re
import urllib.error
import urllib.parse
import urllib.request

from tests.procfile import procfile_web


def _status(request: urllib.request.Request | str, opener=None) -> int:
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=10) as reply:
            return reply.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _wrong_logins(base: str, email: str, count: int) -> list[int]:
    """``count`` sign-ins with a wrong password, as a browser sends them (cookie, CSRF token)."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{base}/login", timeout=10).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"email": email, "password": "wrong",
                                   "csrf_token": token}).encode()
    return [_status(urllib.request.Request(f"{base}/login", data=form), opener)
            for _ in range(count)]


def test_row5_limits_are_shared_by_every_worker_process(app, make_user, monkeypatch):
    from workflow.partners.admin import create_partner

    for name in ("REDIS_URL", "RATELIMIT_STORAGE_URI"):
        monkeypatch.delenv(name, raising=False)
    make_user("editor", email="ed@example.test")
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        _partner, _key, secret = create_partner(session, "Wire", "kk", None, "5/minute")
    with procfile_web(app, WEB_CONCURRENCY="2", WEB_THREADS="2") as (base, log_path):
        feeds = [_status(urllib.request.Request(f"{base}/feeds/kk.json",
                                                headers={"Authorization": f"Bearer {secret}"}))
                 for _ in range(14)]
        logins = _wrong_logins(base, "ed@example.test", 30)
        log = log_path.read_text()
    assert "Booting worker" in log and log.count("Booting worker") == 2, log[-2000:]
    assert feeds.count(200) == 5 and feeds.count(429) == 9, feeds
    # 10/minute on POST /login, across both workers: the 11th attempt is refused
    assert logins.count(401) == 10 and logins.count(429) == 20, logins


def test_row5_default_storage_is_shared_not_per_process(make_app, monkeypatch):
    for name in ("REDIS_URL", "RATELIMIT_STORAGE_URI", "CELERY_BROKER_URL"):
        monkeypatch.delenv(name, raising=False)
    app = make_app()
    assert app.config["RATELIMIT_STORAGE_URI"].startswith("audarma+sqlite:///")


def test_row5_memory_storage_is_never_silent(make_app, caplog):
    with caplog.at_level(logging.WARNING):
        make_app(RATELIMIT_STORAGE_URI="memory://", TESTING=False)
    assert any("counts in each process separately" in r.getMessage() for r in caplog.records)
