"""Exports of an article's audit trail (CSV for spreadsheets, JSON for tools)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from web.auth import db_session, role_required
from workflow import audit_trail

bp = Blueprint("audit", __name__)


@bp.get("/articles/<int:article_id>/audit.csv")
@role_required("editor")
def export_csv(article_id: int):
    """Every action on the article and its editions, oldest first, as CSV."""
    body = audit_trail.to_csv(audit_trail.article_trail(db_session(), article_id))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="article-{article_id}-audit.csv"'})


@bp.get("/articles/<int:article_id>/audit.json")
@role_required("editor")
def export_json(article_id: int):
    """The same trail as JSON: ``{"article_id", "events": [...]}``."""
    entries = audit_trail.article_trail(db_session(), article_id)
    return jsonify({"article_id": article_id, "events": [e.to_json() for e in entries]})
