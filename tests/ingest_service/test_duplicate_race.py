"""Two submissions of one article at the same moment: the loser gets the normal duplicate answer.

Both submissions are held after their first duplicate check until both have made it. Then two
guards decide: submissions of the same words take a lock (PostgreSQL: advisory, on the content
hash; SQLite: the write lock) and check again, so a paste and an API post of one text store it
once; two submissions of one source key meet at its unique index.
"""

from __future__ import annotations

import json
import re
import threading

import pytest
from sqlalchemy import func, select

from tests.ingest_service.conftest import EN_TEXT, TABLES


@pytest.fixture(params=["sqlite", "postgresql"])
def race_app(request, make_app):
    """The app on SQLite, or on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return make_app()
    url = request.getfixturevalue("postgres_url")
    return make_app(DATABASE_URL=url.replace("postgresql://", "postgresql+psycopg://"))


def _both_past_the_check(monkeypatch) -> threading.Barrier:
    """Hold each ingest right after its duplicate check until both requests have done theirs."""
    import workflow.ingest.service as service

    barrier = threading.Barrier(2, timeout=20)
    original = service.choose_language

    def _wait_then_choose(*args, **kwargs):
        barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(service, "choose_language", _wait_then_choose)
    return barrier


def _at_once(*calls):
    """Run the calls in two threads at the same time; their results in order."""
    results: list[object] = [None] * len(calls)

    def _run(index, call):
        try:
            results[index] = call()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            results[index] = exc

    threads = [threading.Thread(target=_run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(isinstance(r, BaseException) for r in results), results
    return results


def _counts(app) -> dict[str, int]:
    import workflow.models as models

    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        return {name: session.scalar(select(func.count()).select_from(getattr(models, name)))
                for name in TABLES}


def _api_secret(app, make_user, email: str) -> str:
    """An editor's API key, already marked used (so no request writes its row while it waits)."""
    from workflow.db import utcnow
    from workflow.partners.keys import issue_key

    user_id = make_user("editor", email=email, app=app)
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        key, secret = issue_key(session, user_id=user_id, label="race")
        key.last_used_at = utcnow()
    return secret


def test_api_race_on_one_external_id_gives_one_article_and_one_duplicate_answer(
        race_app, make_user, monkeypatch):
    app = race_app
    secret = _api_secret(app, make_user, "api@example.test")
    barrier = _both_past_the_check(monkeypatch)
    payload = json.dumps({"body": EN_TEXT, "external_id": "wire-42", "targets": ["kk"]})

    def _post():
        response = app.test_client().post(
            "/api/v1/articles", data=payload,
            headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"})
        return response.status_code, response.get_json()

    results = _at_once(_post, _post)
    assert barrier.n_waiting == 0 and not barrier.broken  # both really were past the check
    statuses = sorted(status for status, _body in results)
    assert statuses == [200, 201], results
    created = next(body for status, body in results if status == 201)
    duplicate = next(body for status, body in results if status == 200)
    assert duplicate["duplicate_of"] == created["id"] == duplicate["id"]
    assert duplicate["segments"] == created["segments"]
    stored = _counts(app)
    assert stored["Article"] == 1 and stored["TranslationJob"] == 1
    assert stored["Segment"] == created["segments"]


def test_service_race_on_one_external_id_stores_nothing_for_the_loser(race_app, monkeypatch):
    from workflow.ingest.service import ingest_text
    from workflow.models import Article

    app = race_app
    database = app.extensions["audarma.db"]
    _both_past_the_check(monkeypatch)

    def _ingest():
        with database.transaction() as session:
            result = ingest_text(session, EN_TEXT, source="feed:1", external_id="guid-9",
                                 targets=["kk", "ru"])
            return result.article.id, result.duplicate_of, len(result.jobs)

    results = _at_once(_ingest, _ingest)
    winner = next(r for r in results if r[1] is None)
    loser = next(r for r in results if r[1] is not None)
    assert winner[2] == 2 and loser == (winner[0], winner[0], 0)
    with database.transaction() as session:
        assert session.scalars(select(Article.id)).all() == [winner[0]]
    assert _counts(app)["TranslationJob"] == 2


def test_form_race_on_one_pasted_text_says_already_in_the_desk_with_a_link(
        race_app, make_user, monkeypatch):
    app = race_app
    make_user("editor", email="desk@example.test", app=app)
    clients = []
    for _ in range(2):
        client = app.test_client()
        assert client.post("/login", data={"email": "desk@example.test",
                                           "password": "password123"}).status_code == 302
        clients.append(client)
    _both_past_the_check(monkeypatch)
    form = {"title": "", "format": "text", "body": EN_TEXT, "language": "auto",
            "targets": ["kk"], "priority": "normal"}

    def _paste(client):
        response = client.post("/articles/new", data=form)
        return response.status_code, response.headers.get("Location"), response.get_data(
            as_text=True)

    results = _at_once(lambda: _paste(clients[0]), lambda: _paste(clients[1]))
    assert sorted(r[0] for r in results) == [200, 302]  # one saved, one told it is a duplicate
    saved = next(r for r in results if r[0] == 302)
    refused = next(r for r in results if r[0] == 200)
    assert 'id="ingest-duplicate"' in refused[2]
    assert saved[1].endswith(re.search(r'href="(/articles/\d+)"', refused[2]).group(1))
    assert _counts(app)["Article"] == 1


def test_text_pasted_again_after_its_article_was_edited_is_a_new_article(app, db):
    from workflow.ingest.service import ingest_text
    from workflow.ingest.source_edit import update_source

    with db.transaction() as session:
        first = ingest_text(session, EN_TEXT, source="desk", targets=["kk"]).article.id
    with db.transaction() as session:
        update_source(session, first, EN_TEXT.replace("Tuesday", "Wednesday"))
    with db.transaction() as session:
        again = ingest_text(session, EN_TEXT, source="desk", targets=["kk"])
        assert again.duplicate_of is None and again.article.id != first


def test_a_paste_and_an_api_post_of_one_text_at_once_store_it_once(
        race_app, make_user, monkeypatch):
    """Different source keys (pasted content, the API's external id), the same words."""
    app = race_app
    secret = _api_secret(app, make_user, "desk@example.test")
    desk = app.test_client()
    assert desk.post("/login", data={"email": "desk@example.test",
                                     "password": "password123"}).status_code == 302
    barrier = _both_past_the_check(monkeypatch)

    def _paste():
        response = desk.post("/articles/new", data={
            "title": "", "format": "text", "body": EN_TEXT, "language": "auto",
            "targets": ["kk"], "priority": "normal"})
        return response.status_code, response.headers.get("Location") or response.get_data(
            as_text=True)

    def _post():
        response = app.test_client().post(
            "/api/v1/articles",
            data=json.dumps({"body": EN_TEXT, "external_id": "wire-7", "targets": ["kk"]}),
            headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"})
        return response.status_code, response.get_json()

    (paste_status, paste_page), (api_status, api_body) = _at_once(_paste, _post)
    assert barrier.n_waiting == 0 and not barrier.broken  # both really were past the check
    stored = _counts(app)
    assert stored["Article"] == 1 and stored["TranslationJob"] == 1, (paste_status, api_status)
    # Whichever came second got its channel's duplicate answer, pointing at the first.
    if api_status == 200:
        assert paste_status == 302 and api_body["duplicate_of"] == api_body["id"]
        assert paste_page.endswith(f"/articles/{api_body['id']}")  # where the paste went
    else:
        assert api_status == 201 and paste_status == 200
        assert 'id="ingest-duplicate"' in paste_page
        assert f'href="/articles/{api_body["id"]}"' in paste_page
