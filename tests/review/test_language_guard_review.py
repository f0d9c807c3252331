"""Issue 14's wrong-language reproduction and issue 24's inflected glossary terms, through the
review service: what a translator confirms is checked, and submit follows the severities."""

from __future__ import annotations

import pytest

from workflow import glossary, review
from workflow.errors import Conflict
from workflow.models import Segment

KAZAKH = {
    "Mayor's trip to Almaty": "Әкімнің Алматыға сапары",
    "Regional newspapers have taken note of the mayor's visit to Almaty.":
        "Аймақтық газеттер әкімнің Алматыға сапарын назарға алды.",
    "The two cities already share a long-standing twinning agreement.":
        "Екі қаланың бұрыннан бауырлас қалалар туралы келісімі бар.",
    "Karaganda became the first regional city to sign the transport charter.":
        "Қарағанды көлік хартиясына қол қойған алғашқы өңірлік қала болды.",
    "The mayor said the charter would bring practical benefits for commuters in 2025.":
        "Әкім хартия 2025 жылы жолаушыларға нақты пайда әкелетінін айтты.",
    "When comparing the two plans, the mayor said he preferred green space to new car parks.":
        "Екі жоспарды салыстыра келе, әкім жаңа тұрақтардан гөрі жасыл аймақты артық көретінін "
        "айтты.",
}


def _confirm(db, edition_id, user_id, text_for):
    with db.transaction() as session:
        rows = [(r.id, r.version, session.get(Segment, r.segment_id).source_text)
                for r in review.active_translations(session, edition_id)]
    for translation_id, version, source in rows:
        with db.transaction() as session:
            review.confirm_segment(session, translation_id, text_for(source), version, user_id)


def _checks(db, edition_id):
    with db.transaction() as session:
        rows = review.active_translations(session, edition_id)
        return {session.get(Segment, r.segment_id).source_text: r.checks for r in rows}


def test_english_with_a_kk_prefix_is_a_blocking_wrong_language(app, db, translated_edition,
                                                               make_user):
    edition_id = translated_edition("kk")
    translator = make_user("translator", languages="kk")
    _confirm(db, edition_id, translator, lambda source: f"[KK] {source}")
    checks = _checks(db, edition_id)
    long_sources = [s for s in checks if len(s.split()) >= 6]
    assert long_sources
    for source in long_sources:
        assert any(c["code"] == "wrong_language" and c["severity"] == "blocking"
                   for c in checks[source]), (source, checks[source])
    with db.transaction() as session, pytest.raises(Conflict) as caught:
        review.submit_edition(session, edition_id, translator)
    assert caught.value.code == "blocking_checks"


def test_correct_kazakh_with_inflected_glossary_terms_submits_without_a_note(
        app, db, translated_edition, make_user):
    edition_id = translated_edition("kk")
    with db.transaction() as session:
        glossary.add_term(session, "en", "kk", "Almaty", "Алматы", None, must_use=True)
        glossary.add_term(session, "en", "kk", "Karaganda", "Қарағанды", None)
    translator = make_user("translator", languages="kk")
    _confirm(db, edition_id, translator, KAZAKH.__getitem__)
    for source, found in _checks(db, edition_id).items():
        assert not [c for c in found if c["severity"] == "blocking"], (source, found)
        assert not [c for c in found if c["code"] in ("glossary", "wrong_language")], found
    with db.transaction() as session:
        assert review.submit_edition(session, edition_id, translator).state == "submitted"


def test_a_missing_must_use_term_blocks_and_a_plain_term_warns(app, db, translated_edition,
                                                              make_user):
    edition_id = translated_edition("kk")
    with db.transaction() as session:
        glossary.add_term(session, "en", "kk", "Almaty", "Алматы", None, must_use=True)
        glossary.add_term(session, "en", "kk", "Karaganda", "Қарағанды", None)
    translator = make_user("translator", languages="kk")
    renamed = {k: v.replace("Алматыға", "оңтүстік астанаға").replace("Қарағанды", "Облыс орталығы")
               for k, v in KAZAKH.items()}
    _confirm(db, edition_id, translator, renamed.__getitem__)
    checks = _checks(db, edition_id)
    severities = {c["severity"] for found in checks.values() for c in found
                  if c["code"] == "glossary"}
    assert severities == {"blocking", "warning"}
    with db.transaction() as session, pytest.raises(Conflict) as caught:
        review.submit_edition(session, edition_id, translator)
    assert caught.value.code == "blocking_checks"


RUSSIAN = {
    "Mayor's trip to Almaty": "Поездка мэра в Алматы",
    "Regional newspapers have taken note of the mayor's visit to Almaty.":
        "Региональные газеты обратили внимание на визит мэра в Алматы.",
    "The two cities already share a long-standing twinning agreement.":
        "У двух городов уже давно есть соглашение о побратимстве.",
    "Karaganda became the first regional city to sign the transport charter.":
        "Караганда стала первым областным центром, подписавшим транспортную хартию.",
    "The mayor said the charter would bring practical benefits for commuters in 2025.":
        "По словам мэра, в 2025 году хартия принесёт пользу жителям Караганды, которые ездят на "
        "работу.",
    "When comparing the two plans, the mayor said he preferred green space to new car parks.":
        "Сравнивая два плана, мэр сказал, что предпочитает скверы новым парковкам.",
}


def test_correct_russian_with_inflected_must_use_terms_submits(app, db, translated_edition,
                                                               make_user):
    edition_id = translated_edition("ru")
    with db.transaction() as session:
        glossary.add_term(session, "en", "ru", "Karaganda", "Караганда", None, must_use=True)
        # numerals inflect irregularly (два → двух): an accepted variant covers it
        glossary.add_term(session, "en", "ru", "two cities", "два города", None, must_use=True,
                          variants=["двух городов"])
    translator = make_user("translator", languages="ru")
    _confirm(db, edition_id, translator, RUSSIAN.__getitem__)
    for source, found in _checks(db, edition_id).items():
        assert not [c for c in found if c["severity"] == "blocking"], (source, found)
    with db.transaction() as session:
        assert review.submit_edition(session, edition_id, translator).state == "submitted"
