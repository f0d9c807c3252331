"""Buffered access log (opt-in): rows written together, at the pull's time."""

from __future__ import annotations

import pytest

import web.partner_access
from tests.publishing.conftest import bearer
from workflow.partners.access_log_buffer import AccessLogBuffer


@pytest.fixture
def published(make_story, publish):
    """One article with its kk edition published."""
    story = make_story()
    publish("publish_edition", story["kk"], None)
    return story


def _paths(app) -> list[str]:
    from workflow.models import AccessLog

    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        return [row.path for row in session.query(AccessLog).order_by(AccessLog.id)]


def test_buffered_pulls_are_written_in_one_flush(app, client, published, make_partner,
                                                 monkeypatch):
    buffer = AccessLogBuffer(max_age=3600, max_rows=1000)  # only an explicit flush writes
    monkeypatch.setattr(web.partner_access, "_BUFFER", buffer)
    _pid, _kid, secret = make_partner(languages="kk")
    assert client.get("/feeds/kk.rss", headers=bearer(secret)).status_code == 200
    assert client.get("/feeds/ru.json", headers=bearer(secret)).status_code == 403
    assert _paths(app) == []  # held in the process, not yet in the database
    assert buffer.flush() == 2
    assert _paths(app) == ["/feeds/kk.rss", "/feeds/ru.json"]
    assert buffer.flush() == 0


def test_a_full_buffer_is_written_at_once(app, client, published, make_partner, monkeypatch):
    monkeypatch.setattr(web.partner_access, "_BUFFER", AccessLogBuffer(max_age=3600, max_rows=2))
    _pid, _kid, secret = make_partner(languages="kk")
    client.get("/feeds/kk.rss", headers=bearer(secret))
    assert _paths(app) == []
    client.get("/feeds/kk.atom", headers=bearer(secret))
    assert _paths(app) == ["/feeds/kk.rss", "/feeds/kk.atom"]


def test_the_key_still_records_its_last_use_when_the_log_is_buffered(app, client, published,
                                                                     make_partner, monkeypatch):
    from workflow.models import ApiKey

    monkeypatch.setattr(web.partner_access, "_BUFFER", AccessLogBuffer(max_age=3600))
    _pid, key_id, secret = make_partner(languages="kk")
    assert client.get("/feeds/kk.rss", headers=bearer(secret)).status_code == 200
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        assert session.get(ApiKey, key_id).last_used_at is not None
