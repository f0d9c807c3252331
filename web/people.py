"""A person's own account: interface language, time zone, password and API tokens."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user

from web.auth import SignedInUser, db_session, role_required
from web.boundary import commit, message_for, on_refusal
from web.commands.bootstrap import forget_first_password
from web.i18n import LOCALES
from web.safe_redirect import same_origin_path
from workflow import clock, users

bp = Blueprint("people", __name__)


def _back() -> str:
    return same_origin_path(request.form.get("next")) or url_for("dashboard.index")


def _page(status: int = 200, **extra):
    session = db_session()
    return render_template(
        "account/index.html", zones=clock.zone_names(),
        instance_zone=current_app.config["TIMEZONE"], minimum=users.MIN_PASSWORD,
        tokens=users.user_tokens(session, current_user.id), **extra), status


def _refuse_on_page(field: str) -> None:
    """A refused change re-renders the account page with its message beside ``field``."""
    on_refusal(lambda exc: _page(exc.status, **{field: message_for(exc)}))


@bp.get("/account")
@role_required()
def index():
    """Language, time zone, password and API tokens of the signed-in person."""
    return _page()


@bp.post("/account/locale")
@role_required()
def locale():
    """Switch the signed-in user's interface language."""
    chosen = request.form.get("locale", "")
    if chosen in LOCALES:
        users.set_locale(db_session(), current_user.id, chosen)
        commit()
    return redirect(_back())


@bp.post("/account/timezone")
@role_required()
def timezone():
    """Choose the zone the desk shows times in and reads typed times in."""
    _refuse_on_page("zone_error")
    users.set_timezone(db_session(), current_user.id, request.form.get("timezone", ""))
    commit()
    flash(_("Time zone saved."), "success")
    return redirect(url_for("people.index"))


@bp.post("/account/password")
@role_required()
def password():
    """Change one's own password (the current one is required); other sessions end."""
    form = request.form
    if form.get("new_password", "") != form.get("confirm_password", ""):
        return _page(422, password_error=_("The two new passwords differ."))
    _refuse_on_page("password_error")
    user = users.change_password(db_session(), current_user.id,
                                 form.get("current_password", ""), form.get("new_password", ""))
    commit()
    forget_first_password(current_app.config["INSTANCE_DIR"], user.email)
    login_user(SignedInUser(user))  # this browser stays signed in, with the new version
    flash(_("Password changed. Your other sessions are signed out."), "success")
    return redirect(url_for("people.index"))


@bp.post("/account/tokens")
@role_required()
def new_token():
    """Issue a named API token for one's own scripts; the secret is shown once."""
    _refuse_on_page("token_error")
    key, secret = users.issue_user_token(db_session(), current_user.id,
                                         request.form.get("label", ""))
    commit()
    return _page(201, new_secret=secret, new_label=key.label)


@bp.post("/account/tokens/<int:key_id>/revoke")
@role_required()
def revoke_token(key_id: int):
    """Revoke one of one's own API tokens."""
    _refuse_on_page("token_error")
    users.revoke_user_token(db_session(), key_id, current_user.id, owner_id=current_user.id)
    commit()
    flash(_("Token revoked."), "success")
    return redirect(url_for("people.index") + "#tokens")
