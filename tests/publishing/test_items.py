"""The ninjs items API: valid ninjs 3.1, and a cursor that never skips or repeats an item."""

from __future__ import annotations

import random
import threading
import time
from datetime import timedelta

import pytest

from tests.publishing.conftest import bearer
from tests.publishing.formats import NINJS, errors
from workflow.db import utcnow


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, make_app):
    """These tests run on SQLite and, when it is running, on PostgreSQL."""
    if request.param == "postgresql":
        return make_app(DATABASE_URL=request.getfixturevalue("postgres_url"))
    return make_app()


def _publish_all(app, story: dict[str, int]) -> None:
    from workflow.publishing.publish import publish_edition

    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        for edition_id in story.values():
            publish_edition(session, edition_id, None)


def test_every_item_validates_against_the_ninjs_3_1_schema(app, client, make_story, publish,
                                                         make_partner):
    from workflow.models import Edition
    from workflow.states import EditionState, transition

    plain, corrected, killed, embargoed = (make_story(), make_story(category="sport"),
                                           make_story(), make_story())
    _publish_all(app, plain)
    _publish_all(app, corrected)
    _publish_all(app, killed)
    when = utcnow() + timedelta(minutes=5)
    publish("publish_edition", embargoed["kk"], None, when)
    publish("release_due", when + timedelta(seconds=1))
    publish("reopen_for_correction", corrected["ru"], None)
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        edition = session.get(Edition, corrected["ru"])
        transition(edition, EditionState.SUBMITTED)
        transition(edition, EditionState.APPROVED)
    publish("publish_edition", corrected["ru"], None, correction_note="Name corrected.")
    publish("kill_edition", killed["kk"], None, "Duplicate story.")
    _pid, _kid, secret = make_partner()

    page = client.get("/api/v1/items?limit=200", headers=bearer(secret)).get_json()
    items = page["items"]
    assert len(items) == 3 * 3 + 1 + 1 + 1  # publishes, embargo release, correction, kill
    for item in items:
        assert errors(NINJS, item) == [], item["uri"]
        single = client.get(f"/api/v1/items/{item['uri']}", headers=bearer(secret)).get_json()
        assert errors(NINJS, single) == []
    assert {i["pubStatus"] for i in items} == {"usable", "canceled"}
    assert any("embargoedUntil" in i for i in items)
    assert any(i["version"] == "2" and i["pubStatus"] == "usable" for i in items)
    plain_items = [i for i in items if i["uri"].split(":")[3] == "1"]
    assert len(plain_items) == 3
    assert all(len(i["associations"]) == 2 for i in plain_items)
    # the schema really checks: a wrong pubStatus or an unknown field is refused
    broken = dict(items[0], pubStatus="killed", audarmaVersion=1)
    assert len(errors(NINJS, broken)) >= 2


def test_bad_cursor_and_limit_are_client_errors(client, make_partner):
    _pid, _kid, secret = make_partner()
    for query, status, code in (("since=garbage", 400, "bad_cursor"),
                                ("since=c1.!!!", 400, "bad_cursor"),
                                ("limit=0", 422, "bad_limit"), ("limit=abc", 422, "bad_limit")):
        response = client.get(f"/api/v1/items?{query}", headers=bearer(secret))
        assert response.status_code == status, query
        assert response.get_json()["error"]["code"] == code
    empty = client.get("/api/v1/items", headers=bearer(secret)).get_json()
    assert empty == {"items": [], "next": empty["next"], "has_more": False}


def test_seq_order_is_commit_order_when_publishing_transactions_overlap(app, make_story):
    from workflow.publishing.ninjs import items_page
    from workflow.publishing.publish import publish_edition

    first, second = make_story(languages=("kk",)), make_story(languages=("kk",))
    db = app.extensions["audarma.db"]
    done = threading.Event()
    with app.app_context():
        holder = db.session_factory()
        publish_edition(holder, first["kk"], None)  # holds the feed_sequence lock, uncommitted

        def other():
            with db.transaction() as session:
                publish_edition(session, second["kk"], None)
            done.set()

        thread = threading.Thread(target=other)
        thread.start()
        assert not done.wait(0.7), "the second publisher must wait for the first to commit"
        with db.transaction() as reader:
            assert items_page(reader, ["kk"], 0, 10, cursor_key=b"k").items == []
        holder.commit()
        holder.close()
        thread.join(30)
        assert done.is_set()
        with db.transaction() as reader:
            page = items_page(reader, ["kk"], 0, 10, cursor_key=b"k")
    assert [i["uri"] for i in page.items] == [f"urn:audarma:item:{n}:kk" for n in (1, 2)]


@pytest.mark.slow
def test_paging_over_1000_items_returns_each_once_while_new_ones_are_published(
        app, client, make_story, make_partner):
    # PostgreSQL's ordering is shown by the overlapping-transactions test above; this one takes
    # ~50 s there (15 round trips per publication), so it runs on SQLite only.
    if app.extensions["audarma.db"].dialect != "sqlite":
        pytest.skip("1,000-item paging runs on SQLite; PG ordering is covered above")
    from workflow.publishing.publish import kill_edition

    before = [make_story() for _ in range(334)]  # en source + kk + ru: 1,002 items
    for story in before:
        _publish_all(app, story)
    during = [make_story() for _ in range(40)]
    to_kill = [story["kk"] for story in before[::40]]
    _pid, _kid, secret = make_partner()
    db = app.extensions["audarma.db"]
    finished = threading.Event()
    failures: list[BaseException] = []

    def publisher():
        try:
            rng = random.Random(7)
            for n, story in enumerate(during):
                _publish_all(app, story)
                if n < len(to_kill):
                    with app.app_context(), db.transaction() as session:
                        kill_edition(session, to_kill[n], None, "test kill")
                time.sleep(rng.uniform(0, 0.01))
        except BaseException as exc:  # surfaced by the assertion below
            failures.append(exc)
        finally:
            finished.set()

    thread = threading.Thread(target=publisher)
    thread.start()
    seen: list[tuple[str, str]] = []
    cursor, pages = None, 0
    while True:
        done_before_page = finished.is_set()
        query = f"/api/v1/items?limit=37{'&since=' + cursor if cursor else ''}"
        page = client.get(query, headers=bearer(secret)).get_json()
        seen += [(item["uri"], item["version"]) for item in page["items"]]
        cursor, pages = page["next"], pages + 1
        if not page["has_more"] and done_before_page:
            break
    thread.join()
    assert not failures, failures
    expected = 1002 + len(during) * 3 + len(to_kill)
    assert len(seen) == expected
    assert len(set(seen)) == expected, "an item was repeated"
    assert pages > expected // 37
    canceled = {uri for uri, version in seen if version == "2"}
    assert canceled == {f"urn:audarma:item:{n}:kk" for n in
                        [int(u.split(":")[3]) for u, _ in seen if u in canceled]}
    assert len(canceled) == len(to_kill)
