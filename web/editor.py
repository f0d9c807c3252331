"""The segment editor: autosave per segment, confirm, comment, submit, approve, send back."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from web.auth import db_session, permission_required
from web.boundary import commit
from workflow import audit_trail, desk, review
from workflow.db import as_id
from workflow.errors import InvalidInput
from workflow.metrics import edit_distance
from workflow.permissions import Action

bp = Blueprint("editor", __name__)


@bp.get("/editions/<int:edition_id>")
@permission_required(Action.VIEW)
def edition(edition_id: int):
    """Source | machine output | editable target, block by block, with per-segment help."""
    session = db_session()
    view = desk.edition_view(session, edition_id, current_user.id,
                             low_confidence=current_app.config["LOW_CONFIDENCE"],
                             only_low_confidence=request.args.get("show") == "low-confidence")
    publish_actions, latest_version = [], None
    if current_user.has_role("editor"):
        from workflow.publishing.actions import actions_for, latest_version_of

        publish_actions = actions_for(view.edition.state)
        latest_version = latest_version_of(session, edition_id)
    return render_template("editor/edition.html", view=view, check_labels=_check_labels(),
                           word_diff=review.word_diff, publish_actions=publish_actions,
                           latest_version=latest_version)


def _check_labels() -> dict[str, str]:
    from web.dashboard import CHECK_CODES, label_for

    return {code: label_for(code) for code in CHECK_CODES}


def _segment_input() -> tuple[str, int, int]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidInput("Send JSON with text and version.", code="bad_request")
    text, version, spent = data.get("text"), data.get("version"), data.get("time_ms", 0)
    if not isinstance(text, str) or not isinstance(version, int) or not isinstance(spent, int):
        raise InvalidInput("Send JSON with text and version.", code="bad_request")
    return text, version, spent


def _segment_reply(session, row) -> object:
    """The saved segment, and the edition's counts so the page's progress line stays current."""
    ready = review.readiness(session, row.edition_id)
    return jsonify({
        "id": row.id, "version": row.version, "state": row.state, "text": row.text,
        "checks": [{"code": c.get("code"), "severity": c.get("severity"),
                    "message": c.get("message")} for c in row.checks or []],
        "distance": edit_distance(row.machine_text, row.text),
        "ready": {"confirmed": ready.confirmed, "total": ready.total, "blocking": ready.blocking},
    })


@bp.post("/segments/<int:translation_id>/save")
@permission_required(Action.EDIT_SEGMENT)
def save(translation_id: int):
    """Autosave one segment; 409 with both texts when someone saved after this version."""
    text, version, spent = _segment_input()
    session = db_session()
    row = review.save_segment(session, translation_id, text, version, current_user.id, spent)
    commit()
    return _segment_reply(session, row)


@bp.post("/segments/<int:translation_id>/confirm")
@permission_required(Action.EDIT_SEGMENT)
def confirm(translation_id: int):
    """Save and confirm one segment (Ctrl+Enter)."""
    text, version, spent = _segment_input()
    session = db_session()
    row = review.confirm_segment(session, translation_id, text, version, current_user.id, spent)
    commit()
    return _segment_reply(session, row)


@bp.post("/editions/<int:edition_id>/comments")
@permission_required(Action.COMMENT)
def comment(edition_id: int):
    """Comment on the edition or on one of its segments."""
    raw = as_id(request.form.get("translation_id", ""))
    session = db_session()
    review.add_comment(session, edition_id, current_user.id, request.form.get("body", ""), raw)
    commit()
    flash(_("Comment added."), "success")
    anchor = f"seg-{raw}" if raw is not None else "comments"
    return redirect(url_for("editor.edition", edition_id=edition_id, _anchor=anchor))


@bp.post("/editions/<int:edition_id>/submit")
@permission_required(Action.SUBMIT_SOURCE)
def submit(edition_id: int):
    """Hand the edition to the editors."""
    session = db_session()
    review.submit_edition(session, edition_id, current_user.id,
                          request.form.get("override_note", "")[:2000])
    commit()
    flash(_("Edition submitted for approval."), "success")
    return redirect(url_for("editor.edition", edition_id=edition_id))


@bp.post("/editions/<int:edition_id>/approve")
@permission_required(Action.APPROVE)
def approve(edition_id: int):
    """Approve the edition (never one you edited); its segments go to translation memory."""
    session = db_session()
    review.approve_edition(session, edition_id, current_user.id,
                           request.form.get("override_note", "")[:2000])
    commit()
    flash(_("Edition approved."), "success")
    return redirect(url_for("editor.edition", edition_id=edition_id))


@bp.post("/editions/<int:edition_id>/credits")
@permission_required(Action.EDIT_BYLINE)
def credits(edition_id: int):
    """The edition's byline and photo credit (metadata, never machine-translated)."""
    session = db_session()
    review.set_credits(session, edition_id, current_user.id,
                       request.form.get("byline", "")[:1000],
                       request.form.get("photo_credit", "")[:1000])
    commit()
    flash(_("Credits saved."), "success")
    return redirect(url_for("editor.edition", edition_id=edition_id))


@bp.post("/editions/<int:edition_id>/send-back")
@permission_required(Action.SEND_BACK)
def send_back(edition_id: int):
    """Return the edition to the translator with a comment."""
    session = db_session()
    review.send_back(session, edition_id, current_user.id, request.form.get("comment", ""))
    commit()
    flash(_("Edition sent back to the translator."), "success")
    return redirect(url_for("editor.edition", edition_id=edition_id))


@bp.get("/editions/<int:edition_id>/preview")
@permission_required(Action.VIEW)
def preview(edition_id: int):
    """The edition as partners will see it: headings, quotes, byline."""
    view = desk.edition_view(db_session(), edition_id, current_user.id)
    return render_template("editor/preview.html", view=view)


@bp.get("/editions/<int:edition_id>/history")
@permission_required(Action.VIEW)
def history(edition_id: int):
    """Frozen versions, the changes between two of them, and the audit trail."""
    session = db_session()
    snapshots = review.history(session, edition_id)
    view = desk.edition_view(session, edition_id, current_user.id)
    numbers = [s.number for s in snapshots]
    new_number = request.args.get("b", numbers[-1] if numbers else 0, type=int)
    old_number = request.args.get("a", new_number - 1, type=int)
    by_number = {s.number: s for s in snapshots}
    changes = []
    if new_number in by_number:
        changes = review.diff_snapshots(by_number.get(old_number), by_number[new_number])
    return render_template("editor/history.html", view=view, snapshots=snapshots,
                           changes=changes, a=old_number, b=new_number,
                           events=audit_trail.edition_trail(session, edition_id),
                           machine_diff=audit_trail.machine_to_approved(session, edition_id),
                           versions=audit_trail.partner_versions(session, edition_id))
