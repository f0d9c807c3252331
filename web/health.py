"""``/healthz``: is the database up, the broker reachable, a worker alive, a model installed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, current_app, jsonify
from sqlalchemy import func, select, text

from workflow.db import utcnow
from workflow.models import TranslationJob, WorkerHeartbeat
from workflow.states import JobState

bp = Blueprint("health", __name__)


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
    from translations.packages import PackageStore

    try:
        installed = PackageStore(current_app.config["PACKAGES_DIR"]).installed()
        return {"ok": bool(installed), "installed": [p.code for p in installed]}
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__, "installed": []}


@bp.get("/healthz")
def healthz():
    """Report each dependency; 200 whenever the database answers, fields say what is degraded."""
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
    return jsonify(body), 200 if database["ok"] else 503
