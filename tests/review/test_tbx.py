"""TBX-Basic glossaries both ways, read back with translate-toolkit."""

from __future__ import annotations

import pytest
from translate.storage import tbx as toolkit_tbx

from workflow.errors import InvalidInput
from workflow.exchange import tbx
from workflow.glossary import add_term, list_terms


def test_a_glossary_leaves_as_tbx_and_comes_back(make_app, make_user, tmp_path):
    desk = make_app(SCHEMA="migrate")
    editor = make_user("admin", app=desk, email="terms@desk.test")
    with desk.extensions["audarma.db"].transaction() as session:
        add_term(session, "ru", "kk", "Министерство иностранных дел", "Сыртқы істер министрлігі",
                 editor, note="official name")
        add_term(session, "ru", "kk", "Самрук-Казына", None, editor)  # do not translate
    out = tmp_path / "ru-kk.tbx"
    runner = desk.test_cli_runner()
    result = runner.invoke(args=["tbx", "export", "--from", "ru", "--to", "kk", str(out)])
    assert result.exit_code == 0 and "wrote 2 term(s)" in result.output
    store = toolkit_tbx.tbxfile.parsefile(str(out))
    assert store.document.getroot().get("type") == "TBX-Basic"
    assert [(u.source, u.target) for u in store.units] == [
        ("Министерство иностранных дел", "Сыртқы істер министрлігі"),
        ("Самрук-Казына", "Самрук-Казына")]

    other = make_app(SCHEMA="migrate")
    make_user("admin", app=other, email="admin@other.test")
    args = ["tbx", "import", "--from", "ru", "--to", "kk", "--as", "admin@other.test", str(out)]
    assert "added 2 term(s), skipped 0" in other.test_cli_runner().invoke(args=args).output
    again = other.test_cli_runner().invoke(args=args).output
    assert "added 0 term(s), skipped 2" in again and "duplicate_term" in again
    with other.app_context(), other.extensions["audarma.db"].transaction() as session:
        terms = {t.term: (t.translation, t.note) for t in list_terms(session)}
    assert terms == {"Министерство иностранных дел": ("Сыртқы істер министрлігі",
                                                      "official name"),
                     "Самрук-Казына": (None, None)}


def test_hostile_tbx_is_refused(app, make_user):
    admin = make_user("admin")
    payload = (b'<?xml version="1.0"?><!DOCTYPE martif [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
               b"<martif>&x;</martif>")
    with app.extensions["audarma.db"].transaction() as session, \
            pytest.raises(InvalidInput) as refused:
        tbx.import_glossary(session, payload, "en", "kk", admin)
    assert refused.value.code == "tbx_doctype"
