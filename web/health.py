"""``/healthz``: is the database up, the broker reachable, a worker alive, a model installed.

A load balancer probes often and anonymously: it gets ``{"status": ...}`` from the last check
(refreshed in the background), rate-limited per client address. Admins get the details.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, request
from sqlalchemy import func, select, text

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
    body: dict[str, Any] | None = None
    status: int = 503
    checked_at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _refreshing: bool = False

    def current(self) -> tuple[dict[str, Any], int, float]:
        """The cached body, status and age in seconds; starts a refresh when it is stale."""
        if self.body is None or self.max_age <= 0:
            self._store(*check_everything())  # first check of this process, in the request
        elif time.monotonic() - self.checked_at > self.max_age:
            self.refresh_in_background()
        return self.body, self.status, time.monotonic() - self.checked_at

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

    def _store(self, body: dict[str, Any], status: int) -> None:
        self.body, self.status, self.checked_at = body, status, time.monotonic()


def monitor(app: Flask | None = None) -> HealthMonitor:
    """The app's HealthMonitor (made on first use)."""
    app = app or current_app._get_current_object()  # noqa: SLF001 (the app, not its proxy)
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


@bp.get("/healthz")
@limiter.limit(lambda: current_app.config.get("HEALTHZ_RATE_LIMIT", "10 per second"))
def healthz():
    """Health for a load balancer: status only, from the cached check (≤ 5 ms); admins also get
    each dependency's details (worker host names, models, queue depth) and the check's age."""
    body, status, age = monitor().current()
    if _is_admin():
        response = jsonify({**body, "checked_seconds_ago": round(age, 1)})
    else:
        response = jsonify({"status": body["status"] if status == 200 else "down"})
    response.headers["Cache-Control"] = "no-store"
    return response, status
