"""The outbox: send wake-up messages for queued jobs after their transaction committed."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence

from workflow.db import Database
from workflow.jobs import capabilities
from workflow.jobs import queue as jobs

log = logging.getLogger(__name__)

QUEUES = {"breaking": "translate_breaking", "normal": "translate"}


def queue_name(priority: str, source: str, target: str) -> str:
    """The broker queue of one pair and priority, e.g. ``translate_breaking.en-kk``.

    Workers consume only the queues of the pairs their models serve (``tasks.worker``).
    """
    base = QUEUES.get(priority, "translate")
    return f"{base}.{source}-{target}" if source and target else base


def pair_queues(pairs) -> list[str]:
    """Every queue of the given pairs, breaking first."""
    return [queue_name(priority, s, t) for priority in ("breaking", "normal")
            for s, t in sorted(pairs)]


def all_queues() -> list[str]:
    """The translate queues of every possible pair, and the pairless ones of older messages."""
    from workflow.models import LANGUAGES

    pairs = [(s, t) for s in LANGUAGES for t in LANGUAGES if s != t]
    return pair_queues(pairs) + list(QUEUES.values())
RETRY_POLICY = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0.2, "interval_max": 0.5}


def _send(database: Database, pending: Sequence[jobs.Dispatch],
          subscribed: Collection[tuple[str, str]]) -> int:
    """Send each wake-up to its pair's queue when a live worker consumes it, else to the queue
    every worker consumes (a worker whose package for the pair came after its start)."""
    from tasks.translate import translate_job

    sent: list[jobs.Dispatch] = []
    try:
        for item in pending:
            pair = (item.source_language, item.target_language)
            queue = (queue_name(item.priority, *pair) if pair in subscribed
                     else QUEUES.get(item.priority, "translate"))
            translate_job.apply_async(kwargs={"job_id": item.job_id}, queue=queue,
                                      retry=True, retry_policy=RETRY_POLICY)
            sent.append(item)
    except Exception as exc:  # broker down: the rows stay in the outbox for the beat to resend
        log.warning("broker unavailable, %d job(s) left in the outbox: %s",
                    len(pending) - len(sent), exc)
    finally:
        if sent:
            with database.transaction() as session:
                jobs.mark_dispatched(session, sent)
    return len(sent)


def dispatch_pending(database: Database, celery_app=None, limit: int = 500) -> int:
    """Send a message for every queued job not yet handed to the broker; returns how many."""
    with database.transaction() as session:
        pending = jobs.jobs_to_dispatch(session, limit)
        subscribed = capabilities.coverage(session).subscribed if pending else frozenset()
    return _send(database, pending, subscribed) if pending else 0


def waiting_messages(celery_app) -> int | None:
    """Wake-up messages waiting in the broker's translate queues, or None if it cannot tell."""
    from kombu.exceptions import ChannelError

    total = 0
    try:
        with celery_app.connection_for_read() as conn:
            conn.ensure_connection(max_retries=1)
            for name in all_queues():
                try:
                    total += conn.default_channel.queue_declare(
                        queue=name, passive=True).message_count
                except ChannelError:  # Redis drops an empty list's key: nothing waits there
                    pass
    except Exception as exc:  # the broker is down: unknown
        log.info("cannot read the broker queue depth: %s", exc)
        return None
    return total


def redispatch_lost(database: Database, celery_app, older_than: float = 120.0) -> int:
    """Resend wake-ups for queued jobs whose messages a restarted broker lost; returns how many."""
    waiting = waiting_messages(celery_app)
    if waiting is None:
        return 0
    with database.transaction() as session:
        lost = jobs.jobs_to_redispatch(session, older_than, waiting)
        subscribed = capabilities.coverage(session).subscribed if lost else frozenset()
    if lost:
        log.warning("re-sending %d wake-up message(s) the broker no longer holds", len(lost))
    return _send(database, lost, subscribed) if lost else 0
