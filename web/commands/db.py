"""``audarma db``: schema migrations."""

from __future__ import annotations

import click
from flask import Flask, current_app

from workflow import migrations


def register(app: Flask) -> None:
    """Add the ``db`` group."""

    @app.cli.group("db")
    def db_group() -> None:
        """Database schema (Alembic migrations)."""

    @db_group.command("upgrade")
    @click.argument("revision", default="head")
    def upgrade(revision: str) -> None:
        """Migrate the database up to REVISION (default: head)."""
        url = current_app.config["DATABASE_URL"]
        migrations.upgrade(url, revision)
        click.echo(f"database at {migrations.current_revision(url)}")

    @db_group.command("downgrade")
    @click.argument("revision")
    def downgrade(revision: str) -> None:
        """Migrate the database down to REVISION."""
        migrations.downgrade(current_app.config["DATABASE_URL"], revision)

    @db_group.command("current")
    def current() -> None:
        """Print the revision the database is at."""
        click.echo(migrations.current_revision(current_app.config["DATABASE_URL"]) or "empty")
