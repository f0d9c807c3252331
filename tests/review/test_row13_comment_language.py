"""Row 13 of the security review: a translator could comment on any language's edition."""

from __future__ import annotations

import pytest

from workflow import review
from workflow.errors import Forbidden


def test_row13_a_translator_comments_only_in_a_working_language(app, translated_edition,
                                                               make_user, sign_in):
    ru_edition = translated_edition("ru")
    kk_translator = make_user("translator", languages="kk", email="kk-only@desk.test")
    ru_translator = make_user("translator", languages="ru")
    database = app.extensions["audarma.db"]
    with app.app_context(), database.transaction() as session:
        with pytest.raises(Forbidden):
            review.add_comment(session, ru_edition, kk_translator, "Not my language.")
        assert review.add_comment(session, ru_edition, ru_translator, "Мой язык.").id
    page = sign_in("kk-only@desk.test").post(f"/editions/{ru_edition}/comments",
                                             data={"body": "Through the page."})
    assert page.status_code == 403
