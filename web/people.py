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
from web.commands.bootstrap import forget_first_password
from web.i18n import LOCALES
from web.safe_redirect import same_origin_path
from workflow import clock, users
from workflow.desk import set_locale
from workflow.errors import DomainError

bp = Blueprint("people", __name__)


def account_message(exc: DomainError) -> str:
    """An account or clock error in the reader's interface language."""
    detail = exc.detail
    messages = {
        "wrong_password": lambda: _("The current password is wrong."),
        "weak_password": lambda: _("The password must be at least %(count)s characters.",
                                   count=detail.get("minimum", users.MIN_PASSWORD)),
        "same_password": lambda: _("The new password must differ from the current one."),
        "inactive_user": lambda: _("This account is deactivated."),
        "own_account": lambda: _("You cannot deactivate your own account."),
        "last_admin": lambda: _("This is the last active admin: make someone else admin "
                                "first."),
        "no_such_user": lambda: _("No such user."),
        "no_such_token": lambda: _("No such token."),
        "token_label": lambda: _("Name the token (up to 200 characters), e.g. what uses it."),
        "unknown_zone": lambda: _("%(zone)s is not a time zone name such as Asia/Almaty.",
                                  zone=detail.get("zone", "")),
        "bad_time": lambda: _("%(value)s is not a date and time.", value=detail.get("value", "")),
        "nonexistent_time": lambda: _("%(value)s does not exist in %(zone)s: the clocks skip "
                                      "it. Choose another time.", value=detail.get("value", ""),
                                      zone=detail.get("zone", "")),
        "ambiguous_time": lambda: _("%(value)s happens twice in %(zone)s (the clocks go back): "
                                    "it is %(first)s or %(second)s. Choose another time.",
                                    value=detail.get("value", ""), zone=detail.get("zone", ""),
                                    first=detail.get("first", ""),
                                    second=detail.get("second", "")),
    }
    make = messages.get(exc.code)
    return make() if make else exc.message


def _back() -> str:
    return same_origin_path(request.form.get("next")) or url_for("dashboard.index")


def _page(status: int = 200, **extra):
    session = db_session()
    return render_template(
        "account/index.html", zones=clock.zone_names(),
        instance_zone=current_app.config["TIMEZONE"], minimum=users.MIN_PASSWORD,
        tokens=users.user_tokens(session, current_user.id), **extra), status


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
        session = db_session()
        set_locale(session, current_user.id, chosen)
        session.commit()
    return redirect(_back())


@bp.post("/account/timezone")
@role_required()
def timezone():
    """Choose the zone the desk shows times in and reads typed times in."""
    session = db_session()
    try:
        users.set_timezone(session, current_user.id, request.form.get("timezone", ""))
        session.commit()
    except DomainError as exc:
        session.rollback()
        return _page(exc.status, zone_error=account_message(exc))
    flash(_("Time zone saved."), "success")
    return redirect(url_for("people.index"))


@bp.post("/account/password")
@role_required()
def password():
    """Change one's own password (the current one is required); other sessions end."""
    form = request.form
    if form.get("new_password", "") != form.get("confirm_password", ""):
        return _page(422, password_error=_("The two new passwords differ."))
    session = db_session()
    try:
        user = users.change_password(session, current_user.id, form.get("current_password", ""),
                                     form.get("new_password", ""))
        session.commit()
        forget_first_password(current_app.config["INSTANCE_DIR"], user.email)
    except DomainError as exc:
        session.rollback()
        return _page(exc.status, password_error=account_message(exc))
    login_user(SignedInUser(user))  # this browser stays signed in, with the new version
    flash(_("Password changed. Your other sessions are signed out."), "success")
    return redirect(url_for("people.index"))


@bp.post("/account/tokens")
@role_required()
def new_token():
    """Issue a named API token for one's own scripts; the secret is shown once."""
    session = db_session()
    try:
        key, secret = users.issue_user_token(session, current_user.id,
                                             request.form.get("label", ""))
        session.commit()
    except DomainError as exc:
        session.rollback()
        return _page(exc.status, token_error=account_message(exc))
    return _page(201, new_secret=secret, new_label=key.label)


@bp.post("/account/tokens/<int:key_id>/revoke")
@role_required()
def revoke_token(key_id: int):
    """Revoke one of one's own API tokens."""
    session = db_session()
    try:
        users.revoke_user_token(session, key_id, current_user.id, owner_id=current_user.id)
        session.commit()
    except DomainError as exc:
        session.rollback()
        return _page(exc.status, token_error=account_message(exc))
    flash(_("Token revoked."), "success")
    return redirect(url_for("people.index") + "#tokens")
