"""Issue 23 items 5–8, from their reproductions: corrections reach every language, killed text
leaves memory, partner text in the edition's language, and the metadata agencies expect."""

from __future__ import annotations

import feedparser
import pytest
from sqlalchemy import select

from tests.publishing.conftest import ROUTES, _desk_people, bearer
from tests.publishing.formats import NINJS, errors

LEAD = "The river fell by 12.5 metres overnight, officials said."


def _items(client, secret, language):
    return client.get(f"/api/v1/items?language={language}", headers=bearer(secret)).get_json()


def _item(client, secret, article_id, language):
    return client.get(f"/api/v1/items/urn:audarma:item:{article_id}:{language}",
                      headers=bearer(secret)).get_json()


def _article_id(app, edition_id):
    from workflow.models import Edition

    with app.app_context():
        return app.extensions["audarma.db"].session.get(Edition, edition_id).article_id


def _approve_again(app, edition_id):
    """What the review desk does after a reopen: submitted, then approved by another person."""
    from workflow.models import Edition
    from workflow.states import EditionState, transition

    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        edition = session.get(Edition, edition_id)
        for state in (EditionState.SUBMITTED, EditionState.APPROVED):
            transition(edition, state)


def _sign_in(app, make_user, *roles, languages=None):
    email = f"{'-'.join(roles)}-{languages or 'all'}@example.test".replace(",", "")
    make_user(*roles, languages=languages, email=email)
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": "password123"}
                       ).status_code == 302
    return client


def _flags(app):
    from workflow.models import Edition

    with app.app_context():
        rows = app.extensions["audarma.db"].session.scalars(select(Edition)).all()
        return {e.language: e.needs_correction_note for e in rows if e.needs_correction_at}


# --- item 5: corrections propagate --------------------------------------------------------------

def test_correcting_ru_flags_the_published_kk_edition_and_sends_partners_nothing(
        app, client, make_story, publish, make_partner, make_user):
    story = make_story()
    _pid, _kid, secret = make_partner()
    for edition_id in story.values():
        publish("publish_edition", edition_id, None)
    publish("reopen_for_correction", story["ru"], None)
    _approve_again(app, story["ru"])
    publish("publish_edition", story["ru"], None, correction_note="15,5 м, а не 12,5 м.")

    assert set(_flags(app)) == {"kk", "en"}
    assert "ru corrected (version 2): 15,5 м" in _flags(app)["kk"]
    # partners get nothing new in kk until a person approves a corrected kk edition
    assert [i["version"] for i in _items(client, secret, "kk")["items"]] == ["1"]

    editor = _sign_in(app, make_user, "editor")
    dashboard = editor.get("/").get_data(as_text=True)
    assert "Needs correction" in dashboard and "ru corrected (version 2)" in dashboard
    assert "Needs correction" in editor.get("/publishing/").get_data(as_text=True)
    kk_translator = _sign_in(app, make_user, "translator", languages="kk")
    mine = kk_translator.get("/my-work").get_data(as_text=True)
    assert "Needs correction" in mine and "ru corrected" in mine
    ru_translator = _sign_in(app, make_user, "translator", languages="ru")
    assert "ru corrected" not in ru_translator.get("/corrections").get_data(as_text=True)
    editor_page = editor.get(f"/editions/{story['kk']}").get_data(as_text=True)
    assert 'id="needs-correction-note"' in editor_page

    # a corrected kk version answers the flag
    publish("reopen_for_correction", story["kk"], None)
    _approve_again(app, story["kk"])
    publish("publish_edition", story["kk"], None, correction_note="15,5 м.")
    assert "kk" not in _flags(app)
    assert [i["version"] for i in _items(client, secret, "kk")["items"]] == ["1", "2"]


def test_a_source_edit_after_publication_flags_every_live_edition(app, make_story, publish):
    from workflow.ingest.source_edit import update_source

    story = make_story(languages=("kk", "ru"))
    for language in ("kk", "ru"):
        publish("publish_edition", story[language], None)
    article_id = _article_id(app, story["kk"])
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        update_source(session, article_id, "Flood waters recede\n\nThe river fell overnight. "
                      "Roads reopened on Monday.\n", None)
    flags = _flags(app)
    assert set(flags) == {"kk", "ru"}  # en was never published: nothing to correct
    assert flags["kk"].startswith("source edited (revision 2)")


