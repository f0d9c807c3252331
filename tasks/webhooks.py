"""Webhook deliveries: wake a worker per due WebhookDelivery row; Celery retries with backoff."""

from __future__ import annotations

import logging
import os

from celery import shared_task

from tasks.context import database, secret_box, setting
from workflow import webhooks

log = logging.getLogger(__name__)


def _setting(name: str, default: float) -> float:
    """App config ``WEBHOOK_*``, else environment ``AUDARMA_WEBHOOK_*``, else the default."""
    value = setting(name)
    if value is None:
        value = os.environ.get(f"AUDARMA_{name}", default)
    return float(value)


def allow_private() -> bool:
    """``WEBHOOK_ALLOW_PRIVATE`` (app config, else env ``AUDARMA_WEBHOOK_ALLOW_PRIVATE``); off."""
    value = setting("WEBHOOK_ALLOW_PRIVATE")
    if value is None:
        value = os.environ.get("AUDARMA_WEBHOOK_ALLOW_PRIVATE", "")
    return value is True or str(value).strip().lower() in ("1", "true", "yes", "on")


@shared_task(bind=True, name="audarma.webhooks.deliver", ignore_result=True, max_retries=None,
             acks_late=True)
def deliver(self, *, delivery_id: int) -> str:
    """POST one delivery; on failure ask Celery to run again after the row's backoff delay.

    A refused target (non-public address) comes back "failed" at once and is not retried.
    """
    attempt = webhooks.attempt_delivery(
        database(), delivery_id, box=secret_box(),
        max_attempts=int(_setting("WEBHOOK_MAX_ATTEMPTS", 8)),
        backoff_base=_setting("WEBHOOK_BACKOFF_SECONDS", 30.0),
        timeout=_setting("WEBHOOK_TIMEOUT_SECONDS", 10.0),
        allow_private=allow_private(),
    )
    if attempt.outcome == "retry":
        raise self.retry(countdown=attempt.retry_in)
    return attempt.outcome


def send_due(limit: int = 500) -> int:
    """Enqueue every due pending delivery (after a commit, and from the beat); returns how many."""
    with database().transaction() as session:
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
