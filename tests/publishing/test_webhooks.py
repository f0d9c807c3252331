"""Webhooks against a real local HTTP receiver: signed, retried with backoff, then failed."""

from __future__ import annotations

import json
import time

import pytest

from tests.conftest import wait_for


@pytest.fixture
def app(make_app):
    """These tests run their receiver on 127.0.0.1, so they allow private targets explicitly."""
    return make_app(WEBHOOK_ALLOW_PRIVATE=True)


def _secret(app, partner_id: int) -> str:
    from workflow.models import Partner

    with app.app_context():
        from workflow.partners.admin import webhook_secret

        partner = app.extensions["audarma.db"].session.get(Partner, partner_id)
        return webhook_secret(partner, app.extensions["audarma.secrets"])


def _deliveries(app):
    from workflow.models import WebhookDelivery

    with app.app_context():
        session = app.extensions["audarma.db"].session
        rows = session.query(WebhookDelivery).order_by(WebhookDelivery.id).all()
        session.expunge_all()
        return rows


def test_delivery_is_signed_and_the_signature_verifies(app, make_story, publish, make_partner,
                                                       receiver):
    from tests.publishing.conftest import attempt_delivery
    from workflow.partners.webhooks import verify

    hook = receiver(200)
    partner_id, _kid, _secret_key = make_partner(languages="kk", webhook_url=hook.url)
    make_partner(name="No hook", languages="kk")
    make_partner(name="Russian only", languages="ru", webhook_url=hook.url)
    story = make_story()
    publish("publish_edition", story["kk"], None)
    (delivery,) = _deliveries(app)  # only the kk partner with a webhook
    box = app.extensions["audarma.secrets"]
    outcome = attempt_delivery(app.extensions["audarma.db"], delivery.id, box=box,
                               allow_private=True)
    assert outcome.outcome == "delivered"
    (_at, headers, body), = hook.requests
    secret = _secret(app, partner_id)
    assert headers["X-Audarma-Signature"].startswith("sha256=")
    assert verify(secret, headers, body, now=time.time())
    assert not verify(secret, headers, body + b" ", now=time.time())  # tampered body
    assert not verify(secret, headers, body, now=time.time() + 3600)  # replayed later
    payload = json.loads(body)
    assert payload["event"] == "publish" and payload["item"]["uri"] == "urn:audarma:item:1:kk"
    (row,) = _deliveries(app)
    assert (row.state, row.attempts, row.last_status) == ("delivered", 1, 200)
    # a duplicate wake-up does nothing: the row is no longer pending
    assert attempt_delivery(app.extensions["audarma.db"], delivery.id, box=box,
                            allow_private=True).outcome == "skipped"
    assert len(hook.requests) == 1


def test_webhook_urls_must_be_http(app, make_partner):
    from workflow.errors import InvalidInput

    for bad in ("ftp://example.org/x", "file:///etc/passwd", "javascript:alert(1)", "/relative"):
        with pytest.raises(InvalidInput):
            make_partner(name=f"p{hash(bad)}", webhook_url=bad)


def test_backoff_doubles():
    from workflow.partners.webhooks import backoff_seconds

    assert [backoff_seconds(n, 30) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]


@pytest.mark.slow
def test_failing_receiver_is_retried_by_celery_with_backoff_then_marked_failed(
        app, make_story, publish, make_partner, receiver, start_worker):
    from tasks.webhooks import send_due

    hook = receiver(503)
    good = receiver(200)
    make_partner(name="Down", languages="kk", webhook_url=hook.url)
    make_partner(name="Up", languages="kk", webhook_url=good.url)
    start_worker(app, env_extra={"AUDARMA_WEBHOOK_ALLOW_PRIVATE": "1",
                                 "AUDARMA_WEBHOOK_BACKOFF_SECONDS": "0.5",
                                 "AUDARMA_WEBHOOK_MAX_ATTEMPTS": "4"})
    story = make_story()
    publish("publish_edition", story["kk"], None)
    with app.app_context():
        assert send_due() == 2

    def settled():
        rows = _deliveries(app)
        return rows if all(r.state != "pending" for r in rows) else None

    delivered, failed = sorted(wait_for(settled, timeout=60), key=lambda r: r.state)
    assert (failed.state, failed.attempts, failed.last_status) == ("failed", 4, 503)
    assert failed.last_error == "HTTP 503"
    assert (delivered.state, delivered.attempts) == ("delivered", 1)
    times = [at for at, _h, _b in hook.requests]
    assert len(times) == 4
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    # each retry waits at least its backoff (0.5 s, 1 s, 2 s); the broker's polling adds slack
    for gap, expected in zip(gaps, (0.5, 1.0, 2.0), strict=True):
        assert expected * 0.9 <= gap <= expected + 4, gaps
