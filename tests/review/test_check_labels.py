"""Every check code the engine and the checks raise has one translated label on the desk."""

from __future__ import annotations

import pytest

from translations.checks import CHECK_KINDS


@pytest.mark.parametrize("locale", ["kk", "ru"])
def test_every_check_code_has_a_translated_label(app, locale):
    from flask_babel import force_locale

    from web.dashboard import CHECK_CODES, label_for

    assert set(CHECK_KINDS) <= set(CHECK_CODES)
    assert "markup" not in CHECK_CODES and "placeholders" not in CHECK_CODES
    with app.test_request_context(), force_locale(locale):
        labels = {code: label_for(code) for code in CHECK_CODES}
    for code, kind in CHECK_KINDS.items():
        assert labels[code] not in (code, kind.label), (locale, code)
    assert labels["tag_lost"] != labels["term_lost"]
    assert labels["warning"] != "Warning" and labels["blocking"] != "Blocking"
