"""While the database or Redis is away, requests get clean answers (503 with Retry-After, or
rate limits counted in memory), never a 500."""

from __future__ import annotations

from sqlalchemy import create_engine

DOWN = "postgresql+psycopg://postgres@127.0.0.1:1/audarma_down"  # nothing listens on port 1


def test_api_answers_503_json_while_the_database_is_down(make_app):
    client = make_app(DATABASE_URL=DOWN, SCHEMA="none").test_client()
    response = client.post("/api/v1/articles", json={"body": "Hello there."},
                           headers={"Authorization": "Bearer ak_some-key"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "service_unavailable"
    assert response.headers["Retry-After"].isdigit()


def test_signed_in_page_answers_503_page_while_the_database_is_down(app, client, make_user):
    make_user("translator", email="t@example.test")
    assert client.post("/login", data={"email": "t@example.test",
                                       "password": "password123"}).status_code == 302
    assert client.get("/my-work").status_code == 200
    db = app.extensions["audarma.db"]
    db.session.remove()
    db.session_factory.configure(bind=create_engine(DOWN))  # the server goes away
    response = client.get("/my-work")
    assert response.status_code == 503
    assert b"briefly unavailable" in response.data and b"Traceback" not in response.data
    assert response.headers["Retry-After"].isdigit()


def test_connection_dropped_at_teardown_keeps_the_answer(app, client, monkeypatch):
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    def dropped(_self):
        raise OperationalError("ROLLBACK", {}, Exception("terminating connection"))

    monkeypatch.setattr(Session, "close", dropped)  # the server shuts down as the request ends
    response = client.get("/healthz")  # reads the database, so its session is closed afterwards
    monkeypatch.undo()
    assert response.status_code in (200, 503)
    assert "status" in response.get_json()


def test_sign_in_works_while_the_rate_limit_storage_is_down(make_app, make_user):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    make_user("translator", email="t@example.test", app=app)
    client = app.test_client()
    wrong = [client.post("/login", data={"email": "t@example.test", "password": "nope"})
             .status_code for _ in range(3)]
    assert wrong == [401, 401, 401]
    assert client.post("/login", data={"email": "t@example.test",
                                       "password": "password123"}).status_code == 302
    codes = {client.post("/login", data={"email": "t@example.test", "password": "nope"})
             .status_code for _ in range(10)}
    assert 429 in codes  # still limited, counted in memory meanwhile


def test_translate_task_retries_soon_when_the_database_is_unreachable(make_app, monkeypatch):
    """A wake-up that finds the database down is retried in seconds, not left to the beat."""
    from celery.exceptions import Retry

    from tasks.translate import translate_job

    app = make_app(DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:1/nowhere",
                   SCHEMA="none")
    seen = {}

    def fake_retry(*, exc, countdown):
        seen["countdown"] = countdown
        seen["exc"] = type(exc).__name__
        return Retry("retry", exc=exc, when=countdown)

    monkeypatch.setattr(translate_job, "retry", fake_retry)
    with app.app_context():
        try:
            translate_job.run(job_id=1)
        except Retry:
            pass
        else:  # pragma: no cover - the assertion below reports it
            seen["no_retry"] = True
    assert seen.get("exc") == "OperationalError" and 0 < seen["countdown"] <= 30
