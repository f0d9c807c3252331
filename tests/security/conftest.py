"""An article with XSS payloads in every field a person can type: title, body, link, byline,
category, translation, comment, glossary term, correction note; published to partners."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.publishing.conftest import (  # noqa: F401
    approve_again,
    make_partner,
    make_story,
    publish,
)

IMG = "<img src=x onerror=alert(1)>"
BREAKOUT = '"><script>alert(1)</script>'
SVG = "<svg onload=alert(1)>"
JS_URL = "javascript:alert(1)"
PAYLOADS = (IMG, BREAKOUT, SVG, JS_URL)
TITLE = f"Flood {IMG} {BREAKOUT} recedes"


@dataclass
class XssStory:
    """Ids of the poisoned article, its Kazakh edition and the partner key that reads it."""

    article_id: int
    edition_id: int
    source_edition_id: int
    partner_key: str


@pytest.fixture
def xss_story(app, make_story, publish, make_partner, make_user) -> XssStory:  # noqa: F811
    """The poisoned story: approved, published in en and kk, corrected once, commented on."""
    from sqlalchemy import select

    from workflow.models import Article, Edition, GlossaryTerm, SegmentTranslation
    from workflow.review import add_comment

    marks = {"s1": (f"The river <1>{BREAKOUT}</1> fell {IMG} overnight.",
                    [{"kind": "link", "href": JS_URL}]),
             "s2": (f"Roads <1>reopened</1> {SVG} at dawn.",
                    [{"kind": "link", "href": " JaVaScRiPt:alert(2)"}])}
    editions = make_story(languages=("kk",), title=TITLE, byline=f"By {IMG}",
                          category=f"sport{BREAKOUT}", marks=marks)
    db = app.extensions["audarma.db"]
    author = make_user("editor", "translator", email="critic@example.test")
    with app.app_context(), db.transaction() as session:
        edition = session.get(Edition, editions["kk"])
        for row in session.scalars(select(SegmentTranslation)
                                   .where(SegmentTranslation.edition_id == edition.id)):
            row.text = f"{row.text} {SVG}"
        add_comment(session, edition.id, author, f"Check this {IMG} {BREAKOUT} {SVG}")
        first = session.scalars(select(SegmentTranslation).where(
            SegmentTranslation.edition_id == edition.id)).first()
        add_comment(session, edition.id, author, f"Segment note {SVG} {JS_URL}", first.id)
        session.add(GlossaryTerm(source_language="en", target_language="kk", term="river",
                                 translation=BREAKOUT, note=f"{IMG} {JS_URL}"))
        session.add(GlossaryTerm(source_language="en", target_language="kk", term=IMG,
                                 translation=SVG, note=BREAKOUT))
        article_id = edition.article_id
        session.get(Article, article_id).title = TITLE
        session.flush()
        approve_again(session, edition.id)  # what is published is what was approved
    publish_with_correction(app, publish, editions, "kk", f"Fixed {IMG} {BREAKOUT}")
    _pid, _kid, secret = make_partner(languages="kk,en")
    return XssStory(article_id, editions["kk"], editions["en"], secret)


def publish_with_correction(app, publish_step, editions: dict[str, int], language: str,
                            note: str) -> None:
    """Publish every edition (``publish_step``: the ``publish`` fixture), then correct
    ``language``'s edition and publish it again with ``note``."""
    from workflow.models import Edition
    from workflow.states import EditionState, transition

    for edition_id in editions.values():
        publish_step("publish_edition", edition_id, None)
    publish_step("reopen_for_correction", editions[language], None)
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        edition = session.get(Edition, editions[language])
        for state in (EditionState.SUBMITTED, EditionState.APPROVED):
            transition(edition, state)
    publish_step("publish_edition", editions[language], None, correction_note=note)
