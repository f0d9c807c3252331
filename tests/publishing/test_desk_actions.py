"""The publishing desk at volume and every action from the edition page, the API and the CLI
(issue 23, item 1): written from the reproduction — after 101 newer publications an approved
edition could no longer be published, nor yesterday's stories corrected or killed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.publishing.conftest import bearer
from workflow.db import utcnow


def _login(client, email):
    response = client.post("/login", data={"email": email, "password": "password123"})
    assert response.status_code == 302


@pytest.fixture
def newer_stories(app):
    """Factory: ``n`` newer articles, each with a published kk edition (rows written directly)."""
    from sqlalchemy import insert

    from workflow.models import Article, Edition

    def _make(n: int) -> None:
        db = app.extensions["audarma.db"]
        later = utcnow() + timedelta(minutes=5)
        with app.app_context(), db.transaction() as session:
            for i in range(n):
                article_id = session.execute(insert(Article).values(
                    title=f"Wire story {i}", source_language="en", source_key=f"wire-{i}",
                    content_hash=f"{i:064d}", created_at=later + timedelta(seconds=i),
                    category="sport" if i % 2 else "world").returning(Article.id)).scalar_one()
                session.execute(insert(Edition).values(article_id=article_id, language="kk",
                                                       state="published",
                                                       updated_at=later + timedelta(seconds=i)))

    return _make


def test_an_old_approved_edition_stays_reachable_and_publishable_after_101_newer(
        app, client, make_user, make_story, newer_stories):
    story = make_story(title="Budget vote delayed")
    newer_stories(101)
    make_user("editor", email="ed@example.test")
    _login(client, "ed@example.test")

    first = client.get("/publishing/").get_data(as_text=True)
    assert "Wire story 100" in first and "Budget vote delayed" not in first
    assert 'rel="next"' in first
    for query in ("q=budget", "state=approved", "language=ru", f"from={utcnow().date()}&q=vote"):
        page = client.get(f"/publishing/?{query}").get_data(as_text=True)
        assert "Budget vote delayed" in page, query
        assert "Wire story" not in page, query
    last = client.get("/publishing/?page=5").get_data(as_text=True)
    assert "Budget vote delayed" in last
    sport = client.get("/publishing/?category=sport").get_data(as_text=True)
    assert "Wire story 99" in sport and "Wire story 98" not in sport

    editor_page = client.get(f"/editions/{story['kk']}").get_data(as_text=True)
    link = f"/publishing/editions/{story['kk']}/publish"
    assert link in editor_page
    confirm = client.get(link)
    assert confirm.status_code == 200 and 'id="confirm-action"' in confirm.get_data(as_text=True)
    done = client.post(link, data={"next": f"/editions/{story['kk']}"}, follow_redirects=True)
    text = done.get_data(as_text=True)
    assert re.search(r"Published at \d{1,2}:\d{2}", text), text[:2000]
    assert f'href="/publishing/editions/{story["kk"]}/kill' in text


def test_the_desk_links_titles_and_shows_localised_states(app, client, make_user, make_story):
    from workflow.models import User

    story = make_story()
    user_id = make_user("editor", email="ru-ed@example.test")
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        session.get(User, user_id).locale = "ru"
    _login(client, "ru-ed@example.test")
    page = client.get("/publishing/").get_data(as_text=True)
    with app.app_context():
        from workflow.models import Edition

        article_id = app.extensions["audarma.db"].session.get(Edition, story["kk"]).article_id
    assert f'href="/articles/{article_id}"' in page
    assert "Утверждено" in page and "Казахский" in page
    for raw in (">approved<", ">kk<", "v1 (usable)", "Kill all editions"):
        assert raw not in page


def test_a_get_never_changes_anything_and_the_post_says_what_happened(app, client, make_user,
                                                                        make_story):
    from workflow.models import Edition

    story = make_story()
    make_user("editor", email="ed@example.test")
    _login(client, "ed@example.test")
    for action in ("publish", "kill", "reopen"):
        assert client.get(f"/publishing/editions/{story['kk']}/{action}").status_code == 200
    with app.app_context():
        assert app.extensions["audarma.db"].session.get(Edition, story["kk"]).state == "approved"
    page = client.post(f"/publishing/editions/{story['ru']}/publish",
                       data={"embargo_until": "2099-01-01T18:00"}, follow_redirects=True)
    assert "Scheduled for" in page.get_data(as_text=True)
    assert "18:00" in page.get_data(as_text=True)
    refused = client.post(f"/publishing/editions/{story['kk']}/kill", data={"reason": ""})
    assert refused.status_code == 422 and "Say why" in refused.get_data(as_text=True)


def test_api_runs_every_action_with_the_editor_check(app, client, make_user, make_story):
    from workflow.partners.keys import issue_key

    story = make_story()
    db = app.extensions["audarma.db"]
    keys = {}
    for role in ("editor", "translator"):
        user_id = make_user(role)
        with app.app_context(), db.transaction() as session:
            keys[role] = issue_key(session, user_id=user_id)[1]
    url = f"/api/v1/editions/{story['kk']}/publishing"
    refused = client.post(f"{url}/publish", headers=bearer(keys["translator"]))
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "role_not_allowed"
    assert client.post(f"{url}/publish", json={"category": "x"},
                       headers=bearer(keys["editor"])).status_code == 422
    later = (utcnow() + timedelta(hours=3)).replace(microsecond=0)
    scheduled = client.post(f"{url}/publish", json={"embargo_until": later.isoformat()},
                            headers=bearer(keys["editor"]))
    assert scheduled.status_code == 200, scheduled.get_json()
    assert scheduled.get_json()["state"] == "scheduled"
    assert scheduled.get_json()["at"].startswith(later.strftime("%Y-%m-%dT%H:%M"))
    for action, body, state in (("release_now", None, "published"), ("correct", None, "editing")):
        reply = client.post(f"{url}/{action}", json=body, headers=bearer(keys["editor"]))
        assert reply.status_code == 200 and reply.get_json()["state"] == state, reply.get_json()
    wrong = client.post(f"{url}/reopen", headers=bearer(keys["editor"]))
    assert wrong.status_code == 409
    listing = client.get("/api/v1/publishing?q=flood", headers=bearer(keys["editor"]))
    assert listing.status_code == 200
    editions = listing.get_json()["articles"][0]["editions"]
    kk = next(e for e in editions if e["language"] == "kk")
    assert kk["state"] == "editing" and kk["latest"]["status"] == "usable"
    ru = next(e for e in editions if e["language"] == "ru")
    assert ru["actions"] == ["publish"]
    assert client.get("/api/v1/publishing", headers=bearer(keys["translator"])).status_code == 403


def test_cli_lists_and_acts_as_a_named_editor(app, make_user, make_story, newer_stories):
    story = make_story(title="Budget vote delayed")
    newer_stories(3)
    make_user("editor", email="ed@example.test")
    make_user("translator", email="tr@example.test")
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["publishing", "list", "--state", "approved"])
    assert listed.exit_code == 0 and "Budget vote delayed" in listed.output
    assert "Wire story" not in listed.output
    denied = runner.invoke(args=["publishing", "publish", str(story["kk"]), "--as",
                                 "tr@example.test"])
    assert denied.exit_code != 0 and "role_not_allowed" in denied.output
    done = runner.invoke(args=["publishing", "publish", str(story["kk"]), "--as",
                               "ed@example.test"])
    assert done.exit_code == 0 and "now published, version 1" in done.output, done.output
    killed = runner.invoke(args=["publishing", "kill", str(story["kk"]), "--as",
                                 "ed@example.test", "--reason", "Wrong figures."])
    assert killed.exit_code == 0 and "now withdrawn, version 2" in killed.output
    reopened = runner.invoke(args=["publishing", "reopen", str(story["kk"]), "--as",
                                   "ed@example.test", "--json"])
    assert reopened.exit_code == 0 and '"state": "editing"' in reopened.output


def test_the_category_filter_lists_the_configured_categories_by_their_names(make_app,
                                                                             make_user):
    """Not the categories found in articles: a configured one no article has yet is offered,
    one an article keeps from an older configuration is not, each in the interface language."""
    from sqlalchemy import insert

    from workflow.models import Article, Edition, User

    app = make_app(CATEGORIES=["economy", "sport", "harvest"])
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        article_id = session.execute(insert(Article).values(
            title="Old story", source_language="en", source_key="old", content_hash="0" * 64,
            category="world").returning(Article.id)).scalar_one()
        session.execute(insert(Edition).values(article_id=article_id, language="kk",
                                               state="published"))
    user_id = make_user("editor", email="cat-ed@example.test", app=app)
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        session.get(User, user_id).locale = "ru"
    client = app.test_client()
    _login(client, "cat-ed@example.test")
    page = client.get("/publishing/").get_data(as_text=True)
    select = re.search(r'<select id="p-category".*?</select>', page, re.S).group(0)
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    assert options[1:] == [("economy", "Экономика"), ("sport", "Спорт"), ("harvest", "harvest")]
    assert "Old story" in page  # the article is listed; its old category is not offered
