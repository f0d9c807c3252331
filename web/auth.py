"""Sign-in and sign-out, role checks for pages, and bearer-key checks for the API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as flask_session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from web.extensions import limiter, login_manager
from web.safe_redirect import same_origin_path
from workflow.db import utcnow
from workflow.models import User
from workflow.partners.key_lookup import look_up_partner_key
from workflow.partners.keys import find_key, note_use
from workflow.users import check_sign_in, sign_out
from workflow.vocabulary import holds_role

bp = Blueprint("auth", __name__)
KEY_USE_RESOLUTION = timedelta(minutes=1)  # how precisely ApiKey.last_used_at is kept


class SignedInUser(UserMixin):
    """The session's view of a User row (id, roles, languages, locale)."""

    def __init__(self, user: User) -> None:
        self.row = user
        self.id = user.id
        self.email = user.email
        self.name = user.name
        self.roles = list(user.roles)
        self.languages = list(user.languages)
        self.locale = user.locale
        self.timezone = user.timezone
        self.must_change_password = user.must_change_password
        self.session_version = user.session_version

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def has_role(self, role: str) -> bool:
        """True if the user holds ``role`` (admins hold every role)."""
        return holds_role(self.roles, role)

    def works_in(self, language: str) -> bool:
        """True if the user may work in ``language``."""
        return not self.languages or language in self.languages


def db_session():
    """The request's database session."""
    return current_app.extensions["audarma.db"].session


@login_manager.user_loader
def _load_user(raw_id: str) -> SignedInUser | None:
    user_id, _, version = raw_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db_session().get(User, int(user_id))
    if user is None or not user.is_active or str(user.session_version) != version:
        return None
    return SignedInUser(user)


@login_manager.unauthorized_handler
def _unauthorized():
    from web.errors import error_response, wants_json

    if wants_json():
        return error_response(401, "unauthorized", "Sign in or send an API key.")
    flash(_("Please sign in to continue."), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def role_required(*roles: str) -> Callable:
    """Page decorator: signed in and holding one of ``roles`` (admin always passes)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and not any(current_user.has_role(role) for role in roles):
                abort(403, description=_("Your role does not allow this."))
            return view(*args, **kwargs)

        wrapper.required_roles = roles  # read by the authorisation test matrix
        return wrapper

    return decorator


def permission_required(action: str) -> Callable:
    """Page decorator: signed in and holding a role the permission table allows ``action``.

    The workflow service checks the whole rule (language included) again with the acting user;
    this gate only answers early for roles that can never do it.
    """
    from workflow.permissions import roles_for

    return role_required(*sorted(roles_for(action)))


def _due(last_used_at: datetime | None, now: datetime) -> bool:
    """True if a key's last use is worth writing: at most once a minute, not on every call."""
    return last_used_at is None or now - last_used_at >= KEY_USE_RESOLUTION


def api_key_required(kind: str = "user") -> Callable:
    """API decorator: ``Authorization: Bearer KEY`` (or ``?key=``) of a user or partner key."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            from web.errors import error_response

            header = request.headers.get("Authorization", "")
            secret = header[7:].strip() if header.lower().startswith("bearer ") else ""
            secret = secret or request.args.get("key", "")
            now = utcnow()
            if kind == "partner":  # one query outside a transaction: no BEGIN, no ROLLBACK
                key = look_up_partner_key(current_app.extensions["audarma.db"].engine, secret)
                if key is None:
                    return error_response(401, "unauthorized", "A valid API key is required.")
                if _due(key.last_used_at, now):
                    note_use(db_session(), key.key_id, now)
            else:
                key = find_key(db_session(), secret)
                if key is None or key.user_id is None or key.user is None or not key.user.is_active:
                    return error_response(401, "unauthorized", "A valid API key is required.")
                if _due(key.last_used_at, now):
                    key.last_used_at = now
            g.api_key = key
            return view(*args, **kwargs)

        wrapper.api_key_kind = kind
        return wrapper

    return decorator


# While a one-time password is in use, only these endpoints answer (the account page changes it).
ONE_TIME_PASSWORD_ENDPOINTS = frozenset({"people.index", "people.password", "people.locale",
                                         "auth.logout", "auth.login", "static"})


@bp.before_app_request
def _one_time_password_gate():
    """A one-time password (first start, admin reset) must be replaced before anything else."""
    if ("_user_id" in flask_session and request.endpoint not in ONE_TIME_PASSWORD_ENDPOINTS
            and getattr(current_user, "must_change_password", False)):
        from web.errors import error_response, wants_json

        if wants_json():
            return error_response(403, "password_change_required",
                                  "Change your one-time password first.")
        return redirect(url_for("people.index") + "#password")
    return None


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=500)])


def _safe_next(target: str | None) -> str:
    return same_origin_path(target) or url_for("dashboard.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
def login():
    """Sign in with e-mail and password."""
    form = LoginForm()
    if form.validate_on_submit():
        session = db_session()
        user = session.scalar(select(User).where(User.email == form.email.data.strip().lower()))
        if check_sign_in(user, form.password.data):
            user.last_login_at = utcnow()
            current_app.extensions["audarma.db"].commit()
            login_user(SignedInUser(user))
            if user.must_change_password:  # the account page says why
                return redirect(url_for("people.index") + "#password")
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong e-mail or password."), "error")
    return render_template("auth/login.html", form=form), 200 if request.method == "GET" else 401


@bp.post("/logout")
def logout():
    """Sign out: the server-side session version moves on, so no copy of the cookie works."""
    if current_user.is_authenticated:
        sign_out(db_session(), current_user.id)
        current_app.extensions["audarma.db"].commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))
