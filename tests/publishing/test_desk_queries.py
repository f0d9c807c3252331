"""The publishing desk's query budget: a page costs the same few queries for 2 articles or 8,
filtered or not, with or without flagged editions, and never loads a rendered body.

workflow/publishing/desk.py promises one query for the page (articles, their editions and each
edition's latest version); the corrections banner adds one and the signed-in user one. A lazy
load in the template or a per-row query (an edition's latest version, its article) breaks this
test before it reaches an agency's volume.
"""

from __future__ import annotations

import re

PAGE_BUDGET = 3  # the signed-in user, the corrections banner, the desk page itself


def _editor(app, make_user):
    make_user("editor", email="desk-editor@example.test")
    client = app.test_client()
    assert client.post("/login", data={"email": "desk-editor@example.test",
                                       "password": "password123"}).status_code == 302
    return client


def _stories(make_story, publish, count: int, offset: int = 0) -> list[dict[str, int]]:
    stories = []
    for i in range(offset, offset + count):
        story = make_story(title=f"Desk story {i}", category="sport" if i % 2 else "politics")
        publish("publish_edition", story["kk"], None)
        stories.append(story)
    return stories


def _page(client, count_queries, app, path: str) -> tuple[str, list[str]]:
    with count_queries(app) as sql:
        response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True), sql


def test_the_desk_page_costs_the_same_queries_for_2_or_8_articles(
        app, make_user, make_story, publish, count_queries):
    editor = _editor(app, make_user)
    _stories(make_story, publish, 2)
    editor.get("/publishing/")  # warm up: templates compiled
    few_page, few = _page(editor, count_queries, app, "/publishing/")
    _stories(make_story, publish, 6, offset=2)
    many_page, many = _page(editor, count_queries, app, "/publishing/")
    filtered_page, filtered = _page(editor, count_queries, app,
                                    "/publishing/?state=published&language=kk&category=sport"
                                    "&q=desk%20story&from=2000-01-01&to=2999-12-31")

    assert few_page.count('class="pub-edition"') == 2 * 3  # source en, kk, ru per article
    assert many_page.count('class="pub-edition"') == 8 * 3
    assert "Desk story 7" in many_page and "Desk story 0" in many_page
    assert filtered_page.count('class="title"') == 4  # the odd-numbered, sport stories
    assert "Desk story 7" in filtered_page and "Desk story 6" not in filtered_page
    assert len(few) == len(many) == len(filtered) <= PAGE_BUDGET
    desk = [s for s in many if re.search(r"\bFROM desk_page\b", s)]
    assert len(desk) == 1  # articles, editions and latest versions in one statement
    # the columns the page shows, never a rendered body, an ORM row of segments or blocks
    for statement in many:
        assert "body_html" not in statement and "headline" not in statement
        assert not re.search(r"\bFROM (segments|blocks|segment_translations)\b", statement)


def test_flagged_editions_cost_the_banner_one_query(
        app, make_user, make_story, publish, count_queries):
    from tests.publishing.conftest import approve_again

    editor = _editor(app, make_user)
    story = _stories(make_story, publish, 1)[0]
    editor.get("/publishing/")
    _quiet, before = _page(editor, count_queries, app, "/publishing/")
    publish("publish_edition", story["ru"], None)
    publish("reopen_for_correction", story["ru"], None)
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        approve_again(session, story["ru"])
    publish("publish_edition", story["ru"], None, correction_note="15,5 m, not 12,5 m.")

    flagged_page, after = _page(editor, count_queries, app, "/publishing/")
    banner = flagged_page.split('id="needs-correction"', 1)[1].split("</section>", 1)[0]
    assert "Desk story 0" in banner and "ru corrected (version 2)" in banner
    assert f'/editions/{story["kk"]}"' in banner
    assert len(before) == len(after) <= PAGE_BUDGET
