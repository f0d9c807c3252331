"""Post-edit effort per language direction and per model version, for editors."""

from __future__ import annotations

from flask import Blueprint, render_template

from web.auth import db_session, role_required
from workflow.metrics import post_edit_effort

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
@role_required("editor")
def index():
    """Edit distance between machine output and approved text, and time spent."""
    return render_template("metrics/index.html", report=post_edit_effort(db_session()))
