"""Characters XML cannot carry (a vertical tab pasted from Word, a stray escape) typed into a
headline, a segment, a byline or a correction note must not take a feed down for every partner:
RSS and Atom leave them out, and every other item still arrives."""

from __future__ import annotations

from lxml import etree

from tests.publishing.conftest import approve_again, bearer
from tests.security.conftest import publish_with_correction

ODD = "\x0b\x01\x1f\x7f"


def test_feeds_leave_out_what_xml_cannot_carry(app, client, make_story, publish, make_partner):
    from sqlalchemy import select

    from workflow.models import Article, Edition, SegmentTranslation

    editions = make_story(languages=("kk",), title=f"Flood{ODD} recedes", byline=f"By{ODD} Aida",
                          category=f"sport{ODD}")
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        for row in session.scalars(select(SegmentTranslation).where(
                SegmentTranslation.edition_id == editions["kk"])):
            row.text = f"{row.text}{ODD} end"
        edition = session.get(Edition, editions["kk"])
        session.get(Article, edition.article_id).title = f"Flood{ODD} recedes"
        session.flush()
        approve_again(session, edition.id)  # what is published is what was approved
    publish_with_correction(app, publish, editions, "kk", f"Fixed{ODD} a date")
    _pid, _kid, secret = make_partner(languages="kk,en")

    for path in ("/feeds/kk.rss", "/feeds/kk.atom", "/feeds/en.rss", "/feeds/en.atom"):
        response = client.get(path, headers=bearer(secret))
        assert response.status_code == 200, (path, response.data[:300])
        root = etree.fromstring(response.data)  # well-formed XML
        text = etree.tostring(root, encoding="unicode")
        assert not any(c in text for c in ODD[:3]), path
        if path.startswith("/feeds/kk"):
            assert "end" in text and "Fixed a date" in text, path  # the segment, the note
        if path.endswith(".atom"):
            assert "By Aida" in text  # RSS carries an author only with an e-mail address
    response = client.get("/feeds/kk.json", headers=bearer(secret))
    assert response.status_code == 200 and response.get_json()["items"]
