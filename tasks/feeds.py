"""Feed polling task: beat wakes it; it polls every due feed and sends the new jobs' messages."""

from __future__ import annotations

import os

from celery import shared_task
from flask import current_app

from tasks.context import database, setting
from workflow.ingest.polling import due_feeds, poll_feed


def allow_private() -> bool:
    """``FEED_ALLOW_PRIVATE`` (app config, else env ``AUDARMA_FEED_ALLOW_PRIVATE``); off.

    On, the poller may fetch from loopback and private addresses (a wire server inside the
    newsroom's network, or a test server); link-local and metadata addresses included.
    """
    value = setting("FEED_ALLOW_PRIVATE")
    if value is None:
        value = os.environ.get("AUDARMA_FEED_ALLOW_PRIVATE", "")
    return value is True or str(value).strip().lower() in ("1", "true", "yes", "on")


def poll_feeds(feed_ids: list[int] | None = None) -> list[dict]:
    """Poll the given feeds (default: every due one), then dispatch the jobs they created."""
    from tasks.dispatch import dispatch_pending

    db = database()
    if feed_ids is None:
        with db.transaction() as session:
            feed_ids = due_feeds(session)
    private_ok = allow_private()
    reports = [poll_feed(db, feed_id, allow_private=private_ok).to_json()
               for feed_id in feed_ids]
    if any(r["created"] for r in reports):
        dispatch_pending(db, current_app.extensions["celery"])
    return reports


@shared_task(name="audarma.feeds.poll", ignore_result=True)
def poll(*, feed_id: int | None = None) -> list[dict]:
    """Poll one feed, or every active feed whose interval has passed."""
    return poll_feeds([feed_id] if feed_id is not None else None)