def test_an_editor_can_clear_a_flag_with_a_reason(app, make_story, publish, make_user):
    story = make_story()
    for edition_id in story.values():
        publish("publish_edition", edition_id, None)
    publish("reopen_for_correction", story["ru"], None)
    _approve_again(app, story["ru"])
    publish("publish_edition", story["ru"], None, correction_note="Typo in ru only.")
    editor = _sign_in(app, make_user, "editor")
    refused = editor.post(f"/editions/{story['kk']}/correction/dismiss", data={"reason": " "})
    assert refused.status_code == 422 and "kk" in _flags(app)
    done = editor.post(f"/editions/{story['kk']}/correction/dismiss",
                       data={"reason": "The typo was only in the Russian text."})
    assert done.status_code == 302 and "kk" not in _flags(app)
    translator = _sign_in(app, make_user, "translator")
    assert translator.post(f"/editions/{story['en']}/correction/dismiss",
                           data={"reason": "x"}).status_code == 403


# --- item 6: memory hygiene ---------------------------------------------------------------------

def test_a_kill_retracts_the_editions_memory_so_it_is_never_reused(app, make_story, publish,
                                                                  make_user):
    from workflow.memory import DatabaseMemory, remember
    from workflow.models import AuditEvent, MemoryEntry

    story = make_story()
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:  # what approving the kk edition wrote
        remember(session, "en", "kk", [("The river fell overnight.", "Өзен түнде тартылды.")],
                 story["kk"], None)
        remember(session, "en", "kk", [("Roads reopened.", "Жолдар ашылды.")], None, None)
    publish("publish_edition", story["kk"], None)
    publish("kill_edition", story["kk"], None, "Wrong figures.")
    with app.app_context():
        session = db.session
        memory = DatabaseMemory(session, "en", "kk")
        memory.preload(["The river fell overnight.", "Roads reopened."])
        assert memory.exact("The river fell overnight.") is None  # never reused …
        assert memory.fuzzy("The river fell overnight!") == []  # … nor suggested
        assert memory.exact("Roads reopened.") == "Жолдар ашылды."  # others untouched
        killed = session.scalar(select(MemoryEntry).where(
            MemoryEntry.edition_id == story["kk"],
            MemoryEntry.target_text == "Өзен түнде тартылды."))
        assert killed.retracted_at is not None and killed.retracted_reason == "Wrong figures."

    admin = _sign_in(app, make_user, "admin")
    page = admin.get("/admin/memory/?q=river&retracted=yes").get_data(as_text=True)
    assert "Өзен түнде тартылды." in page and "Жолдар" not in page
    assert admin.post(f"/admin/memory/{killed.id}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(MemoryEntry, killed.id) is None
        audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "memory.deleted"))
        assert audit.detail["target"] == "Өзен түнде тартылды."  # kept for the record
    editor = _sign_in(app, make_user, "editor")
    assert editor.get("/admin/memory/").status_code == 403


def test_admin_retracts_one_entry_by_hand(app, make_user):
    from workflow.memory import DatabaseMemory, remember
    from workflow.models import MemoryEntry

    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        remember(session, "ru", "kk", [("Аким подал в отставку.", "Әкім отставкаға кетті.")],
                 None, None)
    with app.app_context():
        entry_id = db.session.scalar(select(MemoryEntry.id))
    admin = _sign_in(app, make_user, "admin")
    assert admin.post(f"/admin/memory/{entry_id}/retract", data={"reason": ""}).status_code == 422
    assert admin.post(f"/admin/memory/{entry_id}/retract",
                      data={"reason": "Unverified claim"}).status_code == 302
    with app.app_context():
        memory = DatabaseMemory(db.session, "ru", "kk")
        memory.preload(["Аким подал в отставку."])
        assert memory.exact("Аким подал в отставку.") is None


# --- item 7: partner-facing text ----------------------------------------------------------------

def _with_lead(app, edition_id):
    """Make the story's first paragraph its lead (as ingest marks a standfirst)."""
    from workflow.models import Block

    db = app.extensions["audarma.db"]
    article_id = _article_id(app, edition_id)
    with app.app_context(), db.transaction() as session:
        block = session.scalar(select(Block).where(Block.article_id == article_id,
                                                   Block.kind == "paragraph")
                               .order_by(Block.position).limit(1))
        block.kind = "lead"
    return article_id


