"""What a running task needs from its Flask app: the database session and settings."""

from __future__ import annotations

import os
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from workflow.db import Database
from workflow.secret_box import SecretBox

# Job settings a worker also reads from its environment (AUDARMA_<NAME>), for `celery worker`.
ENV_SETTINGS = {
    "JOB_BATCH_SIZE": "AUDARMA_JOB_BATCH_SIZE",
    "JOB_BATCH_MAX": "AUDARMA_JOB_BATCH_MAX",
    "JOB_BATCH_SECONDS": "AUDARMA_JOB_BATCH_SECONDS",
    "JOB_MAX_SEGMENTS": "AUDARMA_JOB_MAX_SEGMENTS",
    "JOB_TICK_SECONDS": "AUDARMA_JOB_TICK_SECONDS",
    "JOB_REDISPATCH_SECONDS": "AUDARMA_JOB_REDISPATCH_SECONDS",
}


def database() -> Database:
    """The Database of the app this task runs in."""
    return current_app.extensions["audarma.db"]


def secret_box() -> SecretBox:
    """The app's SecretBox: seals and opens stored secrets (webhook signing secrets)."""
    return current_app.extensions["audarma.secrets"]


def session() -> Session:
    """The scoped session of the app this task runs in."""
    return database().session


def setting(name: str, default: Any = None, config: Any = None) -> Any:
    """A config value of the running app, else its AUDARMA_* variable, else ``default``."""
    config = current_app.config if config is None else config
    if name in config:
        return config[name]
    raw = os.environ.get(ENV_SETTINGS.get(name, ""))
    if raw is None or default is None:
        return default if raw is None else raw
    return type(default)(raw)
