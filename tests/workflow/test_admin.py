"""Admin page: install and remove models, keep the glossary, create accounts."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from workflow.models import GlossaryTerm, User


def _sign_in(client, email):
    return client.post("/login", data={"email": email, "password": "password123"})


def test_admin_installs_an_uploaded_package_and_removes_it(app, client, make_user, argos_files):
    make_user("admin", email="boss@example.test")
    _sign_in(client, "boss@example.test")
    data = {"package": (io.BytesIO(argos_files["en_kk"].read_bytes()), "en_kk.argosmodel")}
    response = client.post("/admin/models", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get("/admin/").get_data(as_text=True)
    assert "translate-en_kk" in page and "en → kk" in page
    bad = client.post("/admin/models", content_type="multipart/form-data",
                      data={"package": (io.BytesIO(b"not a zip"), "x.argosmodel")})
    assert bad.status_code == 422 and "not a zip" in bad.get_data(as_text=True)
    from translations.packages import PackageStore

    store = PackageStore(app.config["PACKAGES_DIR"])
    (code,) = [p.code for p in store.installed()]
    assert client.post(f"/admin/models/{code}/remove").status_code == 302
    assert store.installed() == []
    assert client.post(f"/admin/models/{code}/remove").status_code == 404


def test_glossary_terms_are_added_once_shown_escaped_and_removed(app, db, client, make_user):
    make_user("admin", email="boss@example.test")
    _sign_in(client, "boss@example.test")
    form = {"source_language": "en", "target_language": "kk",
            "term": "<img src=x onerror=alert(1)>", "translation": "Тоқаев"}
    assert client.post("/admin/glossary", data=form).status_code == 302
    again = client.post("/admin/glossary", data=form)
    assert again.status_code == 409 and "already" in again.get_data(as_text=True)
    same = client.post("/admin/glossary", data={**form, "target_language": "en"})
    assert same.status_code == 422
    page = client.get("/admin/").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    with app.app_context():
        term_id = db.session.scalar(select(GlossaryTerm.id))
    assert client.post(f"/admin/glossary/{term_id}/delete").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(GlossaryTerm)) == 0


def test_admin_creates_accounts_with_clear_errors(app, db, client, make_user):
    make_user("admin", email="boss@example.test")
    _sign_in(client, "boss@example.test")
    ok = client.post("/admin/users", data={"email": "new@example.test", "password": "long enough!",
                                           "roles": ["translator"], "languages": ["kk"]})
    assert ok.status_code == 302
    weak = client.post("/admin/users", data={"email": "x@example.test", "password": "short",
                                             "roles": ["editor"]})
    assert weak.status_code == 422 and "at least" in weak.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "new@example.test"))
        assert user.roles == ["translator"] and user.languages == ["kk"]


def test_only_admins_reach_the_admin_page(client, make_user):
    make_user("editor", email="ed@example.test")
    _sign_in(client, "ed@example.test")
    assert client.get("/admin/").status_code == 403


def test_unknown_account_costs_as_much_as_a_wrong_password(app, db, make_user):
    """Sign-in timing does not tell whether an e-mail has an account."""
    import time

    from workflow.users import check_sign_in

    make_user("translator", email="known@example.test")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "known@example.test"))

        def cost(candidate) -> float:
            start = time.perf_counter()
            for _ in range(3):
                assert check_sign_in(candidate, "wrong password") is False
            return time.perf_counter() - start

        known, unknown = cost(user), cost(None)
        assert check_sign_in(user, "password123") is True
    # both pay for an Argon2 verification; without the dummy hash, unknown would be ~1000x cheaper
    assert unknown > known / 5


def test_article_page_offers_cancel_and_retry_to_editors(app, db, client, make_user, make_article):
    from workflow.jobs import queue as jobs
    from workflow.models import Article, TranslationJob

    article_id = make_article([["One sentence here."]])
    with app.app_context(), db.transaction() as session:
        jobs.create_jobs(session, session.get(Article, article_id), ["kk", "ru"])
    make_user("editor", email="ed@example.test")
    _sign_in(client, "ed@example.test")
    page = client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert page.count(f"/jobs/articles/{article_id}/cancel") == 3  # kk, ru and "every"
    response = client.post(f"/jobs/articles/{article_id}/cancel",
                           data={"language": "kk", "next": f"/articles/{article_id}"})
    assert response.status_code == 302
    with app.app_context():
        states = {j.target_language: j.state for j in db.session.scalars(select(TranslationJob))}
        kk_job = db.session.scalar(select(TranslationJob.id).where(
            TranslationJob.target_language == "kk"))
    assert states == {"kk": "cancelled", "ru": "queued"}
    page = client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert f"/jobs/{kk_job}/retry" in page

    from workflow.models import Edition

    def kk_edition_state():
        with app.app_context():
            db.session.expire_all()
            return db.session.scalar(select(Edition.state).where(Edition.language == "kk"))

    assert kk_edition_state() == "cancelled"
    assert client.post(f"/jobs/{kk_job}/retry", data={"next": "/"}).status_code == 302
    assert kk_edition_state() == "translating"
