"""Dashboard: filters, title search, live polling only while translating, my work and take."""

from __future__ import annotations

from sqlalchemy import select

from tests.review.conftest import email_of


def test_filters_search_polling_and_my_work(app, make_user, make_article, translated_edition,
                                            sign_in):
    from workflow.jobs import create_jobs
    from workflow.models import Article, Edition

    edition_id = translated_edition(title="Trams for Karaganda")
    waiting = make_article([["A second story."]], title="Budget question", priority="breaking")
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        create_jobs(session, session.get(Article, waiting), ["ru"], priority="breaking")
    translator = make_user("translator", languages="kk")
    client = sign_in(email_of(app, translator))

    page = client.get("/").get_data(as_text=True)
    assert "Trams for Karaganda" in page and "Budget question" in page
    assert 'hx-trigger="every 2s"' in page  # a job is queued: the matrix polls
    page = client.get("/?q=karag").get_data(as_text=True)
    assert "Trams for Karaganda" in page and "Budget question" not in page
    page = client.get("/?priority=breaking&language=ru&state=translating").get_data(as_text=True)
    assert "Budget question" in page and "Trams for Karaganda" not in page
    matrix = client.get("/desk/matrix?q=karag").get_data(as_text=True)
    assert "Trams for Karaganda" in matrix and "every 2s" not in matrix  # nothing live there

    work = client.get("/my-work").get_data(as_text=True)
    assert f"/editions/{edition_id}/take" in work  # kk edition, free to take; ru one is not shown
    assert client.post(f"/editions/{edition_id}/take").status_code == 302
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        assert session.scalar(select(Edition.assignee_id).where(Edition.id == edition_id)) \
            == translator
    assert "Trams for Karaganda" in client.get("/?assignee=me").get_data(as_text=True)
    assert "Trams for Karaganda" not in client.get("/?assignee=none&language=kk").get_data(
        as_text=True)
