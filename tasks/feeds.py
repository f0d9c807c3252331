"""Feed polling task: beat wakes it; it polls every due feed and sends the new jobs' messages."""

from __future__ import annotations

from celery import shared_task

from tasks.context import database, setting
from workflow.ingest.polling import due_feeds, poll_feed


def allow_private() -> bool:
    """The ``FEED_ALLOW_PRIVATE`` setting (``AUDARMA_FEED_ALLOW_PRIVATE``); off.

    On, the poller may fetch from loopback and private addresses (a wire server inside the
    newsroom's network, or a test server); link-local and metadata addresses included.
    """
    return bool(setting("FEED_ALLOW_PRIVATE"))


def poll_feeds(feed_ids: list[int] | None = None) -> list[dict]:
    """Poll the given feeds (default: every due one); their new jobs are dispatched on commit."""
    db = database()
    if feed_ids is None:
        with db.transaction() as session:
            feed_ids = due_feeds(session)
    private_ok = allow_private()
    return [poll_feed(db, feed_id, allow_private=private_ok).to_json() for feed_id in feed_ids]


@shared_task(name="audarma.feeds.poll", ignore_result=True)
def poll(*, feed_id: int | None = None) -> list[dict]:
    """Poll one feed, or every active feed whose interval has passed."""
    return poll_feeds([feed_id] if feed_id is not None else None)
