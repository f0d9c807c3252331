"""Fixtures for the hostile-input tests: the corpus (built once, in tmp), row counts of every
table, a signed-in editor, a user API key and a local feed server."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.hostile.corpus import Hostile, build
from tests.publishing.conftest import make_partner, make_story, publish  # noqa: F401


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory):
    """The folder holding the corpus files (about 51 MB, deleted with pytest's tmp dirs)."""
    return tmp_path_factory.mktemp("hostile")


@pytest.fixture(scope="session")
def corpus(corpus_dir) -> list[Hostile]:
    """Every hostile input, also written as files into ``corpus_dir``."""
    return build(corpus_dir)


@pytest.fixture
def rows(app, db):
    """Rows per table (every table), to prove a refusal stored nothing at all."""
    from workflow.db import Base

    def _rows() -> dict[str, int]:
        with app.app_context(), db.transaction() as session:
            return {t.name: session.scalar(select(func.count()).select_from(t))
                    for t in Base.metadata.sorted_tables}

    return _rows


@pytest.fixture
def editor_client(app, make_user):
    """A test client signed in as an editor."""
    make_user("editor", email="hostile-editor@example.test")
    client = app.test_client()
    assert client.post("/login", data={"email": "hostile-editor@example.test",
                                       "password": "password123"}).status_code == 302
    return client


@pytest.fixture
def user_key(app, db, make_user) -> str:
    """A user API key (the secret)."""
    from workflow.partners.keys import issue_key

    user_id = make_user("editor", email="hostile-api@example.test")
    with app.app_context(), db.transaction() as session:
        return issue_key(session, user_id=user_id, label="hostile")[1]


@pytest.fixture
def feed_server():
    """A local HTTP server serving byte strings by path."""
    from tests.ingest_service.test_feeds import FeedServer

    server = FeedServer()
    yield server
    server.close()
