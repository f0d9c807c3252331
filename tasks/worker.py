"""The worker entry point, the only place that builds a Flask app for Celery (celery -A)."""

from __future__ import annotations

from celery.signals import worker_process_init

from web import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]


@worker_process_init.connect
def _own_connections(**_kwargs: object) -> None:
    """A forked pool child must not reuse pooled database connections of its parent."""
    flask_app.extensions["audarma.db"].engine.dispose(close=False)
