"""Editions flagged "needs correction": the list, the banner on every desk page, dismissal."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from web.auth import db_session, role_required
from web.boundary import done
from workflow import corrections

bp = Blueprint("corrections", __name__)


def _languages() -> list[str] | None:
    """A translator sees their languages; editors see every language."""
    if current_user.has_role("editor") or current_user.has_role("admin"):
        return None
    return list(current_user.languages or []) or None


@bp.app_context_processor
def _flagged_helper() -> dict:
    """``flagged_editions()`` for the desk pages: flagged editions the user should see."""

    def flagged_editions(limit: int = 20):
        if not current_user.is_authenticated:
            return []
        return corrections.flagged_lines(db_session(), _languages(), limit=limit)

    return {"flagged_editions": flagged_editions}


@bp.get("/corrections")
@role_required()
def index():
    """Every edition waiting for a correction (in the translator's languages)."""
    editions = corrections.needing_correction(db_session(), _languages())
    return render_template("corrections/index.html", editions=editions)


@bp.post("/editions/<int:edition_id>/correction/dismiss")
@role_required("editor")
def dismiss(edition_id: int):
    """An editor records that the flagged edition needs no change."""
    corrections.dismiss(db_session(), edition_id, current_user.id,
                        request.form.get("reason", ""))
    return done(_("Correction flag cleared."), redirect(url_for("corrections.index")))
