"""Review fixtures: an article translated by a random-weight package, and signed-in clients."""

from __future__ import annotations

from pathlib import Path

import pytest

SEED_TEXT = Path(__file__).resolve().parents[1] / "ingest" / "fixtures" / "seed_shaped.txt"

PARAGRAPHS = [
    ["Regional newspapers have taken note of the mayor's visit to Almaty.",
     "The two cities already share a long-standing twinning agreement."],
    ["Karaganda became the first regional city to sign the transport charter.",
     "The mayor said the charter would bring practical benefits for commuters in 2025."],
    ["When comparing the two plans, the mayor said he preferred green space to new car parks."],
]


def translate_all(app, target: str = "kk") -> None:
    """Run queued machine translation once, in this process, with the app's packages."""
    from translations.engine import ArgosEngine
    from translations.packages import PackageStore
    from workflow.jobs.run import work_once

    engine = ArgosEngine(PackageStore(app.config["PACKAGES_DIR"]), max_decoding_length=24)
    database = app.extensions["audarma.db"]
    while work_once(database, engine, "test").job_ids:
        pass


@pytest.fixture
def translated_edition(app, make_article, install_models):
    """Factory: an English article machine-translated into ``target``; returns the edition id."""
    from sqlalchemy import select

    from workflow.jobs.queue import create_jobs
    from workflow.models import Article, Edition

    install_models("en_kk", "en_ru")

    def _make(target: str = "kk", paragraphs=None, title: str = "Mayor's trip to Almaty") -> int:
        article_id = make_article(paragraphs or PARAGRAPHS, title=title)
        database = app.extensions["audarma.db"]
        with app.app_context(), database.transaction() as session:
            create_jobs(session, session.get(Article, article_id), [target])
        translate_all(app)
        with app.app_context(), database.transaction() as session:
            return session.scalar(select(Edition.id).where(Edition.article_id == article_id,
                                                           Edition.language == target))

    return _make


@pytest.fixture
def sign_in(app):
    """Factory: a test client signed in as the user with ``email`` (password ``password123``)."""

    def _sign_in(email: str):
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": "password123"})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return _sign_in


def email_of(app, user_id: int) -> str:
    """The e-mail of a user id."""
    from workflow.models import User

    with app.app_context():
        return app.extensions["audarma.db"].session.get(User, user_id).email
