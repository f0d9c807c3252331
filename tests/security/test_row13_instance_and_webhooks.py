"""Issue 15 row 13 (this part): instance files are private (0700/0600), webhook signing secrets
are encrypted at rest with a key derived from SECRET_KEY (rotation works), and the webhook
signature covers the delivery id and event type sent in headers."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
import time

import pytest
from sqlalchemy import text

from tests.publishing.conftest import make_partner, make_story, publish, receiver  # noqa: F401


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def default_umask():
    """The usual 022 umask of a service account, whatever the test runner's is."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_row13_instance_files_are_created_private(make_app, tmp_path, default_umask):
    instance = tmp_path / "fresh-instance"
    app = make_app(INSTANCE_DIR=str(instance))
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        session.execute(text("CREATE TABLE IF NOT EXISTS probe (x INTEGER)"))
    assert _mode(instance) == 0o700
    assert _mode(instance / "audarma.db") == 0o600
    assert _mode(instance / "secret_key") == 0o600
    for sub in ("broker", "broker/queue", "broker/processed", "broker/control"):
        assert _mode(instance / sub) == 0o700, sub
    for name in os.listdir(instance):
        if name.startswith("audarma.db"):  # -wal, -shm, -journal follow the database's mode
            assert _mode(instance / name) & 0o077 == 0, name


def test_row13_an_open_instance_from_an_older_release_is_tightened(make_app, tmp_path,
                                                                    default_umask):
    instance = tmp_path / "old-instance"
    instance.mkdir(mode=0o755)
    (instance / "audarma.db").touch(mode=0o644)
    os.chmod(instance, 0o755)
    os.chmod(instance / "audarma.db", 0o644)
    make_app(INSTANCE_DIR=str(instance))
    assert _mode(instance) == 0o700 and _mode(instance / "audarma.db") == 0o600


@pytest.fixture
def app(make_app):
    """The webhook receivers of these tests listen on 127.0.0.1: private targets allowed."""
    return make_app(WEBHOOK_ALLOW_PRIVATE=True)


def _raw_secret(app, partner_id: int) -> str:
    with app.app_context():
        return app.extensions["audarma.db"].session.execute(
            text("SELECT webhook_secret FROM partners WHERE id = :id"), {"id": partner_id}
        ).scalar_one()


def test_row13_webhook_secret_is_encrypted_at_rest(app, receiver, make_user):  # noqa: F811
    from workflow.models import Partner
    from workflow.partners.admin import create_partner, set_webhook, webhook_secret

    hook = receiver(200)
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        partner, _key, _secret = create_partner(session, "Wire", "kk", None, None)
        set_webhook(session, partner.id, hook.url, allow_private=True,
                    box=app.extensions["audarma.secrets"])
        partner_id = partner.id
    raw = _raw_secret(app, partner_id)
    with app.app_context():
        plain = webhook_secret(app.extensions["audarma.db"].session.get(Partner, partner_id),
                               app.extensions["audarma.secrets"])
    assert plain.startswith("whsec_") and plain not in raw and "whsec_" not in raw
    database_file = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    assert b"whsec_" not in open(database_file, "rb").read()
    make_user("admin", email="boss@example.test", app=app)
    client = app.test_client()
    client.post("/login", data={"email": "boss@example.test", "password": "password123"})
    assert plain in client.get(f"/admin/partners/{partner_id}").get_data(as_text=True)


def test_row13_secret_key_rotation_keeps_secrets_readable(make_app, tmp_path):
    from click.testing import CliRunner  # noqa: F401  (flask's runner below)

    from workflow.models import Partner
    from workflow.partners.admin import create_partner, set_webhook, webhook_secret
    from workflow.secret_box import SecretBox, SecretUnreadable

    old = make_app(SECRET_KEY="old-key-" + "x" * 40, WEBHOOK_ALLOW_PRIVATE=True)
    with old.app_context(), old.extensions["audarma.db"].transaction() as session:
        partner, _key, _secret = create_partner(session, "Wire", "kk", None, None)
        set_webhook(session, partner.id, "http://127.0.0.1:9/hook", allow_private=True,
                    box=old.extensions["audarma.secrets"])
        partner_id = partner.id
        plain = webhook_secret(partner, old.extensions["audarma.secrets"])
    same_db = {"INSTANCE_DIR": old.config["INSTANCE_DIR"], "SCHEMA": None}
    new = make_app(SECRET_KEY="new-key-" + "y" * 40,
                   SECRET_KEY_FALLBACKS=["old-key-" + "x" * 40], **same_db)
    with new.app_context():
        row = new.extensions["audarma.db"].session.get(Partner, partner_id)
        assert webhook_secret(row, new.extensions["audarma.secrets"]) == plain
        with pytest.raises(SecretUnreadable):
            webhook_secret(row, SecretBox("new-key-" + "y" * 40))  # without the fallback
    result = new.test_cli_runner().invoke(args=["partners", "reseal-secrets"])
    assert "resealed 1 " in result.output, result.output
    with new.app_context():
        row = new.extensions["audarma.db"].session.get(Partner, partner_id)
        assert webhook_secret(row, SecretBox("new-key-" + "y" * 40)) == plain  # fallback gone


def test_row13_a_secret_moved_to_another_partner_does_not_open(app):
    from workflow.partners.admin import create_partner, set_webhook, webhook_secret
    from workflow.secret_box import SecretUnreadable

    box = app.extensions["audarma.secrets"]
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        a, _k, _s = create_partner(session, "A", "kk", None, None)
        b, _k, _s = create_partner(session, "B", "kk", None, None)
        for partner in (a, b):
            set_webhook(session, partner.id, "http://127.0.0.1:9/h", allow_private=True, box=box)
        b.webhook_secret = a.webhook_secret
        with pytest.raises(SecretUnreadable):
            webhook_secret(b, box)


def test_row13_signature_covers_delivery_id_and_event_type(app, receiver, make_story,  # noqa: F811
                                                            publish, make_partner):  # noqa: F811
    from tests.publishing.conftest import attempt_delivery
    from workflow.models import Partner, WebhookDelivery
    from workflow.partners.admin import webhook_secret
    from workflow.partners.webhooks import verify

    hook = receiver(200)
    partner_id, _kid, _key = make_partner(languages="kk", webhook_url=hook.url)
    publish("publish_edition", make_story()["kk"], None)
    with app.app_context():
        session = app.extensions["audarma.db"].session
        (delivery_id,) = [d.id for d in session.query(WebhookDelivery)]
        secret = webhook_secret(session.get(Partner, partner_id), app.extensions["audarma.secrets"])
    box = app.extensions["audarma.secrets"]
    assert attempt_delivery(app.extensions["audarma.db"], delivery_id, box=box,
                            allow_private=True).outcome == "delivered"
    (_at, headers, body), = hook.requests
    stamp, event = headers["X-Audarma-Timestamp"], headers["X-Audarma-Event"]
    assert (headers["X-Audarma-Delivery"], event) == (str(delivery_id), "publish")
    message = f"{stamp}.{delivery_id}.{event}.".encode() + body
    expected = "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    assert headers["X-Audarma-Signature"] == expected
    assert verify(secret, headers, body, now=time.time())
    for name, forged in (("X-Audarma-Event", "kill"), ("X-Audarma-Delivery", "999")):
        assert not verify(secret, {**headers, name: forged}, body, now=time.time()), name
