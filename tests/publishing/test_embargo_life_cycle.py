"""Embargoes and kills are no dead ends (issue 23, item 2): a scheduled edition can be released
early, rescheduled or unscheduled; a killed one reopened and re-released as the next version of
the same item, which partners see come back with a note."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.publishing.conftest import bearer
from workflow.db import utcnow


@pytest.fixture
def act(app):
    """Run one publishing action as ``user_id`` in its own committed transaction."""
    db = app.extensions["audarma.db"]

    def _act(action, edition_id, user_id, **kwargs):
        from workflow.publishing.actions import perform

        with app.app_context(), db.transaction() as session:
            return perform(session, action, edition_id, user_id, **kwargs)

    return _act


@pytest.fixture
def editor(make_user):
    return make_user("editor")


def _item(client, secret, uri="urn:audarma:item:1:kk"):
    return client.get(f"/api/v1/items/{uri}", headers=bearer(secret))


def _state(app, edition_id):
    from workflow.models import Edition

    with app.app_context():
        return app.extensions["audarma.db"].session.get(Edition, edition_id).state


def _approve_again(app, edition_id):
    from workflow.models import Edition
    from workflow.states import EditionState, transition

    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        edition = session.get(Edition, edition_id)
        for state in (EditionState.SUBMITTED, EditionState.APPROVED):
            transition(edition, state)


def test_scheduled_edition_can_be_released_now(app, client, make_story, make_partner, act,
                                               editor):
    story = make_story()
    _pid, _kid, secret = make_partner()
    act("publish", story["kk"], editor, embargo_until=utcnow() + timedelta(hours=6))
    assert _item(client, secret).status_code == 404
    # the reproduction: publish again was refused with "this one is scheduled"
    from workflow.errors import Conflict

    with pytest.raises(Conflict):
        act("publish", story["kk"], editor)
    outcome = act("release_now", story["kk"], editor)
    assert outcome.state == "published" and outcome.version == 1
    item = _item(client, secret).get_json()
    assert item["pubStatus"] == "usable" and item["version"] == "1"
    from workflow.publishing.publish import release_due

    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        assert release_due(session, utcnow() + timedelta(days=1)) == []  # nothing left to fire


def test_reschedule_moves_the_embargo_and_refuses_a_past_time(app, make_story, act, editor):
    from workflow.errors import InvalidInput
    from workflow.models import Publication
    from workflow.publishing.publish import release_due

    story = make_story()
    first = utcnow() + timedelta(hours=1)
    act("publish", story["ru"], editor, embargo_until=first)
    later = first + timedelta(hours=5)
    assert act("reschedule", story["ru"], editor, embargo_until=later).at == later
    with pytest.raises(InvalidInput):
        act("reschedule", story["ru"], editor, embargo_until=utcnow() - timedelta(minutes=1))
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        assert release_due(session, first + timedelta(minutes=1)) == []  # the old time is gone
    with app.app_context(), db.transaction() as session:
        assert len(release_due(session, later + timedelta(minutes=1))) == 1
    with app.app_context():
        pub = db.session.query(Publication).one()
        assert pub.status == "usable" and pub.embargo_until == later


def test_cancel_schedule_returns_to_approved_and_leaves_no_trace_for_partners(
        app, client, make_story, make_partner, act, editor):
    from workflow.models import AuditEvent, Publication

    story = make_story()
    _pid, _kid, secret = make_partner()
    act("publish", story["kk"], editor, embargo_until=utcnow() + timedelta(hours=2))
    act("cancel_schedule", story["kk"], editor)
    assert _state(app, story["kk"]) == "approved"
    assert _item(client, secret).status_code == 404
    assert client.get("/api/v1/items?language=kk", headers=bearer(secret)).get_json()[
        "items"] == []
    outcome = act("publish", story["kk"], editor)
    assert outcome.version == 1  # no gap in the numbers partners see
    with app.app_context():
        session = app.extensions["audarma.db"].session
        assert [p.status for p in session.query(Publication)] == ["usable"]
        actions = [a.action for a in session.query(AuditEvent).order_by(AuditEvent.id)
                   if not a.action.startswith("edition.")]  # submit/approve, on the review side
        assert actions == ["schedule", "cancel_schedule", "publish"]


def test_killing_a_scheduled_story_never_shows_it_to_partners(app, client, make_story,
                                                            make_partner, act, editor):
    story = make_story(title="Secret embargoed merger")
    _pid, _kid, secret = make_partner()
    act("publish", story["kk"], editor, embargo_until=utcnow() + timedelta(hours=2))
    act("kill", story["kk"], editor, reason="Deal called off.")
    assert _state(app, story["kk"]) == "withdrawn"
    assert _item(client, secret).status_code == 404
    feed = client.get("/feeds/kk.rss", headers=bearer(secret)).get_data(as_text=True)
    assert "merger" not in feed


def test_killed_edition_is_reopened_and_re_released_as_the_next_version(
        app, client, make_story, make_partner, act, editor):
    from workflow.errors import Conflict, InvalidInput

    story = make_story()
    _pid, _kid, secret = make_partner()
    act("publish", story["kk"], editor)
    act("kill", story["kk"], editor, reason="Wrong casualty figure.")
    assert _item(client, secret).get_json()["pubStatus"] == "canceled"
    with pytest.raises(Conflict):  # the reproduction: "Correct" was refused after a kill
        act("correct", story["kk"], editor)
    act("reopen", story["kk"], editor)
    assert _state(app, story["kk"]) == "editing"
    assert _item(client, secret).get_json()["pubStatus"] == "canceled"  # until re-approved
    _approve_again(app, story["kk"])
    with pytest.raises(InvalidInput):
        act("publish", story["kk"], editor)  # a re-release must say why it returns
    outcome = act("publish", story["kk"], editor, note="Figure corrected to 12.")
    assert outcome.version == 3 and outcome.state == "published"
    item = _item(client, secret).get_json()
    assert item["pubStatus"] == "usable" and item["version"] == "3"
    assert "Figure corrected to 12." in item["edNote"]
    events = client.get("/api/v1/items?language=kk", headers=bearer(secret)).get_json()["items"]
    assert [(e["version"], e["pubStatus"]) for e in events] == [
        ("1", "usable"), ("2", "canceled"), ("3", "usable")]


def test_only_editors_act_and_actions_follow_the_state(app, make_story, make_user, act, editor):
    from workflow.errors import Conflict, Forbidden
    from workflow.publishing.actions import actions_for

    story = make_story()
    translator = make_user("translator")
    with pytest.raises(Forbidden):
        act("publish", story["kk"], translator)
    with pytest.raises(Conflict):
        act("release_now", story["kk"], editor)  # not scheduled
    assert actions_for("approved") == ["publish"]
    assert actions_for("scheduled") == ["release_now", "reschedule", "cancel_schedule", "kill"]
    assert actions_for("published") == ["correct", "kill"]
    assert actions_for("withdrawn") == ["reopen"]
    assert actions_for("editing") == []
