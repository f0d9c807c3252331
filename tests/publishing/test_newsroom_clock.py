"""The newsroom's clock: embargoes typed in the editor's zone, desk times shown in the viewer's."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.publishing.conftest import bearer


def _editor(app, make_user, zone: str | None, email: str = "ed@example.test"):
    from workflow.models import User

    user_id = make_user("editor", email=email, app=app)
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        session.get(User, user_id).timezone = zone
    client = app.test_client()
    answer = client.post("/login", data={"email": email, "password": "password123"})
    assert answer.status_code == 302
    return client


def _publication(app, edition_id: int):
    from workflow.models import Publication

    with app.app_context():
        return app.extensions["audarma.db"].session.scalars(
            select(Publication).where(Publication.edition_id == edition_id)).all()


def _frozen(monkeypatch, moment: datetime) -> None:
    """Stop the publishing clock at ``moment`` (the beat task reads it through utcnow)."""
    import workflow.publishing.publish

    monkeypatch.setattr(workflow.publishing.publish, "utcnow", lambda: moment)


def test_almaty_embargo_1800_is_stored_1300_utc_and_released_by_the_beat_at_1300(
        app, make_user, make_story, make_partner, monkeypatch):
    from tasks.publishing import release_due

    story = make_story()
    _pid, _kid, secret = make_partner()
    client = _editor(app, make_user, "Asia/Almaty")
    _frozen(monkeypatch, datetime(2027, 5, 20, 9, 0, tzinfo=UTC))  # 14:00 in Almaty
    client.post(f"/publishing/editions/{story['ru']}/publish",
                data={"embargo_until": "2027-05-20T18:00"})
    [scheduled] = _publication(app, story["ru"])
    assert scheduled.status == "scheduled"
    assert scheduled.embargo_until == datetime(2027, 5, 20, 13, 0, tzinfo=UTC)
    page = client.get("/publishing/").get_data(as_text=True)
    assert "5/20/27, 6:00\u202fPM Almaty (UTC+5)" in page

    with app.app_context():
        _frozen(monkeypatch, datetime(2027, 5, 20, 12, 59, 59, tzinfo=UTC))
        assert release_due() == []  # one second early: still under embargo
        assert app.test_client().get("/feeds/ru.json", headers=bearer(secret)).get_json()[
            "items"] == []
        _frozen(monkeypatch, datetime(2027, 5, 20, 13, 0, tzinfo=UTC))
        assert release_due() == [scheduled.id]
    [released] = _publication(app, story["ru"])
    assert released.status == "usable"
    assert released.published_at == datetime(2027, 5, 20, 13, 0, tzinfo=UTC)
    # partners still get UTC (RFC 3339), whatever zone the editor typed in
    items = app.test_client().get("/feeds/ru.json", headers=bearer(secret)).get_json()["items"]
    assert items[0]["date_published"] in ("2027-05-20T13:00:00Z", "2027-05-20T13:00:00+00:00")


@pytest.mark.parametrize(("typed", "utc", "shown"), [
    # 28 March 2027: Berlin's clocks go from 02:00 CET (UTC+1) to 03:00 CEST (UTC+2)
    ("2027-03-28T01:30", datetime(2027, 3, 28, 0, 30, tzinfo=UTC), "1:30\u202fAM Berlin (UTC+1)"),
    ("2027-03-28T18:00", datetime(2027, 3, 28, 16, 0, tzinfo=UTC), "6:00\u202fPM Berlin (UTC+2)"),
])
def test_berlin_embargo_on_the_dst_change_day(app, make_user, make_story, monkeypatch, typed,
                                              utc, shown):
    story = make_story()
    client = _editor(app, make_user, "Europe/Berlin")
    _frozen(monkeypatch, datetime(2027, 3, 27, 12, 0, tzinfo=UTC))
    client.post(f"/publishing/editions/{story['kk']}/publish", data={"embargo_until": typed})
    [scheduled] = _publication(app, story["kk"])
    assert scheduled.embargo_until == utc
    assert f"3/28/27, {shown}" in client.get("/publishing/").get_data(as_text=True)


@pytest.mark.parametrize(("typed", "message"), [
    ("2027-03-28T02:30", "2027-03-28 02:30 does not exist in Europe/Berlin: the clocks skip it."),
    ("2027-10-31T02:30", "2027-10-31 02:30 happens twice in Europe/Berlin (the clocks go back): "
                         "it is UTC+2 or UTC+1."),
])
def test_a_nonexistent_or_ambiguous_local_time_is_refused_not_guessed(
        app, make_user, make_story, monkeypatch, typed, message):
    story = make_story()
    client = _editor(app, make_user, "Europe/Berlin")
    _frozen(monkeypatch, datetime(2027, 3, 1, 12, 0, tzinfo=UTC))
    answer = client.post(f"/publishing/editions/{story['kk']}/publish",
                         data={"embargo_until": typed}, follow_redirects=True)
    assert message in answer.get_data(as_text=True)
    assert _publication(app, story["kk"]) == []  # nothing published or scheduled


def test_the_refusal_is_in_the_editors_language(app, make_user, make_story, monkeypatch):
    from workflow.models import User

    story = make_story()
    client = _editor(app, make_user, "Europe/Berlin")
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        session.scalar(select(User).where(User.email == "ed@example.test")).locale = "ru"
    _frozen(monkeypatch, datetime(2027, 3, 1, 12, 0, tzinfo=UTC))
    page = client.post(f"/publishing/editions/{story['kk']}/publish",
                       data={"embargo_until": "2027-03-28T02:30"},
                       follow_redirects=True).get_data(as_text=True)
    assert "2027-03-28 02:30 не существует в Europe/Berlin" in page


def _article_at(app, make_article, moment: datetime) -> int:
    from workflow.models import Article

    article_id = make_article([["The river fell overnight."]], title="Clock story", app=app)
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        session.get(Article, article_id).created_at = moment
    return article_id


@pytest.mark.parametrize(("zone", "shown"), [("Asia/Almaty", "11/28/26, 8:58\u202fAM"),
                                             ("UTC", "11/28/26, 3:58\u202fAM"),
                                             ("America/New_York", "11/27/26, 10:58\u202fPM")])
def test_dashboard_shows_a_utc_0358_import_in_the_viewers_zone(app, make_user, make_article,
                                                               zone, shown):
    article_id = _article_at(app, make_article, datetime(2026, 11, 28, 3, 58, tzinfo=UTC))
    client = _editor(app, make_user, zone)
    page = client.get("/").get_data(as_text=True)
    stamp = re.search(r'<time datetime="2026-11-28T03:58:00\+00:00">([^<]*)</time>', page)
    assert stamp, f"article #{article_id}'s time is not on the dashboard"
    assert stamp.group(1) == shown


def test_a_user_without_a_zone_sees_the_instance_zone(make_app, make_user, make_article):
    app = make_app(TIMEZONE="Europe/Moscow")
    _article_at(app, make_article, datetime(2026, 11, 28, 3, 58, tzinfo=UTC))
    client = _editor(app, make_user, None)
    assert ">11/28/26, 6:58\u202fAM</time>" in client.get("/").get_data(as_text=True)
    admin = make_user("admin", email="boss@example.test", app=app)
    assert admin
    boss = app.test_client()
    boss.post("/login", data={"email": "boss@example.test", "password": "password123"})
    assert "Newsroom time zone: Europe/Moscow (Moscow (UTC+3))" in boss.get(
        "/admin/").get_data(as_text=True)


def test_the_account_page_sets_the_zone_and_refuses_unknown_names(app, make_user, make_article):
    _article_at(app, make_article, datetime(2026, 11, 28, 3, 58, tzinfo=UTC))
    client = _editor(app, make_user, None)
    page = client.get("/account").get_data(as_text=True)
    assert 'name="timezone"' in page and 'value="Asia/Almaty"' in page
    assert client.post("/account/timezone", data={"timezone": "Mars/Olympus"}).status_code == 422
    assert client.post("/account/timezone",
                       data={"timezone": "../../../etc/passwd"}).status_code == 422
    assert client.post("/account/timezone", data={"timezone": "Asia/Tokyo"}).status_code == 302
    assert ">11/28/26, 12:58\u202fPM</time>" in client.get("/").get_data(as_text=True)
    client.post("/account/timezone", data={"timezone": ""})  # back to the newsroom's zone
    assert ">11/28/26, 8:58\u202fAM</time>" in client.get("/").get_data(as_text=True)


def test_an_unknown_instance_zone_stops_the_start(make_app):
    with pytest.raises(RuntimeError, match="AUDARMA_TIMEZONE"):
        make_app(TIMEZONE="Asia/Astana")


def test_zones_come_from_the_pinned_tzdata_with_kazakhstans_2024_change():
    import tzdata

    from workflow.clock import zone

    almaty = zone("Asia/Almaty")
    assert tzdata.IANA_VERSION >= "2024a"
    # one zone, UTC+5, since 1 March 2024 (00:00 local); UTC+6 before
    before = datetime(2024, 2, 29, 17, 59, tzinfo=UTC).astimezone(almaty)
    after = datetime(2024, 2, 29, 18, 0, tzinfo=UTC).astimezone(almaty)
    assert (before.hour, before.utcoffset().seconds) == (23, 6 * 3600)
    assert (after.hour, after.utcoffset().seconds) == (23, 5 * 3600)


def test_a_stored_zone_the_database_does_not_know_falls_back_to_the_newsrooms(
        app, make_user, make_article):
    _article_at(app, make_article, datetime(2026, 11, 28, 3, 58, tzinfo=UTC))
    client = _editor(app, make_user, "Europe/Atlantis")
    assert ">11/28/26, 8:58\u202fAM</time>" in client.get("/").get_data(as_text=True)


def test_the_public_page_names_the_zone_of_its_time_and_feeds_stay_utc(app, make_story,
                                                                       make_partner):
    from workflow.models import Publication
    from workflow.publishing import publish as publishing
    from workflow.publishing.permalinks import path_for

    story = make_story(languages=("ru",))
    _pid, _kid, secret = make_partner()
    moment = datetime(2027, 5, 20, 13, 0, tzinfo=UTC)
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        publishing.publish_edition(session, story["ru"], None, now=moment)
    with app.app_context():
        pub = app.extensions["audarma.db"].session.scalars(
            select(Publication).where(Publication.edition_id == story["ru"])).one()
        path = path_for(pub)
    page = app.test_client().get(path).get_data(as_text=True)
    assert re.search(r'datetime="2027-05-20T13:00:00\+00:00">[^<]*18:00:00 Алматы \(UTC\+5\)<',
                     page), page[:2000]
    items = app.test_client().get("/feeds/ru.json", headers=bearer(secret)).get_json()["items"]
    assert items[0]["date_published"] in ("2027-05-20T13:00:00Z", "2027-05-20T13:00:00+00:00")


def test_a_day_filter_on_the_desk_is_the_viewers_day():
    """An article received at 20:30 UTC on 1 March is on 2 March in Almaty (UTC+5)."""
    from datetime import date

    from workflow.clock import zone
    from workflow.publishing.desk import _day_start

    almaty = zone("Asia/Almaty")
    assert _day_start(date(2027, 3, 2), almaty) == datetime(2027, 3, 1, 19, 0, tzinfo=UTC)
    assert _day_start(date(2027, 3, 2)) == datetime(2027, 3, 2, 0, 0, tzinfo=UTC)
