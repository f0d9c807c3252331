"""Dashboard: filters, title search, live polling only while translating, my work and take."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.review.conftest import email_of


def test_filters_search_polling_and_my_work(app, make_user, make_article, translated_edition,
                                            sign_in):
    from workflow.jobs.queue import create_jobs
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


def test_number_helper_matches_babel_in_every_interface_language(app):
    """The desk's ``number`` skips Babel below 1,000: the text must be Babel's own, per language."""
    from flask import render_template_string
    from flask_babel import force_locale, format_decimal

    from web.i18n import LOCALES

    values = [*range(1000), 1000, 12345, -1, 2.5]
    with app.test_request_context("/"):
        for locale in LOCALES:
            with force_locale(locale):
                shown = render_template_string(
                    "{% for v in values %}{{ number(v) }}|{% endfor %}", values=values)
                assert shown.split("|")[:-1] == [format_decimal(v) for v in values], locale


def test_assignee_filter_lists_active_translators_and_the_matrix_names_every_assignee(
        app, make_user, make_article, sign_in):
    """The dropdown and the matrix's names come from one query: each must still be right."""
    from workflow.jobs.queue import create_jobs
    from workflow.models import Article, Edition, User

    zara = make_user("translator", email="zara@example.test")
    anna = make_user("translator", email="anna@example.test")
    boss = make_user("editor", email="boss@example.test")
    gone = make_user("translator", email="gone@example.test")
    article_id = make_article([["A story about trams."]], title="Tram story")
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        create_jobs(session, session.get(Article, article_id), ["kk", "ru"])
        editions = {e.language: e for e in session.scalars(
            select(Edition).where(Edition.article_id == article_id))}
        editions["kk"].assignee_id, editions["ru"].reviewer_id = gone, boss
        session.get(User, gone).is_active = False
    client = sign_in("anna@example.test")

    page = client.get("/").get_data(as_text=True)
    dropdown = re.search(r'<select id="f-assignee".*?</select>', page, re.S).group(0)
    listed = re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', dropdown)
    assert listed == [(str(anna), "anna"), (str(zara), "zara")]  # by name; no editor, no leaver
    assert "Translator: gone" in page and "Reviewer: boss" in page
    matrix = client.get("/desk/matrix").get_data(as_text=True)
    assert "Translator: gone" in matrix and "Reviewer: boss" in matrix
