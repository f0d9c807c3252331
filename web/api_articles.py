"""JSON API for articles: ``POST /api/v1/articles`` ingests, ``GET /api/v1/articles/<id>`` reads."""

from __future__ import annotations

from flask import Blueprint, current_app, g, request
from werkzeug.exceptions import RequestEntityTooLarge

from web.auth import api_key_required, db_session
from web.boundary import commit
from web.errors import error_response
from workflow.errors import DomainError, InvalidInput, NotFound
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


def _bad(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, code="invalid_field", field=field)


def _read_payload() -> dict:
    """The posted JSON object; raises a DomainError saying what is wrong with it."""
    data = request.get_json(silent=True, force=True)
    if data is None:
        raise DomainError("The request body is not valid JSON.", code="malformed_json")
    if not isinstance(data, dict):
        raise DomainError("The request body must be a JSON object.", code="malformed_json")
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown field(s): {', '.join(unknown)}. Accepted: "
                           f"{', '.join(sorted(FIELDS))}.", code="unknown_field", fields=unknown)
    body = data.get("body")
    if body is None:
        raise InvalidInput("The article body is missing.", code="empty")
    if not isinstance(body, str):
        raise _bad("body", "body must be a string.")
    for name in _TEXT_FIELDS:
        if data.get(name) is not None and not isinstance(data[name], str):
            raise _bad(name, f"{name} must be a string.")
    if data.get("external_id") is not None and not isinstance(data["external_id"], (str, int)) \
            or isinstance(data.get("external_id"), bool):
        raise _bad("external_id", "external_id must be a string.")
    targets = data.get("targets")
    if targets is not None and not (isinstance(targets, str) or (
            isinstance(targets, list) and all(isinstance(t, str) for t in targets))):
        raise _bad("targets", "targets must be a list of language codes.")
    fmt = data.get("format", "text")
    if fmt not in FORMATS:
        raise _bad("format", f"format must be one of {', '.join(FORMATS)}.")
    return data


@bp.post("/articles")
@api_key_required("user")
def create_article():
    """Ingest one article: 201 with the article; 200 with ``duplicate_of`` if it was there, or
    with ``updated: true`` when a changed copy came under a known ``external_id`` (wire update)."""
    data = _read_payload()
    session = db_session()
    external_id = data.get("external_id")
    metadata = clean_metadata(**{name: data.get(name) for name in METADATA_FIELDS})
    result = ingest_body(
        session, data["body"], data.get("format", "text"), title=data.get("title"),
        source=f"api:user{g.api_key.user_id}", source_url=data.get("source_url"),
        external_id=None if external_id is None else str(external_id),
        language=data.get("language"), targets=data.get("targets"),
        priority=data.get("priority") or None, user_id=g.api_key.user_id,
        metadata=metadata,
    )
    body = article_summary(session, result.article, duplicate_of=result.duplicate_of)
    body["warnings"] = result.warnings
    body["updated"] = result.updated
    commit()
    return body, 200 if result.is_duplicate or result.updated else 201


@bp.get("/articles/<int:article_id>")
@api_key_required("user")
def get_article(article_id: int):
    """The article with its blocks and each edition's state and progress."""
    session = db_session()
    article = session.get(Article, article_id)
    if article is None:
        raise NotFound(f"No article {article_id}.")
    body = article_summary(session, article)
    commit()  # keeps the key's last_used_at
    return body
