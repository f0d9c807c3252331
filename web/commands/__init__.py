"""Command-line commands of ``audarma``, one module per group."""

from __future__ import annotations

import click
from flask import current_app


def schema_ready() -> bool:
    """True when the database has been migrated to the latest revision."""
    from alembic.script import ScriptDirectory

    from workflow import migrations

    url = current_app.config["DATABASE_URL"]
    head = ScriptDirectory.from_config(migrations.alembic_config(url)).get_current_head()
    try:
        return migrations.current_revision(url) == head
    except Exception:
        return False


def require_schema() -> None:
    """Stop with a clear message when the database is missing or not migrated."""
    if not schema_ready():
        raise click.ClickException(
            "The database is not set up (or not up to date): run `audarma db upgrade` first "
            "(`audarma run` does it for you)."
        )
