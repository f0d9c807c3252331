"""Post-edit effort per language direction and per model version, for editors."""

from __future__ import annotations

from flask import Blueprint, render_template

from web.auth import db_session, permission_required
from workflow.metrics import post_edit_effort
from workflow.permissions import Action

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
@permission_required(Action.METRICS)
def index():
    """Edit distance between machine output and approved text, and time spent."""
    return render_template("metrics/index.html", report=post_edit_effort(db_session()))
