"""Admin pages: translation models, the glossary, user accounts and their API tokens."""

from __future__ import annotations

import shutil

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from tasks.packages import install_package, package_store
from web.auth import db_session, permission_required, role_required
from web.boundary import commit, message_for, on_refusal
from workflow import clock, glossary, users
from workflow.permissions import Action
from workflow.vocabulary import DEFAULT_LOCALE, LANGUAGES, ROLES

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _page(status: int = 200, **extra):
    session = db_session()
    return render_template(
        "admin/index.html", packages=package_store().installed(),
        terms=glossary.list_terms(session), languages=LANGUAGES, roles=ROLES,
        users=users.list_users(session), tokens=users.user_tokens(session),
        instance_zone=current_app.config["TIMEZONE"],
        instance_tz=clock.zone(current_app.config["TIMEZONE"]), tz_version=clock.tz_version(),
        **extra), status


@bp.get("/")
@permission_required(Action.ADMIN)
def index():
    """Models, glossary and people on one page."""
    return _page()


@bp.post("/models")
@permission_required(Action.ADMIN)
def install_model():
    """Install an uploaded .argosmodel file (validated before anything is kept)."""
    from translations.errors import TranslationError

    upload = request.files.get("package")
    if upload is None or not upload.filename:
        return _page(422, model_error=_("Choose an .argosmodel file to upload."))
    # in the packages folder, named after this process: a killed request's upload is swept
    scratch = package_store().scratch_dir(".upload-")
    try:
        path = scratch / "upload.argosmodel"
        upload.save(path)
        info = install_package(path)
    except TranslationError as exc:
        return _page(422, model_error=str(exc))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    flash(_("Installed %(code)s %(version)s.", code=info.code, version=info.version), "success")
    return redirect(url_for("admin.index"))


@bp.post("/models/<code>/remove")
@permission_required(Action.ADMIN)
def remove_model(code: str):
    """Remove an installed package."""
    from translations.errors import TranslationError

    try:
        package_store().remove(code)
    except TranslationError as exc:
        return _page(404, model_error=str(exc))
    flash(_("Removed %(code)s.", code=code), "success")
    return redirect(url_for("admin.index"))


def _act(action, done: str, anchor: str, error_field: str):
    """Run one service call, commit, flash ``done``; a DomainError re-renders with its message."""
    on_refusal(lambda exc: _page(exc.status, **{error_field: message_for(exc)}))
    action(db_session())
    commit()
    flash(done, "success")
    return redirect(url_for("admin.index") + anchor)


@bp.post("/glossary")
@permission_required(Action.ADMIN)
def add_term():
    """Add a glossary term for one language pair."""
    form = request.form
    return _act(lambda session: glossary.add_term(
        session, form.get("source_language", ""), form.get("target_language", ""),
        form.get("term", ""), form.get("translation"), current_user.id, form.get("note"),
        must_use=bool(form.get("must_use")), variants=form.get("variants", "").split("|")),
        _("Glossary term added."), "#glossary", "glossary_error")


@bp.get("/glossary.csv")
@permission_required(Action.ADMIN)
def export_glossary():
    """Every glossary term as a CSV download."""
    body = glossary.export_csv(db_session())
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=glossary.csv"})


@bp.post("/glossary/import")
@permission_required(Action.ADMIN)
def import_glossary():
    """Add the terms of an uploaded CSV file (the export's columns)."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(422, glossary_error=_("Choose a CSV file to import."))
    try:
        text = upload.read(glossary.MAX_IMPORT_BYTES + 1).decode("utf-8-sig")
    except UnicodeDecodeError:
        return _page(422, glossary_error=_("The CSV file must be UTF-8 text."))
    if len(text) > glossary.MAX_IMPORT_BYTES:
        return _page(413, glossary_error=_("The CSV file is too large."))
    on_refusal(lambda exc: _page(exc.status, glossary_error=exc.message))
    added, skipped = glossary.import_csv(db_session(), text, current_user.id)
    commit()
    flash(_("Imported %(added)d term(s); %(skipped)d were already in the glossary.",
            added=added, skipped=skipped), "success")
    return redirect(url_for("admin.index") + "#glossary")


@bp.post("/glossary/<int:term_id>/delete")
@permission_required(Action.ADMIN)
def delete_term(term_id: int):
    """Remove a glossary term."""
    return _act(lambda session: glossary.delete_term(session, term_id),
                _("Glossary term removed."), "#glossary", "glossary_error")


@bp.post("/users")
@permission_required(Action.ADMIN)
def add_user():
    """Create an account with roles and working languages."""
    form = request.form
    return _act(lambda session: users.create_user(
        session, form.get("email", ""), form.get("password", ""), form.getlist("roles"),
        form.getlist("languages"), name=form.get("name", ""),
        locale=form.get("locale", DEFAULT_LOCALE)),
        _("Account created."), "#people", "user_error")


@bp.post("/users/<int:user_id>/reset")
@role_required("admin")
def reset_password(user_id: int):
    """Give a person a one-time password, shown here once; they must change it at sign-in."""
    on_refusal(lambda exc: _page(exc.status, user_error=message_for(exc)))
    user, password = users.reset_password(db_session(), user_id, current_user.id)
    commit()
    return _page(one_time=(user.email, password))


@bp.post("/users/<int:user_id>/deactivate")
@role_required("admin")
def deactivate_user(user_id: int):
    """Someone left: no sign-in; their sessions and API tokens end at once."""
    return _act(lambda session: users.deactivate(session, user_id, current_user.id),
                _("Account deactivated: its sessions and API tokens ended."), "#people",
                "user_error")


@bp.post("/users/<int:user_id>/reactivate")
@role_required("admin")
def reactivate_user(user_id: int):
    """Let a deactivated person sign in again."""
    return _act(lambda session: users.reactivate(session, user_id, current_user.id),
                _("Account reactivated."), "#people", "user_error")


@bp.post("/tokens/<int:key_id>/revoke")
@role_required("admin")
def revoke_token(key_id: int):
    """Revoke any person's API token."""
    return _act(lambda session: users.revoke_user_token(session, key_id, current_user.id),
                _("Token revoked."), "#tokens", "token_error")
