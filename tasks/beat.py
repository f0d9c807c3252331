"""Periodic work: recover lost jobs, resume jobs a new model can serve, resend the outbox."""

from __future__ import annotations

import socket

from celery import shared_task
from flask import current_app
from sqlalchemy import select

import tasks.publishing  # noqa: F401  (registers audarma.publishing.release_due)
import tasks.webhooks  # noqa: F401  (registers audarma.webhooks.*)
from tasks.context import database, setting
from workflow.db import utcnow
from workflow.jobs import capabilities
from workflow.jobs import queue as jobs
from workflow.models import WorkerHeartbeat

TICK_TASK = "audarma.jobs.tick"


def schedule(seconds: float = 10.0) -> dict:
    """The beat schedule: one tick every ``seconds``."""
    return {"jobs-tick": {"task": TICK_TASK, "schedule": float(seconds)},
            "feeds-poll": {"task": "audarma.feeds.poll", "schedule": 60.0},
            "publishing-release-due": {"task": "audarma.publishing.release_due",
                                       "schedule": 15.0},
            "webhooks-tick": {"task": "audarma.webhooks.tick", "schedule": 30.0}}


SCHEDULE = schedule()


def _heartbeat(session, hostname: str) -> None:
    row = session.scalar(select(WorkerHeartbeat).where(WorkerHeartbeat.hostname == hostname))
    if row is None:
        session.add(WorkerHeartbeat(hostname=hostname, seen_at=utcnow()))
    else:
        row.seen_at = utcnow()


@shared_task(name=TICK_TASK, ignore_result=True)
def tick() -> dict:
    """Recover expired leases, resume waiting jobs, then send every unsent or lost wake-up."""
    from tasks.dispatch import dispatch_pending, redispatch_lost
    from tasks.engine import has_route

    db = database()
    celery_app = current_app.extensions["celery"]
    with db.transaction() as session:
        requeued = jobs.requeue_expired(session)
        cover = capabilities.coverage(session)
        if cover.reporting:  # workers say which pairs they serve: only then can one decide
            resumed = jobs.resume_waiting(session, lambda s, t: cover.serves((s, t)))
            held = capabilities.hold_unserved(session, cover)
        else:
            resumed, held = jobs.resume_waiting(session, has_route), []
        _heartbeat(session, socket.gethostname())
    sent = dispatch_pending(db, celery_app)
    resent = redispatch_lost(db, celery_app, setting("JOB_REDISPATCH_SECONDS"))
    return {"requeued": requeued, "resumed": resumed, "held": held, "sent": sent,
            "resent": resent}
