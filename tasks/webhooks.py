"""Webhook deliveries: wake a worker per due WebhookDelivery row; Celery retries with backoff."""

from __future__ import annotations

import logging

from celery import shared_task

from tasks.context import database as current_database
from tasks.context import secret_box, setting
from workflow.db import Database
from workflow.partners import webhooks
from workflow.partners.cursors import cursor_key

log = logging.getLogger(__name__)


def allow_private() -> bool:
    """The ``WEBHOOK_ALLOW_PRIVATE`` setting (``AUDARMA_WEBHOOK_ALLOW_PRIVATE``); off."""
    return bool(setting("WEBHOOK_ALLOW_PRIVATE"))


@shared_task(bind=True, name="audarma.webhooks.deliver", ignore_result=True, max_retries=None,
             acks_late=True)
def deliver(self, *, delivery_id: int) -> str:
    """POST one delivery; on failure ask Celery to run again after the row's backoff delay.

    A refused target (non-public address) comes back "failed" at once and is not retried.
    """
    attempt = webhooks.attempt_delivery(
        current_database(), delivery_id, box=secret_box(),
        max_attempts=int(setting("WEBHOOK_MAX_ATTEMPTS")),
        backoff_base=float(setting("WEBHOOK_BACKOFF_SECONDS")),
        timeout=float(setting("WEBHOOK_TIMEOUT_SECONDS")),
        allow_private=allow_private(),
        cursor_key=cursor_key(setting("SECRET_KEY") or ""),
    )
    if attempt.outcome == "retry":
        raise self.retry(countdown=attempt.retry_in)
    return attempt.outcome


def send_due(limit: int = 500, *, database: Database | None = None) -> int:
    """Enqueue every due pending delivery (after a commit, and from the beat); returns how many."""
    with (database or current_database()).transaction() as session:
        ids = webhooks.due_deliveries(session, limit=limit)
    sent = 0
    try:
        for delivery_id in ids:
            deliver.apply_async(kwargs={"delivery_id": delivery_id}, retry=True,
                                retry_policy={"max_retries": 1, "interval_start": 0.2})
            sent += 1
    except Exception as exc:  # broker down: rows stay pending, the beat resends them
        log.warning("broker unavailable, %d webhook deliveries wait for the beat: %s",
                    len(ids) - sent, exc)
    return sent


@shared_task(name="audarma.webhooks.tick", ignore_result=True)
def tick() -> int:
    """Beat safety net: resend due deliveries whose message was lost or never sent."""
    return send_due()
