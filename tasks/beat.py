"""Periodic work: resend the outbox, recover lost jobs, resume jobs a new model can serve."""

from __future__ import annotations

import socket

from celery import shared_task
from flask import current_app
from sqlalchemy import select

from tasks.context import database
from workflow import jobs
from workflow.db import utcnow
from workflow.models import WorkerHeartbeat

SCHEDULE = {
    "jobs-tick": {"task": "audarma.jobs.tick", "schedule": 10.0},
}


def _heartbeat(session, hostname: str) -> None:
    row = session.scalar(select(WorkerHeartbeat).where(WorkerHeartbeat.hostname == hostname))
    if row is None:
        session.add(WorkerHeartbeat(hostname=hostname, seen_at=utcnow()))
    else:
        row.seen_at = utcnow()


@shared_task(name="audarma.jobs.tick", ignore_result=True)
def tick() -> dict:
    """Recover expired leases, resume waiting jobs, then send every unsent wake-up message."""
    from tasks.dispatch import dispatch_pending
    from tasks.engine import has_route

    db = database()
    with db.transaction() as session:
        requeued = jobs.requeue_expired(session)
        resumed = jobs.resume_waiting(session, has_route)
        _heartbeat(session, socket.gethostname())
    sent = dispatch_pending(db, current_app.extensions["celery"])
    return {"requeued": requeued, "resumed": resumed, "sent": sent}
