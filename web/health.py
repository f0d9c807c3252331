"""``/healthz``: is the database up, the broker reachable, a worker alive, a model installed.

A load balancer probes often and anonymously: it gets ``{"status": ...}`` from the last check
(refreshed in the background), rate-limited per client address, answered by ``ProbeAnswer``
before Flask does any work. Admins (signed in) get the details from the Flask view.
"""

from __future__ import annotations

import json
import logging
import math
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, request
from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import func, select, text

from web.connection_hold import hold_connection
from web.extensions import limiter
from workflow.db import utcnow
from workflow.models import TranslationJob, WorkerHeartbeat
from workflow.states import JobState

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


def _check_database() -> dict[str, Any]:
    session = current_app.extensions["audarma.db"].session
    try:
        session.execute(text("SELECT 1"))
        queued = session.scalar(
            select(func.count()).select_from(TranslationJob).where(
                TranslationJob.state == JobState.QUEUED.value
            )
        )
        return {"ok": True, "dialect": session.get_bind().dialect.name, "queued_jobs": queued}
    except Exception as exc:  # the health page reports, it never raises
        session.rollback()
        return {"ok": False, "error": type(exc).__name__}


def _check_broker() -> dict[str, Any]:
    celery = current_app.extensions["celery"]
    url = celery.conf.broker_url
    transport = url.split("://", 1)[0]
    try:
        with celery.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True, "transport": transport}
    except Exception as exc:
        return {"ok": False, "transport": transport, "error": type(exc).__name__}


def _check_workers(broker_ok: bool) -> dict[str, Any]:
    celery = current_app.extensions["celery"]
    replies: list[str] = []
    if broker_ok:
        try:
            answers = celery.control.ping(timeout=1.0) or []
            replies = sorted(name for answer in answers for name in answer)
        except Exception:
            replies = []
    session = current_app.extensions["audarma.db"].session
    try:
        recent = session.scalars(
            select(WorkerHeartbeat.hostname).where(
                WorkerHeartbeat.seen_at >= utcnow() - timedelta(seconds=90)
            )
        ).all()
    except Exception:
        session.rollback()
        recent = []
    return {"ok": bool(replies), "ping": replies, "heartbeats": sorted(recent)}


def _check_models() -> dict[str, Any]:
    from tasks.engine import device_choice
    from translations.packages import PackageStore

    try:
        device = device_choice().to_json()
    except Exception as exc:
        device = {"error": type(exc).__name__}
    try:
        installed = PackageStore(current_app.config["PACKAGES_DIR"]).installed()
        return {"ok": bool(installed), "installed": [p.code for p in installed], "device": device}
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__, "installed": [], "device": device}


def check_everything() -> tuple[dict[str, Any], int]:
    """Ask every dependency now (up to ~3 s when the broker is down): the detailed body, and
    200 whenever the database answers (503 if not); fields say what is degraded."""
    database = _check_database()
    broker = _check_broker()
    workers = _check_workers(broker["ok"])
    models = _check_models()
    degraded = [name for name, part in
                (("database", database), ("broker", broker), ("workers", workers),
                 ("models", models)) if not part["ok"]]
    body = {
        "status": "ok" if not degraded else "degraded",
        "degraded": degraded,
        "database": database,
        "broker": broker,
        "workers": workers,
        "models": models,
    }
    return body, 200 if database["ok"] else 503


@dataclass
class HealthMonitor:
    """The last health check of this process, refreshed in a background thread once older than
    ``max_age`` seconds, so a probe never waits for the checks (a broker ping can take 2 s and
    used to hold a web thread for each probe). Only the very first probe of a process waits."""

    app: Flask
    max_age: float
    last: tuple[dict[str, Any], int, float] | None = None  # body, status, monotonic time
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _refreshing: bool = False

    @property
    def checks_in_request(self) -> bool:
        """True when ``current`` runs the checks itself (no check yet, or caching is off)."""
        return self.last is None or self.max_age <= 0

    def current(self) -> tuple[dict[str, Any], int, float]:
        """The cached body, status and age in seconds; starts a refresh when it is stale."""
        last = self.last
        if last is None or self.max_age <= 0:
            last = self._store(*check_everything())  # first check of this process, in the request
        elif time.monotonic() - last[2] > self.max_age:
            self.refresh_in_background()
        body, status, checked_at = last
        return body, status, time.monotonic() - checked_at

    def refresh_in_background(self) -> None:
        """Run the checks in a daemon thread unless one is already running."""
        with self._lock:
            if self._refreshing:
                return
            self._refreshing = True
        threading.Thread(target=self._refresh, name="audarma-health", daemon=True).start()

    def _refresh(self) -> None:
        try:
            with self.app.app_context():
                self._store(*check_everything())
        except Exception:  # noqa: BLE001 - a failed refresh keeps the old answer, and says so
            log.exception("health check failed")
        finally:
            self._refreshing = False

    def _store(self, body: dict[str, Any], status: int) -> tuple[dict[str, Any], int, float]:
        self.last = (body, status, time.monotonic())  # one assignment: readers see one check
        return self.last


