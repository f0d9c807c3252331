"""JSON API for translation jobs: cancel an article's jobs, retry a failed or cancelled job."""

from __future__ import annotations

from flask import Blueprint, current_app, g, request
from sqlalchemy import select

from web.auth import api_key_required, db_session
from web.errors import error_response
from workflow import jobs
from workflow.errors import DomainError
from workflow.models import LANGUAGES, TranslationJob

bp = Blueprint("api_jobs", __name__, url_prefix="/api/v1")
csrf_exempt = True


def _language() -> tuple[str | None, object | None]:
    """The optional ``language`` of a JSON body, form field or query string."""
    data = request.get_json(silent=True)
    raw = data.get("language") if isinstance(data, dict) else None
    raw = raw if raw is not None else request.values.get("language")
    if raw is None or raw == "":
        return None, None
    if not isinstance(raw, str) or raw.lower() not in LANGUAGES:
        return None, error_response(422, "invalid_field",
                                    f"language must be one of {', '.join(LANGUAGES)}.",
                                    field="language")
    return raw.lower(), None


def _domain_error(exc: DomainError):
    db_session().rollback()
    return error_response(exc.status, exc.code, exc.message)


@bp.post("/articles/<int:article_id>/cancel")
@api_key_required("user")
def cancel(article_id: int):
    """Cancel the article's open jobs (or one target language's); 200 with what was cancelled."""
    language, problem = _language()
    if problem is not None:
        return problem
    session = db_session()
    try:
        cancelled = jobs.cancel_jobs(session, article_id, language,
                                     actor_id=g.api_key.user_id)
    except DomainError as exc:
        return _domain_error(exc)
    session.commit()
    rows = session.scalars(select(TranslationJob).where(TranslationJob.article_id == article_id)
                           .order_by(TranslationJob.id))
    return {"article_id": article_id, "cancelled": cancelled,
            "jobs": [jobs.job_progress(job) for job in rows]}


@bp.post("/jobs/<int:job_id>/retry")
@api_key_required("user")
def retry(job_id: int):
    """Send a failed or cancelled job back to the queue; 200 with the job, 409 if it is not."""
    session = db_session()
    try:
        job = jobs.retry_job(session, job_id, actor_id=g.api_key.user_id)
    except DomainError as exc:
        return _domain_error(exc)
    session.commit()
    from tasks.dispatch import dispatch_pending

    dispatch_pending(current_app.extensions["audarma.db"], current_app.extensions["celery"])
    return jobs.job_progress(job)
