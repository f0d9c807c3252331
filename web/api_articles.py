"""JSON API for articles: ``POST /api/v1/articles`` ingests, ``GET /api/v1/articles/<id>`` reads."""

from __future__ import annotations

from flask import Blueprint, current_app, g, request
from werkzeug.exceptions import RequestEntityTooLarge

from web.auth import api_key_required, db_session
from web.errors import error_response
from workflow.errors import DomainError
from workflow.ingest.service import FORMATS, ingest_body
from workflow.ingest.summary import article_summary
from workflow.metadata import METADATA_FIELDS, clean_metadata
from workflow.models import Article

bp = Blueprint("api_articles", __name__, url_prefix="/api/v1")
csrf_exempt = True

_TEXT_FIELDS = ("title", "language", "source_url", "priority")
FIELDS = frozenset({"body", "format", "external_id", "targets", *_TEXT_FIELDS, *METADATA_FIELDS})


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc: RequestEntityTooLarge):
    limit = current_app.config["MAX_ARTICLE_BYTES"] / (1024 * 1024)
    return error_response(413, "too_large", f"The request is larger than the {limit:.0f} MB limit.")


def _bad(field: str, message: str):
    return error_response(422, "invalid_field", message, field=field)


def _read_payload():
    """The posted JSON object, or an error response."""
    data = request.get_json(silent=True, force=True)
    if data is None:
        return None, error_response(400, "malformed_json", "The request body is not valid JSON.")
    if not isinstance(data, dict):
        return None, error_response(400, "malformed_json",
                                    "The request body must be a JSON object.")
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        return None, error_response(
            422, "unknown_field", f"Unknown field(s): {', '.join(unknown)}. Accepted: "
            f"{', '.join(sorted(FIELDS))}.", fields=unknown)
    body = data.get("body")
    if body is None:
        return None, error_response(422, "empty", "The article body is missing.")
    if not isinstance(body, str):
        return None, _bad("body", "body must be a string.")
    for name in _TEXT_FIELDS:
        if data.get(name) is not None and not isinstance(data[name], str):
            return None, _bad(name, f"{name} must be a string.")
    if data.get("external_id") is not None and not isinstance(data["external_id"], (str, int)) \
            or isinstance(data.get("external_id"), bool):
        return None, _bad("external_id", "external_id must be a string.")
    targets = data.get("targets")
    if targets is not None and not (isinstance(targets, str) or (
            isinstance(targets, list) and all(isinstance(t, str) for t in targets))):
        return None, _bad("targets", "targets must be a list of language codes.")
    fmt = data.get("format", "text")
    if fmt not in FORMATS:
        return None, _bad("format", f"format must be one of {', '.join(FORMATS)}.")
    return data, None


@bp.post("/articles")
@api_key_required("user")
def create_article():
    """Ingest one article: 201 with the article; 200 with ``duplicate_of`` if it was there, or
    with ``updated: true`` when a changed copy came under a known ``external_id`` (wire update)."""
    data, problem = _read_payload()
    if problem is not None:
        return problem
    session = db_session()
    external_id = data.get("external_id")
    try:
        metadata = clean_metadata(**{name: data.get(name) for name in METADATA_FIELDS})
        result = ingest_body(
            session, data["body"], data.get("format", "text"), title=data.get("title"),
            source=f"api:user{g.api_key.user_id}", source_url=data.get("source_url"),
            external_id=None if external_id is None else str(external_id),
            language=data.get("language"), targets=data.get("targets"),
            priority=data.get("priority") or None, user_id=g.api_key.user_id,
            metadata=metadata,
        )
    except DomainError as exc:
        session.rollback()
        detail = {k: v for k, v in exc.detail.items() if isinstance(v, (str, int, float))}
        return error_response(exc.status, exc.code, exc.message, **detail)
    body = article_summary(session, result.article, duplicate_of=result.duplicate_of)
    body["warnings"] = result.warnings
    body["updated"] = result.updated
    session.commit()
    if not result.is_duplicate:
        from tasks.dispatch import dispatch_pending

        dispatch_pending(current_app.extensions["audarma.db"], current_app.extensions["celery"])
    return body, 200 if result.is_duplicate or result.updated else 201


@bp.get("/articles/<int:article_id>")
@api_key_required("user")
def get_article(article_id: int):
    """The article with its blocks and each edition's state and progress."""
    session = db_session()
    article = session.get(Article, article_id)
    if article is None:
        return error_response(404, "not_found", f"No article {article_id}.")
    body = article_summary(session, article)
    session.commit()  # keeps the key's last_used_at
    return body
