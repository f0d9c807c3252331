"""Celery bound the Flask way: one Celery app per Flask app, tasks run inside its app context."""

from __future__ import annotations

from celery import Celery, Task
from flask import Flask

import tasks.beat
import tasks.effects
import tasks.feeds  # noqa: F401  (registers audarma.feeds.poll)
import tasks.translate  # noqa: F401  (registers the tasks)
from tasks.context import setting


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app for ``app``; every task runs inside ``app.app_context()``."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    tick_seconds = setting("JOB_TICK_SECONDS", config=app.config)
    celery_app.conf.beat_schedule = {**tasks.beat.schedule(tick_seconds),
                                     **(celery_app.conf.beat_schedule or {})}
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    tasks.effects.register(app.extensions["audarma.db"], celery_app)

    return celery_app
