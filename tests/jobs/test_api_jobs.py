"""Cancel and retry through the API (bearer key) and the dashboard's POST forms."""

from __future__ import annotations

import pytest

from tests.jobs.conftest import job_rows, queue


@pytest.fixture
def api(app, make_user):
    from workflow.partners.keys import issue_key

    user_id = make_user("editor")
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        secret = issue_key(session, user_id=user_id)[1]
    client = app.test_client()

    def call(path: str, **kwargs):
        return client.post(path, headers={"Authorization": f"Bearer {secret}"}, **kwargs)

    return call


def test_api_cancels_one_language_then_retries_it(app, api, make_article):
    article_id = queue(app, make_article, targets=("kk", "ru"))
    response = api(f"/api/v1/articles/{article_id}/cancel", json={"language": "kk"})
    assert response.status_code == 200
    body = response.get_json()
    states = {job["language"]: job["state"] for job in body["jobs"]}
    assert states == {"kk": "cancelled", "ru": "queued"} and len(body["cancelled"]) == 1
    job_id = body["cancelled"][0]
    retried = api(f"/api/v1/jobs/{job_id}/retry")
    assert retried.status_code == 200
    assert retried.get_json()["state"] == "queued"
    job = next(j for j in job_rows(app) if j.id == job_id)
    assert not job.needs_dispatch and job.dispatched_at  # the wake-up went out after commit


def test_api_cancel_all_and_refusals(app, api, make_article):
    article_id = queue(app, make_article, targets=("kk", "ru"))
    assert len(api(f"/api/v1/articles/{article_id}/cancel").get_json()["cancelled"]) == 2
    again = api(f"/api/v1/articles/{article_id}/cancel").get_json()
    assert again["cancelled"] == []  # cancelling twice is harmless
    bad = api(f"/api/v1/articles/{article_id}/cancel", json={"language": "de"})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid_field"
    missing = api("/api/v1/articles/987654/cancel")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    assert api("/api/v1/jobs/987654/retry").status_code == 404
    unauthorised = app.test_client().post(f"/api/v1/articles/{article_id}/cancel")
    assert unauthorised.status_code == 401


def test_api_retry_of_a_running_job_is_a_conflict(app, api, make_article):
    queue(app, make_article, targets=("kk",))
    job_id = job_rows(app)[0].id
    response = api(f"/api/v1/jobs/{job_id}/retry")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "job_not_retryable"


def _signed_in(app, make_user, role: str):
    make_user(role, email=f"{role}@jobs.test")
    client = app.test_client()
    assert client.post("/login", data={"email": f"{role}@jobs.test",
                                       "password": "password123"}).status_code == 302
    return client


def test_dashboard_buttons_cancel_and_retry_then_go_back(app, make_user, make_article):
    article_id = queue(app, make_article, targets=("kk", "ru"))
    editor = _signed_in(app, make_user, "editor")
    response = editor.post(f"/jobs/articles/{article_id}/cancel", data={"language": "ru"},
                           headers={"Referer": "http://localhost/?state=translating"})
    assert response.status_code == 302 and response.location.endswith("/?state=translating")
    ru = next(j for j in job_rows(app) if j.target_language == "ru")
    assert ru.state == "cancelled"
    response = editor.post(f"/jobs/{ru.id}/retry", data={"next": "https://evil.example/x"})
    assert response.status_code == 302 and "evil" not in response.location
    assert next(j for j in job_rows(app) if j.id == ru.id).state == "queued"
    assert editor.post("/jobs/987654/retry").status_code == 404


def test_translators_cannot_cancel(app, make_user, make_article):
    article_id = queue(app, make_article, targets=("kk",))
    translator = _signed_in(app, make_user, "translator")
    assert translator.post(f"/jobs/articles/{article_id}/cancel").status_code == 403
    assert job_rows(app)[0].state == "queued"


def test_dashboard_forms_need_a_csrf_token(make_app, make_user, make_article):
    app = make_app(WTF_CSRF_ENABLED=True)
    article_id = queue(app, make_article, targets=("kk",))
    make_user("editor", email="csrf@jobs.test", app=app)
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
    client.post("/login", data={"email": "csrf@jobs.test", "password": "password123",
                                "csrf_token": token})
    assert client.get("/").status_code == 200  # signed in: only the token is missing
    assert client.post(f"/jobs/articles/{article_id}/cancel").status_code == 400
    assert job_rows(app)[0].state == "queued"


def test_the_article_api_shows_progress_batch_by_batch(app, make_user, make_article):
    from tests.jobs.conftest import FakeEngine
    from workflow.jobs.run import work_once
    from workflow.partners.keys import issue_key

    article_id = queue(app, make_article, sentences=5, targets=("kk",), dispatch=False)
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        secret = issue_key(session, user_id=make_user("editor"))[1]
    client = app.test_client()

    def progress(_n=None):
        body = client.get(f"/api/v1/articles/{article_id}",
                          headers={"Authorization": f"Bearer {secret}"}).get_json()
        kk = next(e for e in body["editions"] if e["language"] == "kk")
        return kk["job_state"], kk["progress"]["done"], kk["progress"]["total"]

    seen = [progress()]
    work_once(db, FakeEngine(lambda n: seen.append(progress())), "w1", batch_size=2)
    seen.append(progress())
    assert seen == [("queued", 0, 6), ("translating", 0, 6), ("translating", 2, 6),
                    ("translating", 4, 6), ("in_review", 6, 6)]
