"""Admin *Models* page: each installed package's languages, family, size, licence and scores,
and the instance setting that allows publishing the output of non-commercial models."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tasks.packages import package_store
from web.auth import db_session, permission_required
from web.boundary import commit, message_for, on_refusal
from workflow import model_licences
from workflow.permissions import Action

bp = Blueprint("models_admin", __name__, url_prefix="/admin/models")


def _page(status: int = 200, **extra):
    session = db_session()
    lines = model_licences.catalogue(session, package_store().installed())
    return render_template("admin/models.html", lines=lines,
                           setting=model_licences.noncommercial_setting(session),
                           any_noncommercial=any(line.noncommercial for line in lines),
                           **extra), status


@bp.get("/")
@permission_required(Action.ADMIN)
def index():
    """The installed models with their licences and evaluation scores."""
    return _page()


@bp.post("/noncommercial")
@permission_required(Action.ADMIN)
def noncommercial():
    """Allow (with the admin's confirmation) or forbid publishing non-commercial output."""
    on_refusal(lambda exc: _page(exc.status, setting_error=message_for(exc)))
    allowed = request.form.get("allowed") == "1"
    model_licences.set_noncommercial(db_session(), current_user.id, allowed,
                                     acknowledged=request.form.get("acknowledged") == "1")
    commit()
    flash(_("Output of non-commercial models may now be published.") if allowed else
          _("Output of non-commercial models can no longer be published."), "success")
    return redirect(url_for("models_admin.index"))
