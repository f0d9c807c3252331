"""The outbox: send wake-up messages for queued jobs after their transaction committed."""

from __future__ import annotations

import logging

from workflow import jobs
from workflow.db import Database

log = logging.getLogger(__name__)

QUEUES = {"breaking": "translate_breaking", "normal": "translate"}


def dispatch_pending(database: Database, celery_app, limit: int = 500) -> int:
    """Send a message for every queued job not yet handed to the broker; returns how many."""
    from tasks.translate import translate_job

    with database.transaction() as session:
        pending = jobs.jobs_to_dispatch(session, limit)
    sent: list[int] = []
    try:
        for job_id, priority in pending:
            translate_job.apply_async(
                kwargs={"job_id": job_id}, queue=QUEUES.get(priority, "translate"),
                retry=True, retry_policy={"max_retries": 1, "interval_start": 0.2,
                                          "interval_step": 0.2, "timeout": 2},
            )
            sent.append(job_id)
    except Exception as exc:  # broker down: the rows stay in the outbox for the beat to resend
        log.warning("broker unavailable, %d job(s) left in the outbox: %s",
                    len(pending) - len(sent), exc)
    finally:
        if sent:
            with database.transaction() as session:
                jobs.mark_dispatched(session, sent)
    return len(sent)
