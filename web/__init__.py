"""Flask app factory: nothing happens at import time; ``create_app`` wires everything."""

from __future__ import annotations

from typing import Any

from flask import Flask

from web.config import app_config, load_settings
from workflow.db import Database
from workflow.secret_box import SecretBox

# Each blueprint module exposes ``bp``; API and feed blueprints also set ``csrf_exempt = True``
# (they authenticate with bearer keys, not cookies).
BLUEPRINTS = (
    "web.health",
    "web.auth",
    "web.dashboard",
    "web.admin",
    "web.editor",
    "web.metrics",
    "web.people",
    "web.feeds",
    "web.api_items",
    "web.openapi",
    "web.partners_admin",
    "web.publishing_desk",
    "web.api_publishing",
    "web.interface_text",
    "web.ingest_views",
    "web.api_articles",
    "web.api_jobs",
    "web.jobs_views",
    "web.corrections_views",
    "web.memory_views",
    "web.models_admin",
    "web.audit_views",
    "web.exchange_views",
    "web.api_exchange",
    "web.permalinks",
)


def create_app(config: dict[str, Any] | None = None, *,
               defaults: dict[str, Any] | None = None) -> Flask:
    """Build the Audarma web app (and its Celery app) from the environment plus ``config``.

    The settings are read once here (``web.config.Settings``) and kept as
    ``app.extensions["audarma.settings"]``; the worker and the CLI build the same app.
    """
    app = Flask(__name__, instance_relative_config=False)
    settings = load_settings(config, defaults)
    app.config.update(app_config(settings, config))
    app.extensions["audarma.settings"] = settings
    app.instance_path = app.config["INSTANCE_DIR"]
    app.json.ensure_ascii = False  # Kazakh and Russian stay readable in API responses

    configure_metadata(app.config)
    from workflow import latin_edition

    latin_edition.configure(app.config["KK_LATN"])
    database = Database(app.config["DATABASE_URL"])
    app.extensions["audarma.db"] = database
    app.extensions["audarma.secrets"] = SecretBox(app.config["SECRET_KEY"],
                                                  app.config.get("SECRET_KEY_FALLBACKS") or ())

    @app.teardown_appcontext
    def _remove_session(_exc: BaseException | None) -> None:
        from sqlalchemy.exc import DBAPIError

        try:
            database.session.remove()
        except DBAPIError:  # the server dropped the connection: the answer stands, not a 500
            database.session.registry.clear()

    from tasks.celery_app import celery_init_app

    celery_init_app(app)

    from web import boundary, errors, extensions, health, i18n, job_notes, prometheus, security

    prometheus.init_app(app)
    job_notes.init_app(app)
    extensions.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    boundary.init_app(app)
    register_blueprints(app)
    health.init_app(app)  # anonymous /healthz probes are answered before Flask

    from web.cli import register_commands

    register_commands(app)
    return app


def configure_metadata(config: dict[str, Any]) -> None:
    """Hand the configured categories, subjects and rights defaults to ``workflow.metadata``."""
    from workflow import metadata

    subjects = config.get("SUBJECTS") or None
    if isinstance(subjects, str):
        subjects = metadata.parse_subject_list(subjects) or None
    metadata.configure(categories=config.get("CATEGORIES") or None, subjects=subjects,
                       copyright_holder=config.get("COPYRIGHT_HOLDER"),
                       copyright_notice=config.get("COPYRIGHT_NOTICE"),
                       usage_terms=config.get("USAGE_TERMS"))


def register_blueprints(app: Flask) -> None:
    """Register every blueprint named in ``BLUEPRINTS``."""
    import importlib

    from web.extensions import csrf

    for name in BLUEPRINTS:
        module = importlib.import_module(name)
        if getattr(module, "csrf_exempt", False):
            csrf.exempt(module.bp)
        app.register_blueprint(module.bp)
