"""JSON API of the publishing desk (user key, editor role): list it, and run any action on an
edition or withdraw a whole article, through the same services and checks as the desk's pages."""

from __future__ import annotations

from flask import Blueprint, g, request

from web.auth import api_key_required, db_session
from web.boundary import commit
from web.publishing_desk import desk_query, parse_embargo
from workflow.errors import InvalidInput
from workflow.publishing import actions as publishing_actions
from workflow.publishing import desk as publishing_desk
from workflow.vocabulary import PUBLISHED_LANGUAGES

bp = Blueprint("api_publishing", __name__, url_prefix="/api/v1")
csrf_exempt = True

_FIELDS = {"embargo_until", "note", "reason"}


def _body() -> dict:
    """The posted JSON object (empty body allowed); unknown fields are refused, not dropped."""
    if not request.get_data():
        return {}
    data = request.get_json(silent=True, force=True)
    if not isinstance(data, dict):
        raise InvalidInput("The request body must be a JSON object.", code="malformed_json")
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown field(s): {', '.join(unknown)}; use "
                           f"{', '.join(sorted(_FIELDS))}.", code="unknown_field")
    for name, value in data.items():
        if value is not None and not isinstance(value, str):
            raise InvalidInput(f"{name} must be a string.", code="invalid_field", field=name)
    return data


def _edition_json(row: publishing_desk.DeskEdition) -> dict:
    e, latest = row.edition, row.latest
    return {"edition_id": e.id, "language": e.language, "source": e.is_source, "state": e.state,
            "actions": row.actions,
            "latest": None if latest is None else {
                "version": latest.version, "status": latest.status,
                "embargo_until": latest.embargo_until.isoformat() if latest.embargo_until else None,
                "published_at": latest.published_at.isoformat() if latest.published_at else None}}


@bp.get("/publishing")
@api_key_required("user")
def list_publishing():
    """One page of the publishing desk, with the same filters as the page."""
    session = db_session()
    publishing_actions.require_publisher(session, g.api_key.user_id)
    page = publishing_desk.list_desk(session, desk_query(request.args))
    body = {"page": page.page, "has_next": page.has_next, "articles": [
        {"article_id": r.article.id, "title": r.article.title, "category": r.article.category,
         "created_at": r.article.created_at.isoformat(),
         "editions": [_edition_json(e) for e in r.editions]} for r in page.rows]}
    commit()  # keeps the key's last_used_at
    return body


@bp.post("/editions/<int:edition_id>/publishing/<action>")
@api_key_required("user")
def edition_action(edition_id: int, action: str):
    """Publish, release now, reschedule, cancel the schedule, correct, kill or reopen."""
    publishing_actions.require_publisher(db_session(), g.api_key.user_id, action=action)
    data = _body()
    outcome = publishing_actions.perform(
        db_session(), action, edition_id, g.api_key.user_id,
        embargo_until=parse_embargo(data.get("embargo_until")),
        note=(data.get("note") or "")[:500], reason=(data.get("reason") or "")[:500])
    commit()
    return outcome.as_dict()


@bp.post("/articles/<int:article_id>/kill")
@api_key_required("user")
def kill_article(article_id: int):
    """Withdraw every published or scheduled edition of an article with one reason."""
    publishing_actions.require_publisher(db_session(), g.api_key.user_id, action="kill")
    data = _body()
    outcomes = publishing_actions.kill_article(db_session(), article_id, g.api_key.user_id,
                                               (data.get("reason") or "")[:500])
    commit()
    return {"article_id": article_id, "editions": [o.as_dict() for o in outcomes]}


def _path_id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 1}}


def _err(description: str) -> dict:
    return {"description": description, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}}


_OUTCOME = {"type": "object", "properties": {
    "action": {"type": "string"}, "edition_id": {"type": "integer"},
    "article_id": {"type": "integer"}, "language": {"type": "string"},
    "state": {"type": "string"}, "version": {"type": ["integer", "null"]},
    "at": {"type": ["string", "null"]}}}
_ERRORS = {"401": _err("No valid user key."), "403": _err("The key's user is not an editor."),
           "404": _err("No such edition or article."),
           "409": _err("Not possible in the edition's state."),
           "422": _err("A field is missing or invalid.")}

OPENAPI_PATHS = {
    "/api/v1/publishing": {"get": {
        "operationId": "listPublishing",
        "summary": "One page of the publishing desk: articles newest first with their editions.",
        "security": [{"bearer": []}],
        "parameters": [
            {"name": "state", "in": "query", "required": False, "schema": {
                "type": "string", "enum": list(publishing_desk.DESK_STATES)}},
            {"name": "language", "in": "query", "required": False,
             "schema": {"type": "string", "enum": list(PUBLISHED_LANGUAGES)}},
            {"name": "category", "in": "query", "required": False,
             "schema": {"type": "string", "maxLength": 100}},
            {"name": "q", "in": "query", "required": False,
             "schema": {"type": "string", "maxLength": 200}},
            {"name": "from", "in": "query", "required": False,
             "schema": {"type": "string", "format": "date"}},
            {"name": "to", "in": "query", "required": False,
             "schema": {"type": "string", "format": "date"}},
            {"name": "page", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1}},
        ],
        "responses": {"200": {"description": "A page.", "content": {"application/json": {
            "schema": {"type": "object"}}}}, **_ERRORS},
    }},
    "/api/v1/editions/{edition_id}/publishing/{action}": {"post": {
        "operationId": "editionPublishingAction",
        "summary": "Run one publishing action on an edition (user key, editor).",
        "description": "publish (embargo_until optional; note required for a new version), "
                       "release_now, reschedule (embargo_until), cancel_schedule, correct, "
                       "kill (reason), reopen (after a kill).",
        "security": [{"bearer": []}],
        "parameters": [_path_id("edition_id"),
                       {"name": "action", "in": "path", "required": True, "schema": {
                           "type": "string", "enum": list(publishing_actions.ACTIONS)}}],
        "requestBody": {"required": False, "content": {"application/json": {"schema": {
            "type": "object", "additionalProperties": False, "properties": {
                "embargo_until": {"type": "string",
                                  "description": "ISO 8601; UTC when no zone is given"},
                "note": {"type": "string", "maxLength": 500},
                "reason": {"type": "string", "maxLength": 500}}}}}},
        "responses": {"200": {"description": "What happened.", "content": {
            "application/json": {"schema": _OUTCOME}}}, **_ERRORS},
    }},
    "/api/v1/articles/{article_id}/kill": {"post": {
        "operationId": "killArticle",
        "summary": "Withdraw every published or scheduled edition of an article (editor).",
        "security": [{"bearer": []}],
        "parameters": [_path_id("article_id")],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "additionalProperties": False, "required": ["reason"],
            "properties": {"reason": {"type": "string", "maxLength": 500}}}}}},
        "responses": {"200": {"description": "The withdrawn editions.", "content": {
            "application/json": {"schema": {"type": "object"}}}}, **_ERRORS},
    }},
}
