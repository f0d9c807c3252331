"""The request boundary, once: commit the unit of work, and turn every DomainError into a reply.

Views parse input, call one service, ``commit()`` (or ``done(message, then)``: commit, say what
happened, go on), render. A service that refuses raises a ``workflow.errors.DomainError``; the
one handler here rolls the work back (or keeps it when the error says so: a stale save's text, a
refused approval in the audit), then answers with JSON (the API, the editor's fetch calls) or a
page. A view whose refusal should look different (flash and go back, re-render its form) says so
with ``on_refusal(reply)`` before calling the service.
CLI commands use ``cli_unit()``: one transaction, a DomainError becomes the command's message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from flask import Flask, current_app, flash, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from web.errors import error_response, wants_json
from workflow.db import Database
from workflow.errors import DomainError

Reply = Callable[[DomainError], object]


def database() -> Database:
    """The app's Database (the unit of work)."""
    return current_app.extensions["audarma.db"]


def commit() -> None:
    """Commit the request's session once, then run the effects its services asked for."""
    database().commit()


def done(message: str, then: ResponseReturnValue) -> ResponseReturnValue:
    """Commit the request's work, flash ``message`` (what happened), answer with ``then``."""
    commit()
    flash(message, "success")
    return then


def on_refusal(reply: Reply) -> None:
    """Answer this request's DomainError with ``reply(exc)`` instead of the refusal page."""
    g.audarma_refusal = reply


def message_for(exc: DomainError) -> str:
    """The error in the reader's interface language (falls back to the service's English)."""
    detail = exc.detail
    messages = {
        "stale_version": lambda: _("Someone saved this segment after you opened it. "
                                   "Both texts are kept."),
        "not_editable": lambda: _("This edition cannot be edited in its current state."),
        "empty_segment": lambda: _("An empty segment cannot be confirmed."),
        "too_long": lambda: _("The text is too long."),
        "unconfirmed": lambda: _("%(count)s segment(s) are not confirmed yet.",
                                 count=detail.get("missing", "?")),
        "blocking_checks": lambda: _("%(count)s segment(s) still have blocking warnings: fix "
                                     "them or explain why they are fine.",
                                     count=detail.get("blocking", "?")),
        "own_work": lambda: _("You edited or submitted this edition, so another editor must "
                              "approve it."),
        "not_editor": lambda: _("Only editors can approve or send back editions."),
        "not_translator": lambda: _("Only translators can edit editions."),
        "wrong_language": lambda: _("This edition is not in one of your working languages."),
        "not_submitted": lambda: _("Only a submitted edition can be approved or sent back."),
        "empty_comment": lambda: _("Write a comment first."),
        "derived_edition": lambda: _("The Kazakh Latin edition is written from the approved "
                                     "Kazakh edition; correct the Kazakh edition instead."),
        "kazakh_not_approved": lambda: _("Approve the Kazakh edition first: the Latin edition "
                                         "is written again from its approval."),
        "taken": lambda: _("Someone else already works on this edition."),
        "not_found": lambda: _("Not found."),
        # model licences (workflow/model_licences.py)
        "noncommercial_model": lambda: _(
            "Machine segments of this edition came from %(packages)s, whose licence forbids "
            "commercial use. An admin can allow publishing such output on the Models page.",
            packages=", ".join(map(str, detail.get("packages") or ()))),
        "licence_not_acknowledged": lambda: _(
            "Confirm that this newsroom may publish the output of models whose licence forbids "
            "commercial use."),
        "no_user": lambda: _("Sign in again to continue."),
        # accounts (workflow/users.py) and the newsroom's clock (workflow/clock.py)
        "wrong_password": lambda: _("The current password is wrong."),
        "weak_password": lambda: _("The password must be at least %(count)s characters.",
                                   count=detail.get("minimum", "?")),
        "same_password": lambda: _("The new password must differ from the current one."),
        "inactive_user": lambda: _("This account is deactivated."),
        "own_account": lambda: _("You cannot deactivate your own account."),
        "last_admin": lambda: _("This is the last active admin: make someone else admin "
                                "first."),
        "no_such_user": lambda: _("No such user."),
        "no_such_token": lambda: _("No such token."),
        "token_label": lambda: _("Name the token (up to 200 characters), e.g. what uses it."),
        "unknown_zone": lambda: _("%(zone)s is not a time zone name such as Asia/Almaty.",
                                  zone=detail.get("zone", "")),
        "bad_time": lambda: _("%(value)s is not a date and time.", value=detail.get("value", "")),
        "nonexistent_time": lambda: _("%(value)s does not exist in %(zone)s: the clocks skip "
                                      "it. Choose another time.", value=detail.get("value", ""),
                                      zone=detail.get("zone", "")),
        "ambiguous_time": lambda: _("%(value)s happens twice in %(zone)s (the clocks go back): "
                                    "it is %(first)s or %(second)s. Choose another time.",
                                    value=detail.get("value", ""), zone=detail.get("zone", ""),
                                    first=detail.get("first", ""),
                                    second=detail.get("second", "")),
    }
    make = messages.get(exc.code)
    return make() if make else exc.message


def error_body(exc: DomainError) -> dict:
    """``{"code", "message", ...}`` with the error's plain detail: the API's and CLI's shape."""
    plain = (str, int, float)
    detail = {k: v for k, v in exc.detail.items() if isinstance(v, plain)
              or isinstance(v, list) and all(isinstance(x, plain) for x in v)}
    return {**detail, "code": exc.code, "message": exc.message}


def _is_api() -> bool:
    """Bearer-key clients get the service's stable English message, the desk a translated one."""
    return request.path.startswith(("/api/", "/feeds/"))


def api_error(exc: DomainError):
    """The JSON reply of the API and feeds: ``{"error": {"code", "message", ...detail}}``."""
    body = error_body(exc)
    return error_response(exc.status, body.pop("code"), body.pop("message"), **body)


def _domain_error(exc: DomainError):
    if exc.keep_work:
        database().commit()  # the stale text, the refused attempt: kept in the audit
    else:
        database().rollback()
    reply = g.pop("audarma_refusal", None)
    if _is_api():
        return api_error(exc)
    if reply is not None:
        return reply(exc)
    message = message_for(exc)
    if wants_json() or request.headers.get("X-Requested-With") == "fetch":
        body = error_body(exc)
        body.pop("code"), body.pop("message")
        return error_response(exc.status, exc.code, message, **body)
    edition_id = (request.view_args or {}).get("edition_id")
    return render_template("editor/refused.html", message=message, status=exc.status,
                           edition_id=edition_id), exc.status


def init_app(app: Flask) -> None:
    """Register the one DomainError handler for every blueprint."""
    app.register_error_handler(DomainError, _domain_error)


@contextmanager
def cli_errors() -> Iterator[None]:
    """A DomainError inside stops the CLI command with the service's message and its code."""
    try:
        yield
    except DomainError as exc:
        raise click.ClickException(f"{exc.message} ({exc.code})") from None


@contextmanager
def cli_unit() -> Iterator[Session]:
    """One transaction for a CLI command (its effects run after commit); refusals as above."""
    with cli_errors(), database().unit() as session:
        yield session
