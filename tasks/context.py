"""What a running task needs from its Flask app: the database session and settings."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from workflow.db import Database
from workflow.secret_box import SecretBox


def database() -> Database:
    """The Database of the app this task runs in."""
    return current_app.extensions["audarma.db"]


def secret_box() -> SecretBox:
    """The app's SecretBox: seals and opens stored secrets (webhook signing secrets)."""
    return current_app.extensions["audarma.secrets"]


def session() -> Session:
    """The scoped session of the app this task runs in."""
    return database().session


def setting(name: str, config: Any = None) -> Any:
    """A setting of the running app (web.config.Settings, read once when the app was built)."""
    config = current_app.config if config is None else config
    return config[name]
