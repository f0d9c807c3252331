"""``/metrics``: post-edit effort for editors in a browser, Prometheus text for scrapers."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from web import prometheus
from web.auth import db_session, permission_required
from web.errors import error_response
from workflow import evaluations
from workflow.metrics import post_edit_effort
from workflow.partners.keys import find_key
from workflow.permissions import Action

bp = Blueprint("metrics", __name__)


def _wants_page() -> bool:
    """A signed-in person or a browser (it names text/html); Prometheus and curl do neither."""
    if request.headers.get("Authorization"):
        return False
    if current_user.is_authenticated:
        return True
    return any(mimetype == "text/html" for mimetype, _q in request.accept_mimetypes)


def _scraper_allowed() -> bool:
    """From an allowed address (``AUDARMA_METRICS_ALLOW``) or with an admin's API token."""
    if prometheus.scrape_allowed(current_app.config["METRICS_ALLOW"], request.remote_addr):
        return True
    header = request.headers.get("Authorization", "")
    secret = header[7:].strip() if header.lower().startswith("bearer ") else ""
    key = find_key(db_session(), secret) if secret else None
    user = key.user if key is not None and key.user_id is not None else None
    return bool(user is not None and user.is_active and user.has_role("admin"))


@bp.get("/metrics")
def index():
    """Edit distance for editors (HTML), or the operator's scrape (Prometheus text)."""
    if _wants_page():
        return _effort_page()
    if not _scraper_allowed():
        return error_response(403, "forbidden",
                              "Metrics are served to allowed addresses or an admin's API key.")
    database = current_app.extensions["audarma.db"]
    return prometheus.response(database.session_factory)


@permission_required(Action.METRICS)
def _effort_page():
    """Edit distance between machine output and approved text, and time spent."""
    session = db_session()
    return render_template("metrics/index.html", report=post_edit_effort(session),
                           evaluations=evaluations.latest(session))
