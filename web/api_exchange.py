"""XLIFF through the API with a user key: the same export and import as the desk's."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from web.auth import api_key_required, db_session
from web.boundary import commit
from web.exchange_views import download
from workflow.exchange import xliff

bp = Blueprint("api_exchange", __name__, url_prefix="/api/v1")
csrf_exempt = True


@bp.get("/editions/<int:edition_id>/xliff")
@api_key_required("user")
def export(edition_id: int):
    """The edition as XLIFF 2.0 (``?version=1.2`` for older tools)."""
    return download(edition_id)


@bp.post("/editions/<int:edition_id>/xliff")
@api_key_required("user")
def import_file(edition_id: int):
    """Import a returned XLIFF file sent as the request body; answers the import report."""
    report = xliff.import_edition(db_session(), edition_id, request.get_data(), g.api_key.user_id)
    commit()
    return jsonify(report.to_json())
