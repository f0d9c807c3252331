"""JSON API for translation jobs: cancel an article's jobs, retry a failed or cancelled job."""

from __future__ import annotations

from flask import Blueprint, g, request
from sqlalchemy import select

from web.auth import api_key_required, db_session
from web.boundary import commit
from workflow.errors import InvalidInput
from workflow.jobs import queue as jobs
from workflow.models import TranslationJob
from workflow.vocabulary import LANGUAGES

bp = Blueprint("api_jobs", __name__, url_prefix="/api/v1")
csrf_exempt = True


def _language() -> str | None:
    """The optional ``language`` of a JSON body, form field or query string."""
    data = request.get_json(silent=True)
    raw = data.get("language") if isinstance(data, dict) else None
    raw = raw if raw is not None else request.values.get("language")
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or raw.lower() not in LANGUAGES:
        raise InvalidInput(f"language must be one of {', '.join(LANGUAGES)}.",
                           code="invalid_field", field="language")
    return raw.lower()


@bp.post("/articles/<int:article_id>/cancel")
@api_key_required("user")
def cancel(article_id: int):
    """Cancel the article's open jobs (or one target language's); 200 with what was cancelled."""
    language = _language()
    session = db_session()
    cancelled = jobs.cancel_jobs(session, article_id, language, actor_id=g.api_key.user_id)
    commit()
    rows = session.scalars(select(TranslationJob).where(TranslationJob.article_id == article_id)
                           .order_by(TranslationJob.id))
    return {"article_id": article_id, "cancelled": cancelled,
            "jobs": [jobs.job_progress(job) for job in rows]}


@bp.post("/jobs/<int:job_id>/retry")
@api_key_required("user")
def retry(job_id: int):
    """Send a failed or cancelled job back to the queue; 200 with the job, 409 if it is not."""
    job = jobs.retry_job(db_session(), job_id, actor_id=g.api_key.user_id)
    commit()
    return jobs.job_progress(job)
