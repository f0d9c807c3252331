"""What runs after a commit: the handlers for the effects services ask for (workflow.db)."""

from __future__ import annotations

from celery import Celery

from workflow.db import DISPATCH_JOBS, SEND_WEBHOOKS, Database


def register(database: Database, celery_app: Celery) -> None:
    """Wake workers for queued jobs and due webhooks after every commit that made some."""
    from tasks.dispatch import dispatch_pending
    from tasks.webhooks import send_due

    database.on_commit(DISPATCH_JOBS, lambda: dispatch_pending(database, celery_app))
    database.on_commit(SEND_WEBHOOKS, lambda: send_due(database=database))
