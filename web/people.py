"""A person's own settings: the interface language (kk, ru, en)."""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user

from web.auth import db_session, role_required
from web.boundary import commit
from web.i18n import LOCALES
from web.safe_redirect import same_origin_path
from workflow.desk import set_locale

bp = Blueprint("people", __name__)


def _back() -> str:
    return same_origin_path(request.form.get("next")) or url_for("dashboard.index")


@bp.post("/account/locale")
@role_required()
def locale():
    """Switch the signed-in user's interface language."""
    chosen = request.form.get("locale", "")
    if chosen in LOCALES:
        session = db_session()
        set_locale(session, current_user.id, chosen)
        commit()
    return redirect(_back())