@pytest.mark.parametrize("language, disclosure_words", [
    ("kk", "Машиналық аударманың көмегімен"), ("ru", "с помощью машинного перевода")])
def test_kk_and_ru_teasers_are_the_lead_in_that_language_and_name_no_model(
        app, client, make_story, publish, make_partner, language, disclosure_words):
    story = make_story(paragraphs=[[LEAD], ["Roads reopened."]])
    _with_lead(app, story[language])
    _pid, _kid, secret = make_partner()
    publish("publish_edition", story[language], None)
    lead = f"[{language}] {LEAD}"
    rss = feedparser.parse(client.get(f"/feeds/{language}.rss", headers=bearer(secret)).data)
    atom = feedparser.parse(client.get(f"/feeds/{language}.atom", headers=bearer(secret)).data)
    feed = client.get(f"/feeds/{language}.json", headers=bearer(secret)).get_json()
    assert rss.entries[0].description == lead
    assert atom.entries[0].summary == lead
    assert feed["items"][0]["summary"] == lead
    for document in (rss.entries[0].content[0].value, atom.entries[0].content[0].value,
                     str(feed), str(_items(client, secret, language))):
        assert disclosure_words in document
        assert "reviewed by a human editor" not in document  # no English note in kk/ru
        assert ROUTES[language] not in document  # the model package is not named
    feed_description = {"kk": "қазақ тіліндегі", "ru": "на русском языке"}[language]
    assert feed_description in rss.feed.subtitle


def test_correction_and_withdrawal_notes_are_in_the_editions_language(
        app, client, make_story, publish, make_partner):
    story = make_story()
    _pid, _kid, secret = make_partner()
    for edition_id in story.values():
        publish("publish_edition", edition_id, None)
    article_id = _article_id(app, story["kk"])
    for language in ("kk", "ru"):
        publish("reopen_for_correction", story[language], None)
        _approve_again(app, story[language])
        publish("publish_edition", story[language], None)  # no note typed: the standard one
    kk = _item(client, secret, article_id, "kk")
    ru = _item(client, secret, article_id, "ru")
    assert "Түзету: Бұл бұрын жарияланған материалдың түзетілген нұсқасы (2-нұсқа)." in (
        kk["bodies"][0]["value"])
    assert "Исправление: Это исправленная версия (версия 2)" in ru["bodies"][0]["value"]
    assert "Correction" not in kk["bodies"][0]["value"] + ru["bodies"][0]["value"]
    publish("kill_edition", story["kk"], None, "Деректер қате.")
    publish("kill_edition", story["ru"], None, "Ошибка в данных.")
    kk = _item(client, secret, article_id, "kk")
    ru = _item(client, secret, article_id, "ru")
    assert "Бұл материал жариялымнан алынды. Себебі: Деректер қате." in kk["bodies"][0]["value"]
    assert ru["edNote"] == "Этот материал отозван. Причина: Ошибка в данных."
    assert "withdrawn" not in kk["bodies"][0]["value"] + ru["bodies"][0]["value"]


def test_model_is_named_only_for_a_partner_who_asked_for_provenance(
        app, client, make_story, publish, make_partner):
    from workflow.partners.admin import set_provenance

    story = make_story()
    publish("publish_edition", story["kk"], None)
    article_id = _article_id(app, story["kk"])
    _pid, _kid, plain = make_partner(name="Plain")
    asked_id, _kid, asked = make_partner(name="Provenance")
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        set_provenance(session, asked_id, True)
    without = _item(client, plain, article_id, "kk")
    provenance = _item(client, asked, article_id, "kk")
    assert ROUTES["kk"] not in str(without)
    assert without["digitalSourceType"]["literal"] == "machineTranslatedHumanReviewed"
    assert {"name": ROUTES["kk"], "role": "machineTranslation"} in provenance["infoSources"]
    assert ROUTES["kk"] not in provenance["descriptions"][0]["value"]  # not in the teaser
    assert errors(NINJS, provenance) == [] and errors(NINJS, without) == []


# --- item 8: metadata ---------------------------------------------------------------------------

