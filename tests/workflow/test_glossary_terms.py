"""Glossary terms: Kazakh alphabetical order, must-use and variants, CSV in and out from the
service, the CLI and the admin page."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from workflow import glossary
from workflow.errors import InvalidInput
from workflow.memory import glossary_for
from workflow.models import GlossaryTerm

CSV = (
    "source_language,target_language,term,translation,must_use,variants,note\n"
    "kk,ru,Ясауи,Ясави,,,\n"
    "kk,ru,Қарағанды,Караганда,yes,Караганды,\n"
    "kk,ru,Әлихан,Алихан,,,\n"
    "kk,ru,Абай,Абай,,,\n"
    "kk,ru,Іле,Или,,,\n"
    "kk,ru,Ыбырай,Ибрай,,,\n"
    "kk,en,Самұрық-Қазына,,,,do not translate\n"
)


def test_csv_import_sorts_in_kazakh_order_and_round_trips(app, db):
    with db.transaction() as session:
        assert glossary.import_csv(session, CSV, None) == (7, 0)
    with db.transaction() as session:
        terms = [t.term for t in glossary.list_terms(session, "kk") if t.target_language == "ru"]
        assert terms == ["Абай", "Әлихан", "Қарағанды", "Ыбырай", "Іле", "Ясауи"]
        exported = glossary.export_csv(session)
        entries = {e.source_term: e for e in glossary_for(session, "kk", "ru").entries}
    assert entries["Қарағанды"].must_use and entries["Қарағанды"].variants == ("Караганды",)
    assert not entries["Абай"].must_use
    assert "kk,ru,Қарағанды,Караганда,yes,Караганды," in exported
    with db.transaction() as session:
        assert glossary.import_csv(session, exported, None) == (0, 7)


def test_a_bad_row_rejects_the_whole_import(app, db):
    bad = CSV + "kk,de,Алматы,Almaty,,,\n"
    with pytest.raises(InvalidInput) as caught, db.transaction() as session:
        glossary.import_csv(session, bad, None)
    assert "Line 9" in caught.value.message
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(GlossaryTerm)) == 0
    with pytest.raises(InvalidInput), db.transaction() as session:
        glossary.import_csv(session, "term\nАстана\n", None)


def test_cli_imports_and_exports_csv(make_app, tmp_path):
    app = make_app(SCHEMA="migrate")
    path = tmp_path / "terms.csv"
    path.write_text(CSV, encoding="utf-8")
    runner = app.test_cli_runner()
    imported = runner.invoke(args=["glossary", "import", str(path)])
    assert imported.exit_code == 0, imported.output
    assert "imported 7 term(s), 0 already" in imported.output
    exported = runner.invoke(args=["glossary", "export"])
    assert exported.exit_code == 0 and exported.output.splitlines()[0].startswith(
        "source_language,target_language,term")
    assert exported.output.index("Абай") < exported.output.index("Әлихан") < \
        exported.output.index("Іле") < exported.output.index("Ясауи")
    path.write_text("source_language,target_language,term\nkk,kk,Астана\n", encoding="utf-8")
    failed = runner.invoke(args=["glossary", "import", str(path)])
    assert failed.exit_code != 0 and "Line 2" in failed.output


def test_admin_page_imports_exports_and_marks_must_use(app, db, client, make_user):
    make_user("admin", email="boss@example.test")
    client.post("/login", data={"email": "boss@example.test", "password": "password123"})
    upload = {"file": (io.BytesIO(CSV.encode("utf-8-sig")), "terms.csv")}
    done = client.post("/admin/glossary/import", data=upload, content_type="multipart/form-data")
    assert done.status_code == 302
    page = client.get("/admin/").get_data(as_text=True)
    assert page.index("Абай") < page.index("Әлихан") < page.index("Ыбырай") < page.index("Іле")
    download = client.get("/admin/glossary.csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert "Қарағанды,Караганда,yes" in download.get_data(as_text=True)
    form = {"source_language": "en", "target_language": "ru", "term": "Astana",
            "translation": "Астана", "must_use": "1", "variants": "Нур-Султан | "}
    assert client.post("/admin/glossary", data=form).status_code == 302
    with app.app_context():
        row = db.session.scalar(select(GlossaryTerm).where(GlossaryTerm.term == "Astana"))
        assert row.extra == {"must_use": True, "variants": ["Нур-Султан"]}
    bad = client.post("/admin/glossary/import", content_type="multipart/form-data",
                      data={"file": (io.BytesIO(b"\xff\xfe\x00bad"), "x.csv")})
    assert bad.status_code == 422
