"""Embargo release: the beat publishes scheduled versions whose time has come."""

from __future__ import annotations

from celery import shared_task

from tasks.context import database
from workflow.publishing import publish as publishing


@shared_task(name="audarma.publishing.release_due", ignore_result=True)
def release_due() -> list[int]:
    """Publish every scheduled version whose embargo has passed (their webhooks follow)."""
    with database().unit() as session:
        return publishing.release_due(session)
