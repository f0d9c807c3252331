"""The ``audarma`` command: Flask's click integration around ``create_app``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup, routes_command, shell_command


def _create_app() -> Flask:
    from web import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False)
def main() -> None:
    """Audarma: the newsroom's translate → review → publish desk (kk, ru, en)."""


main.add_command(shell_command)
main.add_command(routes_command)


def register_commands(app: Flask) -> None:
    """Attach every command group to ``app.cli``."""
    from web.commands import (
        articles,
        db,
        exchange,
        glossary,
        models,
        partners,
        publishing,
        serve,
        users,
    )

    # users before articles: ``articles`` adds ``users token`` to the users group
    for module in (serve, db, users, models, exchange, glossary, articles, partners, publishing):
        module.register(app)
