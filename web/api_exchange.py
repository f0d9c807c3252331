"""XLIFF through the API with a user key: the same export and import as the desk's."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from web.auth import api_key_required, db_session
from web.errors import error_response
from web.exchange_views import download
from workflow.errors import DomainError
from workflow.exchange import xliff

bp = Blueprint("api_exchange", __name__, url_prefix="/api/v1")
csrf_exempt = True


@bp.get("/editions/<int:edition_id>/xliff")
@api_key_required("user")
def export(edition_id: int):
    """The edition as XLIFF 2.0 (``?version=1.2`` for older tools)."""
    try:
        return download(edition_id)
    except DomainError as exc:
        return error_response(exc.status, exc.code, exc.message, **exc.detail)


@bp.post("/editions/<int:edition_id>/xliff")
@api_key_required("user")
def import_file(edition_id: int):
    """Import a returned XLIFF file sent as the request body; answers the import report."""
    session = db_session()
    try:
        report = xliff.import_edition(session, edition_id, request.get_data(), g.api_key.user_id)
    except DomainError as exc:
        session.rollback()
        return error_response(exc.status, exc.code, exc.message, **exc.detail)
    session.commit()
    return jsonify(report.to_json())
