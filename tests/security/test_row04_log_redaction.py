"""Issue 15 row 4: a key sent as ``?%6Bey=`` (or any other spelling Werkzeug decodes to a secret
parameter) must not reach the access log."""

from __future__ import annotations

import pytest

from tests.security.test_secrets import _access_line

SECRET = "ak_row4secretvalue123"
SPELLINGS = ["%6Bey", "ke%79", "%6B%65%79", "KEY", "Key", "%4B%45%59", "api_key", "api%5Fkey",
             "access_token", "tok%65n", "password", "pass%77ord", "PASSWORD", "k%C3%A9y_key",
             "%256Bey", "client_secret", "ｋｅｙ"]


@pytest.mark.parametrize("name", SPELLINGS)
def test_row4_access_log_redacts_decoded_names(name):
    path = f"/feeds/kk.json?since=c1.x&{name}={SECRET}&limit=5"
    line = _access_line("web.access_log.RedactingLogger", path, {})
    assert SECRET not in line, line
    assert "since=c1.x" in line and "limit=5" in line  # harmless parameters stay readable


def test_row4_request_with_encoded_key_is_served_and_not_logged(app, client, make_story, publish):
    """The attack itself: Flask reads ``%6Bey`` as ``key``, so the pull works; the log hides it."""
    from sqlalchemy import select

    from workflow.models import AccessLog
    from workflow.partners.admin import create_partner

    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        _partner, _key, secret = create_partner(session, "Wire", "kk", None, None)
    for name in ("%6Bey", "ke%79"):
        response = client.get(f"/feeds/kk.json?{name}={secret}&limit=3")
        assert response.status_code == 200
        line = _access_line("web.access_log.RedactingLogger", f"/feeds/kk.json?{name}={secret}",
                            {})
        assert secret not in line
    with app.app_context():
        paths = [row.path for row in app.extensions["audarma.db"].session.scalars(
            select(AccessLog))]
    assert paths and not any(secret in path for path in paths)
