"""``audarma users``: accounts from the console."""

from __future__ import annotations

import sys

import click
from flask import Flask

from web.boundary import cli_unit
from workflow.users import create_user, parse_languages
from workflow.vocabulary import INTERFACE_LOCALES, ROLES


def register(app: Flask) -> None:
    """Add the ``users`` group."""

    @app.cli.group("users")
    def users_group() -> None:
        """Accounts of translators, editors and admins."""

    @users_group.command("create")
    @click.argument("email")
    @click.option("--role", "roles", multiple=True, required=True,
                  type=click.Choice(ROLES),
                  help="Role; repeat for several.")
    @click.option("--languages", default="", help="Working languages, e.g. kk,ru")
    @click.option("--name", default="", help="Display name.")
    @click.option("--locale", default="en", type=click.Choice(INTERFACE_LOCALES))
    def create(email: str, roles: tuple[str, ...], languages: str, name: str, locale: str) -> None:
        """Create a user; the password is asked for, or read from standard input."""
        from web.commands import require_schema

        require_schema()
        if sys.stdin.isatty():
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        else:
            password = sys.stdin.readline().rstrip("\n")
        with cli_unit() as session:
            user = create_user(session, email, password, list(roles),
                               parse_languages(languages), name=name, locale=locale)
            user_id = user.id
        click.echo(f"created user {user_id} {email.lower()} ({', '.join(roles)})")
