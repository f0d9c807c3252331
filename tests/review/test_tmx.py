"""TMX 1.4b export and import of the translation memory, read back with translate-toolkit."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from translate.storage import tmx as toolkit_tmx

from workflow.errors import InvalidInput
from workflow.exchange import tmx
from workflow.memory import remember
from workflow.models import MemoryEntry

PAIRS = [("The summit opened in Astana.", "Саммит Астанада ашылды."),
         ("Trade grew by ten percent.", "Сауда он пайызға өсті.")]


@pytest.fixture
def migrated(make_app):
    return make_app(SCHEMA="migrate")


def test_memory_leaves_as_tmx_and_comes_back_in_another_desk(migrated, make_app, make_user,
                                                             tmp_path):
    approver = make_user("editor", app=migrated, email="approver@desk.test")
    with migrated.extensions["audarma.db"].transaction() as session:
        remember(session, "en", "kk", PAIRS, None, approver)
        remember(session, "en", "ru", [("Hello.", "Привет.")], None, approver)
    out = tmp_path / "en-kk.tmx"
    result = migrated.test_cli_runner().invoke(args=["tmx", "export", "--from", "en", "--to", "kk",
                                                     str(out)])
    assert result.exit_code == 0, result.output
    store = toolkit_tmx.tmxfile.parsefile(str(out))  # the reference library reads it
    assert [(u.source, u.target) for u in store.units] == PAIRS
    first = store.units[0].xmlelement
    assert first.get("creationid") == "approver" and first.get("creationdate")  # display name
    assert b'version="1.4"' in out.read_bytes()

    other = make_app(SCHEMA="migrate")
    make_user("admin", app=other, email="admin@other.test")
    runner = other.test_cli_runner()
    args = ["tmx", "import", "--from", "en", "--to", "kk", "--as", "admin@other.test", str(out)]
    assert "stored 2 pair(s), skipped 0" in runner.invoke(args=args).output
    assert "stored 0 pair(s), skipped 2" in runner.invoke(args=args).output  # already held
    with other.extensions["audarma.db"].transaction() as session:
        held = session.execute(select(MemoryEntry.source_text, MemoryEntry.target_text)
                               .order_by(MemoryEntry.id)).all()
    assert [tuple(row) for row in held] == PAIRS
    refused = runner.invoke(args=["tmx", "import", "--from", "en", "--to", "kk", "--as",
                                  "nobody@other.test", str(out)])
    assert refused.exit_code != 0 and "No user nobody@other.test" in refused.output
    make_user("translator", app=other, email="translator@other.test")
    not_admin = runner.invoke(args=["tmx", "import", "--from", "en", "--to", "kk", "--as",
                                    "translator@other.test", str(out)])
    assert not_admin.exit_code != 0 and "stored" not in not_admin.output


def test_a_tmx_from_another_tool_with_regional_codes_is_read(app, make_user):
    admin = make_user("admin")
    data = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4"><header srclang="ru-RU" datatype="plaintext" segtype="sentence"
 adminlang="en" creationtool="x" creationtoolversion="1" o-tmf="x"/>
<body>
<tu><tuv xml:lang="ru-RU"><seg>Министр выступил.</seg></tuv>
<tuv xml:lang="kk-KZ"><seg>Министр сөз сөйледі.</seg></tuv></tu>
<tu><tuv xml:lang="ru-RU"><seg>Только русский.</seg></tuv></tu>
</body></tmx>""".encode()
    with app.extensions["audarma.db"].transaction() as session:
        result = tmx.import_memory(session, data, "ru", "kk", admin)
    assert (result.stored, result.skipped) == (1, 1)


@pytest.mark.parametrize("payload, code", [
    (b'<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY a "b">]><tmx version="1.4">&a;</tmx>',
     "tmx_doctype"),
    (b"<xliff/>", "tmx_invalid"),
    (b"not xml at all", "tmx_invalid"),
])
def test_hostile_tmx_is_refused(app, make_user, payload, code):
    admin = make_user("admin")
    with app.extensions["audarma.db"].transaction() as session, \
            pytest.raises(InvalidInput) as refused:
        tmx.import_memory(session, payload, "en", "kk", admin)
    assert refused.value.code == code
