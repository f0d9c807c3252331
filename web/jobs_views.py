"""Dashboard actions on translation jobs: small POST forms that cancel or retry, then go back."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from web.auth import db_session, permission_required
from web.boundary import commit, on_refusal
from workflow.errors import DomainError
from workflow.jobs import queue as jobs
from workflow.models import Article, TranslationJob
from workflow.permissions import Action
from workflow.vocabulary import LANGUAGES

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def _back():
    """Redirect to the page the form was on (same site only), else the desk."""
    target = request.form.get("next") or request.referrer or ""
    parts = urlsplit(target)
    if parts.netloc and parts.netloc != request.host:
        target = ""
    path = parts.path if target else ""
    if not path.startswith("/") or path.startswith("//"):
        return redirect(url_for("dashboard.index"))
    return redirect(path + (f"?{parts.query}" if parts.query else ""))


def _refused(message: str):
    """A refused job action: say ``message`` and go back to the page the form was on."""

    def reply(_exc: DomainError):
        flash(message, "error")
        return _back()

    return reply


@bp.post("/articles/<int:article_id>/cancel")
@permission_required(Action.CANCEL_JOBS)
def cancel(article_id: int):
    """Cancel an article's open jobs, or one language's (form field ``language``)."""
    language = (request.form.get("language") or "").lower() or None
    if language and language not in LANGUAGES:
        flash(_("Unknown language."), "error")
        return _back()
    session = db_session()
    if session.get(Article, article_id) is None:
        abort(404)
    on_refusal(_refused(_("There is no translation job to cancel.")))
    cancelled = jobs.cancel_jobs(session, article_id, language, actor_id=current_user.id)
    commit()
    if cancelled:
        flash(_("%(count)s translation job(s) cancelled.", count=len(cancelled)), "info")
    else:
        flash(_("Nothing to cancel: the translation is already done or cancelled."), "info")
    return _back()


@bp.post("/<int:job_id>/retry")
@permission_required(Action.RETRY_JOB)
def retry(job_id: int):
    """Queue a failed or cancelled job again."""
    session = db_session()
    if session.get(TranslationJob, job_id) is None:
        abort(404)
    on_refusal(_refused(_("Only a failed or cancelled translation job can be retried.")))
    jobs.retry_job(session, job_id, actor_id=current_user.id)
    commit()
    flash(_("The translation job is queued again."), "info")
    return _back()
