"""A job's stored error as the desk shows it, in the reader's language and time zone."""

from __future__ import annotations

from flask import Flask
from flask_babel import format_datetime
from flask_babel import gettext as _

from workflow.jobs.capabilities import parse_reason


def job_note(error: str | None) -> str:
    """"no worker serves en→kk since …" localised; any other error as stored."""
    parsed = parse_reason(error)
    if parsed is None:
        return error or ""
    (source, target), since = parsed
    pair = f"{source}→{target}"
    if since is None:
        return _("No worker serves %(pair)s yet.", pair=pair)
    return _("No worker serves %(pair)s since %(time)s.", pair=pair,
             time=format_datetime(since, "short"))


def init_app(app: Flask) -> None:
    """Make ``job_note`` available to templates."""
    app.jinja_env.globals["job_note"] = job_note
