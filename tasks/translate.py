"""Translation tasks: thin wrappers that wake a worker to claim work from the database."""

from __future__ import annotations

import logging

from celery import shared_task
from sqlalchemy.exc import DBAPIError

from tasks.context import database, setting
from tasks.engine import get_engine, served_pairs
from workflow.db import DISPATCH_JOBS
from workflow.jobs.run import work_once

log = logging.getLogger(__name__)


@shared_task(name="audarma.translate.job", bind=True, acks_late=True,
             reject_on_worker_lost=True, ignore_result=True, max_retries=12)
def translate_job(self, *, job_id: int) -> dict:
    """Claim job ``job_id`` (or more urgent queued work) and machine-translate it."""
    try:
        report = work_once(database(), get_engine(), self.request.hostname or "worker",
                           prefer=job_id, lease_seconds=setting("JOB_LEASE_SECONDS"),
                           batch_size=setting("JOB_BATCH_SIZE"),
                           batch_max=setting("JOB_BATCH_MAX"),
                           batch_seconds=setting("JOB_BATCH_SECONDS"),
                           max_segments=setting("JOB_MAX_SEGMENTS"),
                           pairs=served_pairs() or None)  # no model at all: old behaviour
    except DBAPIError as exc:
        if not exc.connection_invalidated and "connect" not in str(exc.orig).lower():
            raise
        # the database is unreachable before anything was claimed: wake up again soon instead of
        # leaving the job to the beat's resend (AUDARMA_JOB_REDISPATCH_SECONDS)
        database().session.remove()
        raise self.retry(exc=exc, countdown=min(5 * (self.request.retries + 1), 30)) from exc
    if report.requeued:  # handed back (breaking news, new segments): wake a worker for them
        database().run_effects({DISPATCH_JOBS})
    return {"jobs": report.job_ids, "translated": report.translated, "outcome": report.outcome}
