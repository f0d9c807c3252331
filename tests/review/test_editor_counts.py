"""The editor's progress line follows each segment save: confirmed and blocking counts in place."""

from __future__ import annotations

import re

from tests.review.conftest import email_of
from workflow import review

RUNAWAY = "бір бір бір бір бір бір бір бір"  # a blocking "repetition" warning
FIXED = "Аймақтық газеттер әкімнің сапарын атап өтті."


def _counts(html: str) -> dict[str, int]:
    return {name: int(re.search(rf'id="{name}-count">(\d+)<', html).group(1))
            for name in ("confirmed", "total", "blocking")}


def test_save_and_confirm_replies_carry_the_editions_new_counts(
        app, db, translated_edition, make_user, sign_in):
    edition_id = translated_edition()
    client = sign_in(email_of(app, make_user("translator", languages="kk")))
    with db.transaction() as session:
        rows = [(r.id, r.version) for r in review.active_translations(session, edition_id)]
    before = _counts(client.get(f"/editions/{edition_id}").get_data(as_text=True))
    assert before["confirmed"] == 0 and before["total"] == len(rows)
    translation_id, version = rows[0]

    broken = client.post(f"/segments/{translation_id}/save",
                         json={"text": RUNAWAY, "version": version})
    assert broken.status_code == 200
    assert any(c["severity"] == "blocking" for c in broken.json["checks"])
    blocking = broken.json["ready"]["blocking"]
    assert blocking >= 1 and broken.json["ready"]["confirmed"] == 0

    fixed = client.post(f"/segments/{translation_id}/confirm",
                        json={"text": FIXED, "version": version + 1})
    assert fixed.status_code == 200
    assert fixed.json["ready"] == {"confirmed": 1, "total": len(rows), "blocking": blocking - 1}
    # What the reply said is what a reload shows.
    assert _counts(client.get(f"/editions/{edition_id}").get_data(as_text=True)) == \
        fixed.json["ready"]

