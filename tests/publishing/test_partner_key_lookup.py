"""A pull's key look-up: straight on psycopg for PostgreSQL, through SQLAlchemy elsewhere; both
answer the same, and a revoked or unknown key is None."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from workflow.db import autocommit_connection
from workflow.partners.admin import create_partner, find_partner_key
from workflow.partners.key_lookup import look_up_partner_key
from workflow.partners.keys import revoke_key


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, make_app):
    if request.param == "sqlite":
        return make_app()
    return make_app(DATABASE_URL=request.getfixturevalue("postgres_url"))


def test_the_fast_look_up_answers_what_sqlalchemy_answers(app):
    db = app.extensions["audarma.db"]
    used = datetime(2026, 11, 28, 9, 30, 15, tzinfo=UTC)
    with app.app_context(), db.transaction() as session:
        partner, key, secret = create_partner(session, "Wire", "kk,en", categories="politics",
                                              rate_limit="5/second")
        key.last_used_at = used
        _p, revoked, revoked_secret = create_partner(session, "Gone", "ru")
        partner_id, key_id, revoked_id = partner.id, key.id, revoked.id
    with app.app_context(), db.transaction() as session:
        revoke_key(session, revoked_id)

    found = look_up_partner_key(db.engine, secret)
    with autocommit_connection(db.engine) as connection:
        assert found == find_partner_key(connection, secret)
    assert (found.key_id, found.partner_id, found.active) == (key_id, partner_id, True)
    assert (found.languages, found.categories, found.rate_limit) == (
        ["kk", "en"], ["politics"], "5/second")
    assert found.last_used_at == used and found.last_used_at.tzinfo == UTC
    assert found.prefix and found.prefix in secret
    assert look_up_partner_key(db.engine, revoked_secret) is None
    assert look_up_partner_key(db.engine, secret + "x") is None
    assert look_up_partner_key(db.engine, "not-a-key") is None