def monitor(app: Flask | None = None) -> HealthMonitor:
    """The app's HealthMonitor (made on first use)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]  # noqa: SLF001
    found = app.extensions.get("audarma.health")
    if found is None:
        found = app.extensions.setdefault("audarma.health", HealthMonitor(
            app, float(app.config.get("HEALTH_MAX_AGE_SECONDS", 10))))
    return found


def _is_admin() -> bool:
    from flask_login import current_user

    if not request.cookies:  # a load balancer: no session to look up
        return False
    return bool(current_user.is_authenticated and current_user.has_role("admin"))


def public_status(body: dict[str, Any], status: int) -> str:
    """What an anonymous caller may know: ok, degraded or down; nothing else."""
    return str(body["status"]) if status == 200 else "down"


@bp.get("/healthz")
@limiter.limit(lambda: current_app.config.get("HEALTHZ_RATE_LIMIT", "10 per second"))
def healthz():
    """Health for signed-in callers (anonymous probes are answered by ``ProbeAnswer``): admins
    get each dependency's details (worker host names, models, queue depth) and the check's age,
    everyone else the status only."""
    body, status, age = monitor().current()
    if _is_admin():
        response = jsonify({**body, "checked_seconds_ago": round(age, 1)})
    else:
        response = jsonify({"status": public_status(body, status)})
    response.headers["Cache-Control"] = "no-store"
    return response, status


StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class ProbeAnswer:
    """WSGI middleware in front of the Flask app: an anonymous ``GET``/``HEAD /healthz`` (no
    session cookie) gets the cached status without Flask's request work (context, session,
    locale, Flask-Limiter's shared counter, hooks). Those cost ~3 ms of CPU a probe, and each
    took the shared counter's write lock, which partner pulls take too. A probe now costs tens
    of microseconds here, plus what gunicorn spends on any request (parsing, the access log).

    Cheap is not enough against a loop: a client sends its next probe the moment the answer
    arrives. So beyond ``HEALTHZ_RATE_LIMIT`` per client address the 429 also holds the
    connection until the client's window opens again, plus up to a second at random
    (``web.connection_hold``): the loop waits on its socket, and held clients come back spread
    out rather than as one burst at the window's start. The limit is counted in this
    process's memory on purpose: a shared counter costs more than the answer it would refuse;
    with N web processes a client gets up to N times the limit.
    """

    PATH = "/healthz"

    def __init__(self, app: Flask, wsgi_app: WSGIApp) -> None:
        from web.prometheus import HTTP_LATENCY
        from web.security import security_headers

        self.app = app
        self.wsgi_app = wsgi_app
        self.monitor = monitor(app)
        self.session_cookie = app.config.get("SESSION_COOKIE_NAME", "session") + "="
        self.headers = [("Content-Type", "application/json"), ("Cache-Control", "no-store"),
                        *security_headers(app)]
        self.limits = tuple(parse_many(app.config.get("HEALTHZ_RATE_LIMIT", "10 per second")))
        self.spread = min([1.0, *(item.get_expiry() for item in self.limits)])
        self.counter = (FixedWindowRateLimiter(MemoryStorage())
                        if app.config.get("RATELIMIT_ENABLED", True) else None)
        self.latency = HTTP_LATENCY
        self.bodies: dict[str, bytes] = {}
        self.refusal = json.dumps({"error": {  # the shape of web.errors' JSON errors
            "code": "too_many_requests", "message": "; ".join(map(str, self.limits))}}).encode()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if (environ.get("PATH_INFO") != self.PATH or method not in ("GET", "HEAD")
                or self.session_cookie in environ.get("HTTP_COOKIE", "")):
            return self.wsgi_app(environ, start_response)  # a signed-in caller: Flask decides
        started = time.perf_counter()
        wait = self._refused(environ.get("REMOTE_ADDR") or "")
        if wait:
            # a looping client waits on its socket, costing nothing; spread over the next
            # window, so that held clients do not all come back in the same millisecond
            hold_connection(wait + random.uniform(0, self.spread))  # noqa: S311 - not a secret
            status, payload, extra = 429, self.refusal, [("Retry-After", str(math.ceil(wait)))]
        else:
            status, payload, extra = *self._status(), []
        start_response(f"{status} {_REASONS[status]}", [
            *self.headers, ("Content-Length", str(len(payload))), *extra])
        self.latency.labels(self.PATH, method, str(status)).observe(
            time.perf_counter() - started)
        return [] if method == "HEAD" else [payload]

    def _refused(self, address: str) -> float:
        """0 if this probe is within the limits, else the seconds until they let one through."""
        if self.counter is None:
            return 0.0
        wait = 0.0
        for item in self.limits:
            if not self.counter.hit(item, "healthz", address):
                reset_at = self.counter.get_window_stats(item, "healthz", address).reset_time
                wait = max(wait, reset_at - time.time(), 0.001)
        return wait

    def _status(self) -> tuple[int, bytes]:
        if self.monitor.checks_in_request:  # the process's first probe, or caching is off
            with self.app.app_context():
                body, status, _age = self.monitor.current()
        else:
            body, status, _age = self.monitor.current()
        text = public_status(body, status)
        if text not in self.bodies:
            self.bodies[text] = json.dumps({"status": text}).encode()
        return status, self.bodies[text]


_REASONS = {200: "OK", 429: "TOO MANY REQUESTS", 503: "SERVICE UNAVAILABLE"}


def init_app(app: Flask) -> None:
    """Put ``ProbeAnswer`` in front of the app (after the extensions read their settings)."""
    app.wsgi_app = ProbeAnswer(app, app.wsgi_app)  # type: ignore[method-assign]
