"""The editor's publishing desk: publish now or at an embargo time, correct, kill."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from web.auth import db_session, permission_required
from web.boundary import commit, message_for, on_refusal
from web.i18n import viewer_zone
from workflow import clock, publishing
from workflow.errors import DomainError
from workflow.permissions import Action

bp = Blueprint("publishing", __name__, url_prefix="/publishing")


def _embargo(raw: str | None) -> datetime | None:
    """A ``datetime-local`` value, read in the editor's time zone; UTC from here on."""
    return clock.read_local(raw, viewer_zone(), what="embargo time")


def _back_to_desk(exc: DomainError):
    flash(message_for(exc), "error")
    return redirect(url_for("publishing.index"))


def _act(action, done: str):
    """Run one service call in the unit of work, flash and go back to the desk."""
    on_refusal(_back_to_desk)
    action(db_session())
    commit()
    flash(done, "success")
    return redirect(url_for("publishing.index"))


@bp.get("/")
@permission_required(Action.PUBLISH)
def index():
    """Approved, scheduled, published and withdrawn editions with their actions."""
    return render_template("publishing/index.html", rows=publishing.desk(db_session()))


@bp.post("/editions/<int:edition_id>/publish")
@permission_required(Action.PUBLISH)
def publish(edition_id: int):
    """Publish now, or schedule when an embargo time is given."""
    note = request.form.get("correction_note")
    return _act(lambda s: publishing.publish_edition(
        s, edition_id, current_user.id, _embargo(request.form.get("embargo_until")),
        correction_note=note), _("Published (or scheduled)."))


@bp.post("/editions/<int:edition_id>/correct")
@permission_required(Action.CORRECT)
def correct(edition_id: int):
    """Reopen a published edition for correction; the live version stays until republished."""
    return _act(lambda s: publishing.reopen_for_correction(s, edition_id, current_user.id),
                _("Reopened for correction. Approve it again, then publish."))


@bp.post("/editions/<int:edition_id>/kill")
@permission_required(Action.KILL)
def kill(edition_id: int):
    """Withdraw one edition with a reason."""
    reason = request.form.get("reason", "")
    return _act(lambda s: publishing.kill_edition(s, edition_id, current_user.id, reason),
                _("Withdrawn."))


@bp.post("/articles/<int:article_id>/kill")
@permission_required(Action.KILL)
def kill_article(article_id: int):
    """Withdraw every edition of an article with one reason."""
    reason = request.form.get("reason", "")
    return _act(lambda s: publishing.kill_article(s, article_id, current_user.id, reason),
                _("All editions withdrawn."))
