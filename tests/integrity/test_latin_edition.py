"""The Kazakh Latin edition: written from the Kazakh approval, approved by a person, follows
corrections, and partners can be scoped to it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.integrity.latin import kazakh_story, latin_of
from tests.publishing.conftest import bearer
from workflow.errors import Conflict, Forbidden

LATIN_2021 = ["QR-da su tasqyny basyldy", "Özen tünde tartyldy.",
              "Şşuçinskıde joldar qaita aşyldy."]


@pytest.fixture
def app(make_app):
    return make_app(KK_LATN="2021", PUBLIC_FEEDS=True)


def _call(app, fn, *args, **kwargs):
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        result = fn(session, *args, **kwargs)
        return getattr(result, "id", result)


def test_off_by_default_nothing_is_written_and_no_feed(make_app, make_article, make_user):
    app = make_app(PUBLIC_FEEDS=True)
    translator = make_user("translator", languages="kk", app=app)
    editor = make_user("editor", app=app)
    story = kazakh_story(app, make_article, translator, editor)
    assert latin_of(app, story["article"]) is None
    response = app.test_client().get("/feeds/kk-latn.rss")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_kazakh_approval_writes_the_latin_edition_waiting_for_a_person(app, make_article,
                                                                      people):
    from workflow.models import AuditEvent

    story = kazakh_story(app, make_article, people["kk"], None)
    assert latin_of(app, story["article"]) is None  # submitted is not approved: nothing yet
    from workflow import review

    _call(app, review.approve_edition, story["kk"], people["editor_a"])
    edition, texts = latin_of(app, story["article"])
    assert texts == LATIN_2021
    assert edition.state == "submitted" and edition.approved_by_id is None
    assert edition.byline == "Aigül Särsenova"  # the Kazakh edition's credit, transliterated
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        event = session.scalar(select(AuditEvent).where(
            AuditEvent.edition_id == edition.id, AuditEvent.action == "edition.transliterated"))
        assert event.detail == {"alphabet": "2021", "kazakh_snapshot": 2, "changed": True}


def test_the_2018_alphabet_is_the_instance_choice(make_app, make_article, make_user):
    app = make_app(KK_LATN="2018")
    translator = make_user("translator", languages="kk", app=app)
    story = kazakh_story(app, make_article, translator, make_user("editor", app=app))
    _edition, texts = latin_of(app, story["article"])
    assert texts == ["QR-da sý tasqyny basyldy", "Ózen túnde tartyldy.",
                     "Shýchınskide joldar qaıta ashyldy."]


def test_a_second_person_approves_and_whoever_wrote_the_kazakh_text_may_not(
        app, make_article, make_user, people):
    from workflow import review

    author = make_user("admin", email="kk.author@desk.test")  # types and submits the Kazakh
    story = kazakh_story(app, make_article, author, people["editor_a"])
    edition, _texts = latin_of(app, story["article"])
    with pytest.raises(Forbidden) as refused:
        _call(app, review.approve_edition, edition.id, author)
    assert refused.value.code == "own_work"
    with pytest.raises(Forbidden) as wrong_role:
        _call(app, review.approve_edition, edition.id, people["kk"])
    assert wrong_role.value.code == "role_not_allowed"
    kk_editor = make_user("editor", languages="kk", email="kk.editor@desk.test")
    _call(app, review.approve_edition, edition.id, kk_editor)  # kk covers kk-Latn
    edition, _texts = latin_of(app, story["article"])
    assert edition.state == "approved" and edition.approved_by_id == kk_editor
    ru_editor = make_user("editor", languages="ru", email="ru.editor@desk.test")
    with pytest.raises(Forbidden):
        _call(app, review.send_back, edition.id, ru_editor, "no")


def test_nobody_types_into_the_latin_edition(app, make_article, people):
    from workflow import review
    from workflow.models import SegmentTranslation

    story = kazakh_story(app, make_article, people["kk"], people["editor_a"])
    edition, _texts = latin_of(app, story["article"])
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        row = session.scalars(select(SegmentTranslation)
                              .where(SegmentTranslation.edition_id == edition.id)).first()
        row_id, version = row.id, row.version
    edit = review.SegmentEdit(row_id, "Basqa", version, confirm=True)
    for attempt in (lambda s: review.save_segment(s, row_id, "Basqa", version, people["kk"]),
                    lambda s: review.save_segments(s, edition.id, [edit], people["kk"]),
                    lambda s: review.set_credits(s, edition.id, people["kk"], "Basqa")):
        with pytest.raises(Conflict) as refused:
            _call(app, attempt)
        assert refused.value.code == "derived_edition"


def test_a_kazakh_correction_sends_the_latin_edition_back_for_approval(app, make_article,
                                                                       people):
    from workflow import review
    from workflow.models import Publication, SegmentTranslation
    from workflow.publishing import publish as publishing

    story = kazakh_story(app, make_article, people["kk"], people["editor_a"])
    latin, _texts = latin_of(app, story["article"])
    _call(app, review.approve_edition, latin.id, people["editor_b"])
    for edition_id in (story["kk"], latin.id):
        _call(app, publishing.publish_edition, edition_id, people["editor_a"])

    # the Kazakh edition is reopened: until it is approved again, the Latin one waits for it
    _call(app, publishing.reopen_for_correction, story["kk"], people["editor_a"])
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        row = session.scalars(select(SegmentTranslation).where(
            SegmentTranslation.edition_id == story["kk"],
            SegmentTranslation.text == "Өзен түнде тартылды.")).one()
        row_id, version = row.id, row.version
    _call(app, review.confirm_segment, row_id, "Өзен түнде тартылды, деді әкім.", version,
          people["kk"])
    _call(app, review.submit_edition, story["kk"], people["kk"])
    latin, texts = latin_of(app, story["article"])
    assert latin.state == "published" and texts == LATIN_2021  # nothing moves before approval

    _call(app, review.approve_edition, story["kk"], people["editor_b"])
    latin, texts = latin_of(app, story["article"])
    assert latin.state == "submitted"  # "needs approval" again, with the corrected text
    assert texts[1] == "Özen tünde tartyldy, dedı äkım."
    with app.app_context(), db.transaction() as session:
        live = session.scalars(select(Publication).where(Publication.edition_id == latin.id,
                                                         Publication.status == "usable")).one()
        assert "Özen tünde tartyldy." in live.body_html  # version 1 stays live meanwhile
    _call(app, review.approve_edition, latin.id, people["editor_a"])
    _call(app, publishing.publish_edition, latin.id, people["editor_a"])
    with app.app_context(), db.transaction() as session:
        live = session.scalars(select(Publication).where(Publication.edition_id == latin.id,
                                                         Publication.status == "usable")).one()
        assert live.version == 2 and "dedı äkım" in live.body_html
        assert live.correction_note  # partners are told it is a corrected version


def test_the_latin_edition_is_approved_only_while_the_kazakh_approval_stands(
        app, make_article, people):
    from workflow import review
    from workflow.publishing import publish as publishing

    story = kazakh_story(app, make_article, people["kk"], people["editor_a"])
    latin, _texts = latin_of(app, story["article"])
    _call(app, publishing.publish_edition, story["kk"], people["editor_a"])
    _call(app, publishing.reopen_for_correction, story["kk"], people["editor_a"])
    with pytest.raises(Conflict) as refused:
        _call(app, review.approve_edition, latin.id, people["editor_b"])
    assert refused.value.code == "kazakh_not_approved"
    latin, _texts = latin_of(app, story["article"])
    assert latin.state == "submitted"


def test_an_unchanged_kazakh_approval_leaves_the_latin_approval_standing(app, make_article,
                                                                       people):
    from workflow import review
    from workflow.publishing import publish as publishing

    story = kazakh_story(app, make_article, people["kk"], people["editor_a"])
    latin, _texts = latin_of(app, story["article"])
    _call(app, review.approve_edition, latin.id, people["editor_b"])
    _call(app, publishing.publish_edition, story["kk"], people["editor_a"])
    _call(app, publishing.reopen_for_correction, story["kk"], people["editor_a"])
    _call(app, review.submit_edition, story["kk"], people["kk"])
    _call(app, review.approve_edition, story["kk"], people["editor_b"])
    latin, _texts = latin_of(app, story["article"])
    assert latin.state == "approved"
    _call(app, publishing.publish_edition, latin.id, people["editor_a"])  # its approval stands


def test_partners_can_be_scoped_to_the_latin_edition(app, make_article, make_partner, people):
    from workflow import review
    from workflow.models import Partner
    from workflow.publishing import publish as publishing

    story = kazakh_story(app, make_article, people["kk"], people["editor_a"])
    latin, _texts = latin_of(app, story["article"])
    _call(app, review.approve_edition, latin.id, people["editor_b"])
    for edition_id in (story["kk"], latin.id):
        _call(app, publishing.publish_edition, edition_id, people["editor_a"])
    latin_only_id, _kid, latin_only = make_partner(name="Latin only", languages="kk-latn")
    _pid, _kid, both = make_partner(name="Both scripts", languages="kk,kk-Latn")
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        assert session.get(Partner, latin_only_id).languages == ["kk-Latn"]
    client = app.test_client()
    assert client.get("/feeds/kk.atom", headers=bearer(latin_only)).status_code == 403
    body = client.get("/feeds/kk-latn.atom", headers=bearer(latin_only)).get_data(as_text=True)
    assert "Özen tünde tartyldy." in body
    assert 'hreflang="kk"' not in body and "Өзен" not in body  # out of its scope: not linked
    item = client.get("/api/v1/items/urn:audarma:item:1:kk", headers=bearer(latin_only))
    assert item.status_code == 403
    body = client.get("/feeds/kk-latn.atom", headers=bearer(both)).get_data(as_text=True)
    assert 'hreflang="kk"' in body and 'hreflang="kk-Latn"' in body
    with pytest.raises(Exception) as refused:
        make_partner(name="Bad", languages="kk-Cyrl")
    assert getattr(refused.value, "code", None) == "bad_languages"


def test_the_desk_previews_and_approves_the_latin_edition(app, make_article, people):
    story = kazakh_story(app, make_article, people["kk"], people["editor_a"])
    latin, _texts = latin_of(app, story["article"])
    client = app.test_client()
    signed_in = client.post("/login", data={"email": "editor.b@desk.test",
                                            "password": "password123"})
    assert signed_in.status_code == 302
    desk = client.get("/").get_data(as_text=True)
    assert "Kazakh (Latin)" in desk
    page = client.get(f"/editions/{latin.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="latin-edition-note"' in html and "Özen tünde tartyldy." in html
    assert 'id="approve-edition"' in html and 'id="edition-byline"' not in html
    preview = client.get(f"/editions/{latin.id}/preview")
    assert preview.status_code == 200 and "Özen tünde tartyldy." in preview.get_data(as_text=True)
    approved = client.post(f"/editions/{latin.id}/approve")
    assert approved.status_code == 302
    latin, _texts = latin_of(app, story["article"])
    assert latin.state == "approved" and latin.approved_by_id == people["editor_b"]


@pytest.mark.parametrize(("raw", "setting"), [(None, "off"), ("", "off"), ("2021", "2021"),
                                              (" 2018 ", "2018"), ("OFF", "off")])
def test_the_setting_is_off_2021_or_2018(raw, setting):
    from web.config import Settings

    env = {} if raw is None else {"AUDARMA_KK_LATN": raw}
    assert Settings.from_env(env).kk_latn == setting


@pytest.mark.parametrize("raw", ["2017", "latin", "on"])
def test_any_other_setting_stops_the_start(raw):
    from web.config import Settings

    with pytest.raises(ValueError, match="AUDARMA_KK_LATN must be off, 2021 or 2018"):
        Settings.from_env({"AUDARMA_KK_LATN": raw})


def test_stories_approved_before_it_was_turned_on_get_their_latin_edition_by_command(
        make_app, make_article, make_user):
    """Backfill: each standing Kazakh approval without a Latin edition gets one, waiting for a
    person; a second run writes nothing; with the setting off the command is refused."""
    from workflow import latin_edition

    app = make_app(PUBLIC_FEEDS=True)  # the setting is off when these stories are approved
    translator = make_user("translator", languages="kk", email="kk@desk.test", app=app)
    editor = make_user("editor", app=app)
    make_user("admin", email="admin@desk.test", app=app)
    approved = kazakh_story(app, make_article, translator, editor)
    waiting = kazakh_story(app, make_article, translator, None)  # submitted, not approved
    runner = app.test_cli_runner()
    off = runner.invoke(args=["publishing", "latin-backfill", "--as", "admin@desk.test"])
    assert off.exit_code != 0 and "latin_off" in off.output
    latin_edition.configure("2021")  # an admin turns it on (the next start reads the setting)
    try:
        not_admin = runner.invoke(args=["publishing", "latin-backfill", "--as", "kk@desk.test"])
        assert not_admin.exit_code != 0 and "role_not_allowed" in not_admin.output
        assert latin_of(app, approved["article"]) is None
        first = runner.invoke(args=["publishing", "latin-backfill", "--as", "admin@desk.test"])
        assert first.exit_code == 0 and "1 Kazakh Latin edition(s) written" in first.output
        edition, texts = latin_of(app, approved["article"])
        assert texts == LATIN_2021 and edition.state == "submitted"
        assert latin_of(app, waiting["article"]) is None
        again = runner.invoke(args=["publishing", "latin-backfill", "--as", "admin@desk.test"])
        assert again.exit_code == 0 and again.output.startswith("0 Kazakh Latin edition(s)")
    finally:
        latin_edition.configure("off")