def test_metadata_in_ninjs_3_1_and_feeds(make_app, make_user, make_article):
    from workflow import review
    from workflow.models import Article, Block, Edition, Segment
    from workflow.partners.admin import create_partner
    from workflow.publishing import publish as publishing

    app = make_app(COPYRIGHT_HOLDER="Kazinform",
                   USAGE_TERMS="For partner use only; no resale.")
    db = app.extensions["audarma.db"]
    article_id = make_article([["Astana hosted the summit."], ["Leaders met at the palace."]],
                              title="Summit in Astana", app=app)
    with app.app_context(), db.transaction() as session:
        article = session.get(Article, article_id)
        article.category = "politics"
        article.subjects = ["medtop:11000000"]
        article.keywords = ["summit", "Astana"]
        article.dateline = "ASTANA. KAZINFORM"
        article.photo_credit = "Photo: A. Photographer"
        article.copyright_notice = "© 2026 Kazinform"  # per-article override of the default
        caption = session.scalar(select(Block).where(Block.article_id == article_id,
                                                     Block.position == 2))
        caption.kind = "caption"
        source = Edition(article_id=article_id, language="en", is_source=True, state="editing")
        session.add(source)
        session.flush()
        translator, editor = _desk_people(session)  # the source edition is approved like any
        review.submit_edition(session, source.id, translator)
        review.approve_edition(session, source.id, editor)
        publishing.publish_edition(session, source.id, None)
        _p, _k, secret = create_partner(session, "Agency client", "en", None, None)
        assert session.scalar(select(Segment.id).where(Segment.article_id == article_id))
    client = app.test_client()
    item = _item(client, secret, article_id, "en")
    assert errors(NINJS, item) == []
    assert item["located"] == "ASTANA. KAZINFORM"
    assert item["copyrightHolder"] == "Kazinform"
    assert item["copyrightNotice"] == "© 2026 Kazinform"
    assert item["usageTerms"] == "For partner use only; no resale."
    assert {"name": "Photo: A. Photographer", "role": "photographer"} in item["infoSources"]
    assert {"name": "politics", "rel": "about", "literal": "medtop:11000000",
            "uri": "http://cv.iptc.org/newscodes/mediatopic/11000000"} in item["subjects"]
    assert {"name": "politics", "rel": "category", "literal": "politics"} in item["subjects"]
    assert {"name": "summit", "rel": "keyword", "literal": "summit"} in item["subjects"]
    body = item["bodies"][0]["value"]
    assert "<figure" not in body and '<p class="caption">Leaders met at the palace.</p>' in body

    rss = client.get("/feeds/en.rss", headers=bearer(secret)).get_data(as_text=True)
    assert "<audarma:dateline>ASTANA. KAZINFORM</audarma:dateline>" in rss
    assert "<audarma:usageTerms>For partner use only; no resale.</audarma:usageTerms>" in rss
    assert "<audarma:photoCredit>Photo: A. Photographer</audarma:photoCredit>" in rss
    assert "<figure" not in rss
    parsed = feedparser.parse(rss)
    assert {(t.term, t.scheme) for t in parsed.entries[0].tags} == {
        ("politics", None), ("politics", "http://cv.iptc.org/newscodes/mediatopic/"),
        ("summit", None), ("Astana", None)}  # RSS: the subject's name, its scheme as domain
    atom = feedparser.parse(client.get("/feeds/en.atom", headers=bearer(secret)).data)
    assert atom.bozo == 0 and atom.entries[0].rights == "© 2026 Kazinform"
    feed = client.get("/feeds/en.json", headers=bearer(secret)).get_json()
    assert feed["items"][0]["_audarma"]["dateline"] == "ASTANA. KAZINFORM"
    assert set(feed["items"][0]["tags"]) == {"politics", "summit", "Astana"}


def test_admin_turns_provenance_on_for_a_partner(app, make_partner, make_user):
    from workflow.models import Partner

    partner_id, _kid, _secret = make_partner(name="Lab")
    admin = _sign_in(app, make_user, "admin")
    page = admin.get(f"/admin/partners/{partner_id}").get_data(as_text=True)
    assert 'name="provenance"' in page
    assert admin.post(f"/admin/partners/{partner_id}/provenance",
                      data={"provenance": "on"}).status_code == 302
    with app.app_context():
        assert app.extensions["audarma.db"].session.get(Partner, partner_id).provenance is True
    admin.post(f"/admin/partners/{partner_id}/provenance", data={})
    with app.app_context():
        assert app.extensions["audarma.db"].session.get(Partner, partner_id).provenance is False
