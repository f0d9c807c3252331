"""What a running task needs from its Flask app: the database session and settings."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from workflow.db import Database


def database() -> Database:
    """The Database of the app this task runs in."""
    return current_app.extensions["audarma.db"]


def session() -> Session:
    """The scoped session of the app this task runs in."""
    return database().session


def setting(name: str, default: Any = None) -> Any:
    """A config value of the app this task runs in."""
    return current_app.config.get(name, default)
