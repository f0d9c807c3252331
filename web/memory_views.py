"""Admin: search translation memory, retract or delete entries (memory hygiene)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from web.auth import db_session, role_required
from web.boundary import done
from workflow import memory_admin
from workflow.models import LANGUAGES

bp = Blueprint("memory", __name__, url_prefix="/admin/memory")


def _back():
    query = {k: v for k, v in request.form.items() if k in ("q", "source", "target", "retracted")}
    return redirect(url_for("memory.index", **query))


@bp.get("/")
@role_required("admin")
def index():
    """Memory entries matching a text search and language pair, newest first."""
    args = request.args
    page = memory_admin.search(db_session(), args.get("q", ""), args.get("source", ""),
                               args.get("target", ""), args.get("retracted", ""),
                               args.get("page", 1, type=int) or 1)
    query = {k: v for k, v in args.items() if k != "page" and v}
    return render_template("admin/memory.html", result=page, args=args, query=query,
                           languages=LANGUAGES)


@bp.post("/<int:entry_id>/delete")
@role_required("admin")
def delete(entry_id: int):
    """Delete one entry (the audit log keeps its texts)."""
    memory_admin.delete_entry(db_session(), entry_id, current_user.id)
    return done(_("Memory entry deleted."), _back())


@bp.post("/<int:entry_id>/retract")
@role_required("admin")
def retract(entry_id: int):
    """Retract one entry: kept, never suggested again."""
    memory_admin.retract_entry(db_session(), entry_id, current_user.id,
                               request.form.get("reason", ""))
    return done(_("Memory entry retracted."), _back())
