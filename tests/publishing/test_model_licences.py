"""A non-commercial model's output is published only where an admin allowed it knowingly; the
Models page and ``models list`` show every package's licence."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.publishing.conftest import approve_again, bearer
from translations.builder import build_random_package
from translations.engine import ArgosEngine
from translations.packages import PackageStore
from workflow.errors import Conflict, Forbidden, InvalidInput


@pytest.fixture
def noncommercial_route(app, tmp_path) -> dict:
    """The route the real engine records for a segment from a CC BY-NC package."""
    store = PackageStore(Path(app.config["PACKAGES_DIR"]))
    store.install(build_random_package(tmp_path / "nc.argosmodel", "en", "kk", seed=5,
                                       licence="cc-by-nc-4.0"))
    translated = ArgosEngine(store, max_decoding_length=8).translate(["Roads reopened."], "en",
                                                                     "kk")
    return translated[0].route.to_json()


@pytest.fixture
def noncommercial_story(app, make_story, noncommercial_route):
    """An approved kk edition whose machine segments came from the non-commercial package."""
    from workflow.models import Edition

    story = make_story(languages=("kk", "ru"))
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        for translation in session.get(Edition, story["kk"]).translations:
            translation.machine_route = noncommercial_route
        approve_again(session, story["kk"])
    return story


def _allow(app, user_id, allowed=True, acknowledged=True):
    from workflow import model_licences

    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        return model_licences.set_noncommercial(session, user_id, allowed,
                                                acknowledged=acknowledged)


def test_the_service_refuses_until_an_admin_allows_it_knowingly(
        app, make_user, publish, noncommercial_story, noncommercial_route):
    admin, editor = make_user("admin"), make_user("editor")

    assert noncommercial_route["steps"][0]["licence"] == "cc-by-nc-4.0"
    with pytest.raises(Conflict) as refused:
        publish("publish_edition", noncommercial_story["kk"], editor)
    assert refused.value.code == "noncommercial_model"
    assert "translate-en_kk-1_0 (cc-by-nc-4.0)" in str(refused.value)
    publish("publish_edition", noncommercial_story["ru"], editor)  # other models: unaffected
    with pytest.raises(Forbidden):
        _allow(app, editor)
    with pytest.raises(InvalidInput) as unconfirmed:
        _allow(app, admin, acknowledged=False)
    assert unconfirmed.value.code == "licence_not_acknowledged"
    with pytest.raises(Conflict):
        publish("publish_edition", noncommercial_story["kk"], editor)

    setting = _allow(app, admin)
    assert setting.allowed and setting.changed_by and setting.changed_by.startswith("user")
    publish("publish_edition", noncommercial_story["kk"], editor)
    _allow(app, admin, allowed=False)
    assert not _allow(app, admin, allowed=False).allowed

    from sqlalchemy import select

    from workflow.models import AuditEvent

    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        trail = [(e.actor_id, e.detail) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.action == "instance.noncommercial_output")
            .order_by(AuditEvent.id))]
    assert trail == [(admin, {"allowed": True, "was": False}),  # refusals left no trace
                     (admin, {"allowed": False, "was": True}),
                     (admin, {"allowed": False, "was": False})]


def test_the_api_refuses_with_the_reason_and_publishes_once_allowed(
        app, client, make_user, noncommercial_story):
    from workflow.partners.keys import issue_key

    editor = make_user("editor")
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        key = issue_key(session, user_id=editor)[1]
    url = f"/api/v1/editions/{noncommercial_story['kk']}/publishing/publish"

    refused = client.post(url, headers=bearer(key))
    _allow(app, make_user("admin"))
    published = client.post(url, headers=bearer(key))

    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "noncommercial_model"
    assert "licence forbids commercial use" in refused.get_json()["error"]["message"]
    assert published.status_code == 200 and published.get_json()["state"] == "published"


def test_models_page_and_list_mark_the_licence_and_the_admin_turns_it_on(
        app, client, make_user, noncommercial_route):
    import json

    from translations.evaluation import Score
    from workflow import evaluations

    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        evaluations.record(session, [
            Score("en", "kk", noncommercial_route["label"], 4, 12.345, 1.5, 2.0),
            Score("ru", "kk", "ru→kk via translate-ru_kk 1.0", 4, 50.0, 9.0, 2.0)], "flores (4)")
    make_user("admin", email="boss@example.test")
    client.post("/login", data={"email": "boss@example.test", "password": "password123"})

    page = client.get("/admin/models/").get_data(as_text=True)
    unconfirmed = client.post("/admin/models/noncommercial", data={"allowed": "1"})
    confirmed = client.post("/admin/models/noncommercial",
                            data={"allowed": "1", "acknowledged": "1"}, follow_redirects=True)
    listing = app.test_cli_runner().invoke(args=["models", "list"])

    assert "cc-by-nc-4.0" in page and "Non-commercial: no commercial use" in page
    assert "Not allowed" in page
    assert unconfirmed.status_code == 422
    assert "Confirm that this newsroom may publish" in unconfirmed.get_data(as_text=True)
    assert "turned on by boss@example.test" in confirmed.get_data(as_text=True)
    assert "licence cc-by-nc-4.0  NON-COMMERCIAL" in listing.output
    assert "en→kk\tchrF++ 12.35\tBLEU 1.50\tflores (4)" in listing.output
    assert "chrF++ 12.3, BLEU 1.5" in page and "chrF++ 50.0" not in page  # other routes' scores
    listed = json.loads(app.test_cli_runner().invoke(args=["models", "list", "--json"]).output)
    assert listed[0]["noncommercial"] and listed[0]["family"] is None
    assert [(e["source"], e["chrf"], e["sentences_per_second"]) for e in listed[0]["evaluations"]
            ] == [("en", 12.35, 2.0)]
    client.post("/logout")
    make_user("editor", email="ed@example.test")
    client.post("/login", data={"email": "ed@example.test", "password": "password123"})
    assert client.get("/admin/models/").status_code == 403


def test_a_scheduled_version_waits_while_the_setting_is_off_at_its_embargo_time(
        app, client, make_user, publish, noncommercial_story):
    from datetime import timedelta

    from workflow.db import utcnow
    from workflow.models import FeedEvent, Publication
    from workflow.publishing import embargo

    admin, editor = make_user("admin"), make_user("editor", email="held@example.test")
    _allow(app, admin)
    at = utcnow() + timedelta(hours=2)
    publish("publish_edition", noncommercial_story["kk"], editor, embargo_until=at)
    _allow(app, admin, allowed=False)  # forbidden again before the embargo passes

    db = app.extensions["audarma.db"]

    def events() -> int:
        with app.app_context(), db.transaction() as session:
            return session.query(FeedEvent).count()

    before = events()
    assert publish("release_due", at + timedelta(minutes=1)) == []
    with pytest.raises(Conflict) as refused, app.app_context(), db.transaction() as session:
        embargo.release_now(session, noncommercial_story["kk"], editor)
    assert refused.value.code == "noncommercial_model"
    with app.app_context(), db.transaction() as session:
        statuses = [p.status for p in session.query(Publication).filter_by(
            edition_id=noncommercial_story["kk"])]
    assert statuses == ["scheduled"] and events() == before  # nothing reached a partner

    # the desk no longer says "embargoed until" a time that has passed
    client.post("/login", data={"email": "held@example.test", "password": "password123"})
    with app.app_context(), db.transaction() as session:
        session.query(Publication).filter_by(edition_id=noncommercial_story["kk"]).update(
            {"embargo_until": utcnow() - timedelta(minutes=5)})
    desk = client.get("/publishing/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "embargo passed at" in desk and "embargoed until" not in desk

    _allow(app, admin)
    assert len(publish("release_due", at + timedelta(minutes=2))) == 1
    assert events() == before + 1
