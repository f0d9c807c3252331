"""The worker entry point, the only place that builds a Flask app for Celery (celery -A)."""

from __future__ import annotations

from web import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
