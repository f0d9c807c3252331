"""``audarma users``: accounts from the console."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click
from flask import Flask

from web.boundary import cli_unit
from workflow import users
from workflow.models import User
from workflow.users import create_user, parse_languages
from workflow.vocabulary import INTERFACE_LOCALES, ROLES


def _read_password(prompt: str) -> str:
    if sys.stdin.isatty():
        return click.prompt(prompt, hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\n")


def _account_switch(group: click.Group, name: str, switch: Callable[..., User], doc: str,
                    done: str) -> None:
    """Add ``users NAME USER``: ``switch`` (deactivate, reactivate) by the console operator."""

    @group.command(name, help=doc)
    @click.argument("user")
    def command(user: str) -> None:
        with cli_unit() as session:
            email = switch(session, user, None).email
        click.echo(done.format(email=email))


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
        password = _read_password("Password")
        with cli_unit() as session:
            user_id = create_user(session, email, password, list(roles),
                                  parse_languages(languages), name=name, locale=locale).id
        click.echo(f"created user {user_id} {email.lower()} ({', '.join(roles)})")

    @users_group.command("list")
    def list_() -> None:
        """Every account: id, e-mail, roles, languages, status."""
        with cli_unit() as session:
            rows = [(u.id, u.email, ",".join(u.roles), ",".join(u.languages) or "all",
                     "deactivated" if not u.is_active else
                     "one-time password" if u.must_change_password else "active")
                    for u in users.list_users(session)]
        for row in rows:
            click.echo("\t".join(str(cell) for cell in row))

    @users_group.command("passwd")
    @click.argument("user")
    def passwd(user: str) -> None:
        """Set USER's (e-mail or id) password, asked for or read from standard input.

        Their sessions end. To hand someone a temporary password, use ``reset``.
        """
        password = _read_password("New password")
        with cli_unit() as session:
            email = users.set_password(session, user, password, None).email
        click.echo(f"password changed for {email}; their sessions are signed out")

    @users_group.command("reset")
    @click.argument("user")
    def reset(user: str) -> None:
        """Give USER a one-time password (printed once) to change at their next sign-in.

        Their sessions end. Hand the password over privately.
        """
        with cli_unit() as session:
            _row, password = users.reset_password(session, user, None)
        click.echo(password)  # alone on the line, for scripts; hand it over privately

    _account_switch(users_group, "deactivate", users.deactivate,
                    "Deactivate USER: no sign-in; their sessions and API tokens end at once.",
                    "deactivated {email}; sessions and API tokens ended")
    _account_switch(users_group, "reactivate", users.reactivate,
                    "Let USER sign in again (their old API tokens stay revoked).",
                    "reactivated {email}")

    @users_group.command("token")
    @click.argument("user")
    @click.option("--label", default="api", show_default=True, help="What the token is for.")
    def token(user: str, label: str) -> None:
        """Issue a named API token for USER (printed once; keep it secret)."""
        with cli_unit() as session:
            _key, secret = users.issue_user_token(session, user, label)
        click.echo(secret)  # alone on the line, for scripts; `users tokens` lists it by id

    @users_group.command("tokens")
    @click.argument("user", required=False)
    def tokens(user: str | None) -> None:
        """List user API tokens (all, or USER's): id, owner, name, prefix, created, status."""
        with cli_unit() as session:
            rows = [(k.id, k.user.email if k.user else "-", k.label, f"ak_{k.prefix}…",
                     k.created_at.isoformat(timespec="minutes"),
                     f"revoked {k.revoked_at.isoformat(timespec='minutes')}" if k.revoked_at
                     else "active")
                    for k in users.user_tokens(session, user)]
        for row in rows:
            click.echo("\t".join(str(cell) for cell in row))

    @users_group.command("revoke-token")
    @click.argument("key_id", type=int)
    def revoke_token(key_id: int) -> None:
        """Revoke a user's API token by id; requests with it get 401 from then on."""
        with cli_unit() as session:
            users.revoke_user_token(session, key_id, None)
        click.echo(f"revoked token {key_id}")
