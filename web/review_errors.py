"""Domain errors of the review desk as translated pages or JSON, never a 500."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from web.errors import error_response, wants_json
from workflow.errors import DomainError


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
        "taken": lambda: _("Someone else already works on this edition."),
        "not_found": lambda: _("Not found."),
        "no_user": lambda: _("Sign in again to continue."),
    }
    make = messages.get(exc.code)
    return make() if make else exc.message


def wants_json_reply() -> bool:
    """JSON for the editor's fetch calls and API-style clients, pages otherwise."""
    return wants_json() or request.headers.get("X-Requested-With") == "fetch"


def handle_domain_errors(bp: Blueprint) -> None:
    """Register the DomainError handler on one of the desk's blueprints."""

    @bp.errorhandler(DomainError)
    def _domain_error(exc: DomainError):
        from web.auth import db_session

        session = db_session()
        if exc.code == "stale_version" or exc.code == "own_work":
            session.commit()  # keep the conflicting text / the refused attempt in the audit
        else:
            session.rollback()
        message = message_for(exc)
        if wants_json_reply():
            return error_response(exc.status, exc.code, message, **exc.detail)
        edition_id = (request.view_args or {}).get("edition_id")
        return render_template("editor/refused.html", message=message, status=exc.status,
                               edition_id=edition_id), exc.status
