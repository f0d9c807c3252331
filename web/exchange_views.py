"""XLIFF for CAT tools: download an edition, upload the returned file (desk page and API)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from web.auth import db_session, permission_required
from web.boundary import commit
from workflow.errors import InvalidInput
from workflow.exchange import xliff, xliff2
from workflow.permissions import Action

bp = Blueprint("exchange", __name__)

XLIFF_TYPE = "application/xliff+xml"


def download(edition_id: int) -> Response:
    """The edition as XLIFF 2.0, or 1.2 with ``?version=1.2`` (older CAT tools)."""
    version = request.args.get("version", "2.0")
    if version not in ("1.2", "2.0"):
        raise InvalidInput("version is 2.0 or 1.2.", code="bad_version")
    writer = xliff.export_edition if version == "1.2" else xliff2.export_edition
    data = writer(db_session(), edition_id)
    name = f"audarma-edition-{edition_id}-xliff{version}.xlf"
    return Response(data, mimetype=XLIFF_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/editions/<int:edition_id>/xliff")
@permission_required(Action.VIEW)
def export(edition_id: int):
    """The edition as an XLIFF file for a CAT tool."""
    return download(edition_id)


@bp.post("/editions/<int:edition_id>/xliff")
@permission_required(Action.EDIT_SEGMENT)
def import_file(edition_id: int):
    """Save the changed segments of a returned XLIFF file; list conflicts and refusals."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidInput("Choose an XLIFF file.", code="no_file")
    session = db_session()
    report = xliff.import_edition(session, edition_id, upload.read(), current_user.id)
    commit()
    return render_template("exchange/import_result.html", report=report, edition_id=edition_id)
