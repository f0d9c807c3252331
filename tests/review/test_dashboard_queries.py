"""The dashboard's query budget: a page costs the same few queries for 2 articles or 25.

workflow/desk.py promises one query each for the count, the articles, their editions, their
jobs and the page's people (the assignee filter's translators come from that same query), and
none for people in the polled matrix when nobody is assigned. A lazy load in a template or a
per-row query breaks these tests before it reaches the desk.
"""

from __future__ import annotations

import re

from tests.review.conftest import email_of

PAGE_BUDGET = 5  # count, articles, editions, jobs, people (+ the same translators)


def _articles(app, make_article, count: int, offset: int = 0) -> None:
    from workflow.jobs.queue import create_jobs
    from workflow.models import Article

    for i in range(offset, offset + count):
        article_id = make_article([[f"Story number {i} about trams."]], title=f"Story {i}")
        with app.app_context(), app.extensions["audarma.db"].transaction() as session:
            create_jobs(session, session.get(Article, article_id), ["kk", "ru"])


def _desk_queries(app, count_queries, user_id: int, **filters) -> list[str]:
    from workflow import desk

    with app.app_context():
        session = app.extensions["audarma.db"].session
        with count_queries(app) as sql:
            page = desk.list_articles(session, desk.DeskFilters(**filters), user_id,
                                      with_translators=True)
            assert page.rows
        session.remove()
    return sql


def test_list_articles_costs_the_same_queries_for_2_or_25_articles(
        app, make_user, make_article, count_queries):
    editor = make_user("editor")
    _articles(app, make_article, 2)
    few = _desk_queries(app, count_queries, editor)
    _articles(app, make_article, 23, offset=2)
    many = _desk_queries(app, count_queries, editor)
    assert len(few) == len(many) <= PAGE_BUDGET
    people = [s for s in many if re.search(r"FROM users\b", s)]
    assert len(people) == 1  # the page's people and the assignee filter's list, together
    assert len(_desk_queries(app, count_queries, editor, q="story 1", language="kk")) \
        <= PAGE_BUDGET


def test_the_desk_page_and_matrix_do_not_grow_with_the_page(
        app, make_user, make_article, sign_in, count_queries):
    editor = make_user("editor")
    client = sign_in(email_of(app, editor))
    _articles(app, make_article, 2)
    client.get("/")  # warm up: templates compiled, the signed-in user cached per request
    with count_queries(app) as few_page:
        assert client.get("/").status_code == 200
    with count_queries(app) as few_matrix:
        assert client.get("/desk/matrix").status_code == 200
    _articles(app, make_article, 23, offset=2)
    with count_queries(app) as many_page:
        assert client.get("/").status_code == 200
    with count_queries(app) as many_matrix:
        assert client.get("/desk/matrix").status_code == 200
    # one query loads the signed-in user, one more the page's own extras; then the desk's own
    assert len(few_page) == len(many_page) <= 2 + PAGE_BUDGET
    # nobody is assigned and the polled matrix lists no translators: no people query of its own
    assert len(few_matrix) == len(many_matrix) == 1 + PAGE_BUDGET - 1
    assert len([s for s in many_matrix if re.search(r"FROM users\b", s)]) == 1
