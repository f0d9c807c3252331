"""A real run: ingest, a real worker translates to Kazakh, people post-edit and approve, the
Kazakh Latin edition is written, approved by a second person, published and read as a feed."""

from __future__ import annotations

import feedparser
import pytest
from sqlalchemy import select

from tests.conftest import wait_for
from tests.publishing.conftest import bearer

KAZAKH = ["Астанада саммит ашылды", "Көшбасшылар дүйсенбіде кездесті.",
          "Олар екі келісімге қол қойды."]


@pytest.mark.slow
def test_kazakh_latin_edition_from_a_real_translation_run(make_app, redis_url, install_models,
                                                          make_user, start_worker):
    from workflow import review
    from workflow.approval import active_translations
    from workflow.models import Edition, TranslationJob
    from workflow.partners.admin import create_partner
    from workflow.partners.keys import issue_key
    from workflow.publishing import publish as publishing

    app = make_app(CELERY_BROKER_URL=redis_url, KK_LATN="2021")
    install_models("en_kk", app=app)
    db = app.extensions["audarma.db"]
    desk = make_user("editor", app=app)
    translator = make_user("translator", languages="kk", app=app)
    editor, second = make_user("editor", app=app), make_user("editor", app=app)
    with app.app_context(), db.transaction() as session:
        key = issue_key(session, user_id=desk, label="e2e")[1]
    start_worker(app, env_extra={"AUDARMA_KK_LATN": "2021", "AUDARMA_JOB_TICK_SECONDS": "1",
                                 "AUDARMA_INTER_THREADS": "1", "AUDARMA_INTRA_THREADS": "1"})
    client = app.test_client()
    body = ("Summit opens in Astana\n\nLeaders met on Monday. "
            "They signed two agreements.")
    created = client.post("/api/v1/articles", headers={"Authorization": f"Bearer {key}"},
                          json={"body": body, "language": "en", "targets": ["kk"]})
    assert created.status_code == 201, created.get_json()

    def translated():
        with app.app_context(), db.transaction() as session:
            job = session.scalar(select(TranslationJob))
            return job if job is not None and job.state == "in_review" else None

    job = wait_for(translated, timeout=120)
    with app.app_context(), db.transaction() as session:
        rows = active_translations(session, job.edition_id)
        assert len(rows) == 3 and all(r.machine_text for r in rows)  # the model's output
        for row, text in zip(rows, KAZAKH, strict=True):  # the translator post-edits
            review.confirm_segment(session, row.id, text, row.version, translator)
        review.submit_edition(session, job.edition_id, translator)
        review.approve_edition(session, job.edition_id, editor)
        latin = session.scalar(select(Edition).where(Edition.language == "kk-Latn"))
        assert latin.state == "submitted"
        latin_id = latin.id
    with app.app_context(), db.transaction() as session:
        review.approve_edition(session, latin_id, second)  # a person approves the Latin text
        publishing.publish_edition(session, job.edition_id, editor)
        publishing.publish_edition(session, latin_id, editor)

    with app.app_context(), db.transaction() as session:
        secret = create_partner(session, "Both scripts", "kk,kk-Latn")[2]
    for fmt in ("rss", "atom"):
        response = client.get(f"/feeds/kk-latn.{fmt}", headers=bearer(secret))
        assert response.status_code == 200, response.get_data(as_text=True)
        parsed = feedparser.parse(response.data)
        assert parsed.bozo == 0 and parsed.feed.language == "kk-Latn"
        (entry,) = parsed.entries
        assert entry.title == "Astanada sammit aşyldy"
        assert "Köşbasşylar düisenbıde kezdestı." in entry.content[0].value
        assert "Olar ekı kelısımge qol qoidy." in entry.content[0].value
    feed = client.get("/feeds/kk-latn.json", headers=bearer(secret)).get_json()
    assert feed["language"] == "kk-Latn"
    assert feed["items"][0]["title"] == "Astanada sammit aşyldy"
    cyrillic = feedparser.parse(client.get("/feeds/kk.atom", headers=bearer(secret)).data)
    assert cyrillic.entries[0].title == "Астанада саммит ашылды"
    assert {link.hreflang for link in cyrillic.entries[0].links} == {"kk", "kk-Latn"}
