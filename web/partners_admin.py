"""Admin pages for partners: keys (prefix only), revoke, webhook URL, deliveries, access log."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from web.auth import db_session, permission_required
from web.boundary import commit, on_refusal
from workflow.errors import DomainError
from workflow.partners import admin as partners
from workflow.partners import webhooks
from workflow.permissions import Action

bp = Blueprint("partners_admin", __name__, url_prefix="/admin/partners")


def _flash_and_go(endpoint: str, **values: object):
    """A refusal on a partners page: say why on the page it came from."""

    def reply(exc: DomainError):
        flash(exc.message, "error")
        return redirect(url_for(endpoint, **values))

    return reply


def _box():
    from flask import current_app

    return current_app.extensions["audarma.secrets"]


def _page(session, partner_id: int) -> dict:
    """The partner page's data and the webhook signing secret opened for the admin."""
    page = partners.partner_page(session, partner_id)
    return {"page": page, "signing_secret": partners.webhook_secret(page.partner, _box())}


def _act(partner_id: int, action, done: str, show_secret: bool = False):
    session = db_session()
    on_refusal(_flash_and_go("partners_admin.show", partner_id=partner_id))
    result = action(session)
    commit()
    if show_secret:  # a new key: shown on this one page, never stored in clear
        return render_template("partners/show.html", **_page(session, partner_id),
                               new_secret=result)
    flash(done, "success")
    return redirect(url_for("partners_admin.show", partner_id=partner_id))


@bp.get("/")
@permission_required(Action.ADMIN)
def index():
    """All partners."""
    return render_template("partners/index.html", partners=partners.list_partners(db_session()))


@bp.post("/")
@permission_required(Action.ADMIN)
def create():
    """Create a partner; its first key is shown once."""
    session = db_session()
    on_refusal(_flash_and_go("partners_admin.index"))
    partner, _key, secret = partners.create_partner(
        session, request.form.get("name", ""), request.form.get("languages", ""),
        request.form.get("categories", ""), request.form.get("rate_limit") or None)
    commit()
    return render_template("partners/show.html", **_page(session, partner.id), new_secret=secret)


@bp.get("/<int:partner_id>")
@permission_required(Action.ADMIN)
def show(partner_id: int):
    """One partner: keys, webhook, deliveries, access log."""
    on_refusal(lambda exc: (render_template("partners/index.html", partners=[],
                                            error=exc.message), 404))
    data = _page(db_session(), partner_id)
    return render_template("partners/show.html", **data, new_secret=None)


@bp.post("/<int:partner_id>/keys")
@permission_required(Action.ADMIN)
def new_key(partner_id: int):
    """Issue another key (rotation)."""
    label = request.form.get("label", "")
    return _act(partner_id, lambda s: partners.new_partner_key(s, partner_id, label)[1],
                "", show_secret=True)


@bp.post("/<int:partner_id>/keys/<int:key_id>/revoke")
@permission_required(Action.ADMIN)
def revoke(partner_id: int, key_id: int):
    """Revoke one key."""
    return _act(partner_id, lambda s: partners.revoke_partner_key(s, key_id, partner_id),
                _("Key revoked."))


@bp.post("/<int:partner_id>/webhook")
@permission_required(Action.ADMIN)
def webhook(partner_id: int):
    """Set or clear the webhook URL; private addresses are refused (a flashed error)."""
    from tasks.webhooks import allow_private

    url, private_ok, warnings = request.form.get("webhook_url", ""), allow_private(), []

    def action(session):
        _partner, warning = partners.set_webhook(session, partner_id, url, box=_box(),
                                                 allow_private=private_ok)
        warnings.extend([warning] if warning else [])

    response = _act(partner_id, action, _("Webhook saved."))
    for warning in warnings:
        flash(warning, "warning")
    return response


@bp.post("/<int:partner_id>/webhook/secret")
@permission_required(Action.ADMIN)
def rotate_secret(partner_id: int):
    """Replace the webhook signing secret."""
    return _act(partner_id, lambda s: partners.rotate_webhook_secret(s, partner_id, box=_box()),
                _("New signing secret made; give it to the partner."))


@bp.post("/<int:partner_id>/provenance")
@permission_required(Action.ADMIN)
def provenance(partner_id: int):
    """Whether the partner's items name the machine-translation models."""
    wanted = request.form.get("provenance") == "on"
    return _act(partner_id, lambda s: partners.set_provenance(s, partner_id, wanted),
                _("Provenance setting saved."))


@bp.post("/<int:partner_id>/deliveries/<int:delivery_id>/retry")
@permission_required(Action.ADMIN)
def retry(partner_id: int, delivery_id: int):
    """Queue a failed delivery again."""
    return _act(partner_id, lambda s: webhooks.retry_failed(s, delivery_id),
                _("Delivery queued again."))
