"""XLIFF 1.2 and 2.0 round trips, read back with translate-toolkit's own readers, and hostile
files."""

from __future__ import annotations

import pytest
from translate.storage import factory, xliff

from workflow import review
from workflow.errors import InvalidInput
from workflow.exchange.xliff import export_edition, from_rich, import_edition, to_rich
from workflow.models import SegmentRevision, SegmentTranslation

TAGGED = [["Read <1>the mayor's plan</1> and the annex<2/>.", "Trade grew by ten percent."]]


@pytest.fixture
def edition(app, translated_edition):
    return translated_edition("kk", paragraphs=TAGGED)


def session_of(app):
    return app.extensions["audarma.db"].session


def test_inline_tags_become_xliff_codes_and_come_back():
    text = "Read <1>the <3>mayor's</3> plan</1> and the annex<2/>."
    assert from_rich([to_rich(text)]) == text
    assert from_rich([to_rich("a </4> stray <5>open")]) == "a </4> stray <5>open"


def test_export_is_xliff_12_with_machine_candidates_and_inline_codes(app, edition):
    with app.app_context():
        data = export_edition(session_of(app), edition)
        rows = review.active_translations(session_of(app), edition)
    assert b'version="1.2"' in data and b"urn:oasis:names:tc:xliff:document:1.2" in data
    store = factory.getobject(_named(data))  # translate-toolkit's own reader
    units = [u for u in store.getunits() if not u.isheader()]
    assert [u.xmlelement.get("id") for u in units] == [str(r.id) for r in rows]
    tagged = next(u for u in units if "annex" in u.source)
    xml = tagged.xmlelement
    assert xml.find(".//{*}source/{*}g") is not None and xml.find(".//{*}source/{*}x") is not None
    machine = [alt.target for alt in tagged.getalttrans()]
    unit_id = int(tagged.xmlelement.get("id"))
    assert machine == [next(r.machine_text for r in rows if r.id == unit_id)]
    assert store.getsourcelanguage() == "en" and store.gettargetlanguage() == "kk"


def _named(data: bytes):
    import io

    stream = io.BytesIO(data)
    stream.name = "edition.xlf"
    return stream


def test_round_trip_saves_edits_and_lists_a_conflict(app, edition, make_user):
    translator = make_user("translator", languages="kk")
    other = make_user("translator", languages="kk")
    with app.app_context():
        session = session_of(app)
        data = export_edition(session, edition)
        rows = review.active_translations(session, edition)
        # meanwhile someone edits the last segment in the desk
        review.save_segment(session, rows[-1].id, "Желідегі түзету.", rows[-1].version, other)
        session.commit()
    store = xliff.xlifffile.parsestring(data)
    units = store.getunits()
    units[0].target = "Бірінші сегмент аударылды."
    units[1].target = "Екінші сегмент расталды."
    units[1].xmlelement.find("{*}target").set("state", "signed-off")
    units[-1].target = "Файлдағы мәтін."
    with app.app_context():
        session = session_of(app)
        report = import_edition(session, edition, bytes(store), translator)
        session.commit()
        after = {r.id: r for r in review.active_translations(session, edition)}
        assert report.saved == [rows[0].id] and report.confirmed == [rows[1].id], report
        assert [c["id"] for c in report.conflicts] == [rows[-1].id]
        assert after[rows[0].id].text == "Бірінші сегмент аударылды."
        assert after[rows[0].id].state == "draft" and after[rows[0].id].edited_by_id == translator
        assert after[rows[1].id].state == "confirmed"
        assert after[rows[-1].id].text == "Желідегі түзету."  # the desk's text stands
        kept = session.query(SegmentRevision).filter_by(translation_id=rows[-1].id,
                                                         kind="conflict").one()
        assert kept.text == "Файлдағы мәтін."  # and the file's is not lost


def test_a_unit_for_another_edition_or_a_changed_source_is_refused(app, edition, make_user):
    translator = make_user("translator", languages="kk")
    with app.app_context():
        session = session_of(app)
        store = xliff.xlifffile.parsestring(export_edition(session, edition))
    units = store.getunits()
    units[0].xmlelement.set("id", "999999")
    units[0].target = "x"
    units[1].xmlelement.set("{urn:audarma:xliff}source-hash", "0" * 64)
    units[1].target = "y"
    with app.app_context():
        session = session_of(app)
        report = import_edition(session, edition, bytes(store), translator)
        assert {r["reason"] for r in report.refused} == {"unknown_unit", "source_changed"}
        assert not report.saved and not session.query(SegmentTranslation).filter(
            SegmentTranslation.text.in_(["x", "y"])).count()


@pytest.mark.parametrize("payload, code", [
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xliff version="1.2">&a;</xliff>',
     "xliff_doctype"),
    ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]>'
     '<xliff version="1.2"/>'.encode("utf-16"), "xliff_doctype"),
    (b"<html><body>not xliff</body></html>", "xliff_invalid"),
    (b"<xliff version='3.0' xmlns='urn:oasis:names:tc:xliff:document:3.0'/>", "xliff_version"),
    (b"\x00\x01 not xml", "xliff_invalid"),
    (b"<xliff version='1.2'>" + b"<a>" * 10 + b"</xliff>", "xliff_invalid"),
])
def test_hostile_files_are_refused_cleanly(app, edition, make_user, payload, code):
    translator = make_user("translator", languages="kk")
    with app.app_context(), pytest.raises(InvalidInput) as refused:
        import_edition(session_of(app), edition, payload, translator)
    assert refused.value.code == code


def test_a_huge_file_is_refused_before_parsing(app, edition, make_user):
    translator = make_user("translator", languages="kk")
    with app.app_context(), pytest.raises(InvalidInput) as refused:
        import_edition(session_of(app), edition, b" " * (21 * 1024 * 1024), translator)
    assert refused.value.code == "xliff_too_large"


def test_the_editor_page_offers_the_file_and_takes_it_back(app, edition, make_user, sign_in):
    import io

    translator = make_user("translator", languages="kk", email="xliff@desk.test")
    client = sign_in("xliff@desk.test")
    page = client.get(f"/editions/{edition}").get_data(as_text=True)
    assert f"/editions/{edition}/xliff" in page
    download = client.get(f"/editions/{edition}/xliff?version=1.2")
    assert download.status_code == 200 and download.mimetype == "application/xliff+xml"
    store = xliff.xlifffile.parsestring(download.data)
    store.getunits()[0].target = "Қолмен аударылған сөйлем."
    answer = client.post(f"/editions/{edition}/xliff", content_type="multipart/form-data",
                         data={"file": (io.BytesIO(bytes(store)), "edition.xlf")})
    assert answer.status_code == 200 and "Saved as drafts: 1" in answer.get_data(as_text=True)
    with app.app_context():
        rows = review.active_translations(session_of(app), edition)
        assert rows[0].text == "Қолмен аударылған сөйлем." and rows[0].edited_by_id == translator


def test_the_api_exports_and_imports_with_a_user_key(app, edition, make_user):
    from workflow.partners.keys import issue_key

    translator = make_user("translator", languages="kk")
    with app.extensions["audarma.db"].transaction() as session:
        secret = issue_key(session, user_id=translator)[1]
    client = app.test_client()
    auth = {"Authorization": f"Bearer {secret}"}
    exported = client.get(f"/api/v1/editions/{edition}/xliff?version=1.2", headers=auth)
    assert exported.status_code == 200
    store = xliff.xlifffile.parsestring(exported.data)
    store.getunits()[0].target = "API арқылы."
    answer = client.post(f"/api/v1/editions/{edition}/xliff", headers=auth, data=bytes(store),
                         content_type="application/xliff+xml")
    assert answer.status_code == 200 and len(answer.get_json()["saved"]) == 1
    bad = client.post(f"/api/v1/editions/{edition}/xliff", headers=auth, data=b"<nope",
                      content_type="application/xliff+xml")
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "xliff_invalid"


def test_xliff_20_export_reads_back_and_its_edits_come_home(app, edition, make_user):
    from lxml import etree
    from translate.storage import xliff2 as toolkit2

    from workflow.exchange import xliff2

    translator = make_user("translator", languages="kk")
    with app.app_context():
        session = session_of(app)
        data = xliff2.export_edition(session, edition)
        rows = review.active_translations(session, edition)
    store = toolkit2.Xliff2File.parsestring(data)  # translate-toolkit's own 2.0 reader
    assert store.getsourcelanguage() == "en" and store.gettargetlanguage() == "kk"
    tagged = next(r for r in rows if "annex" in r.segment.source_text)
    root = etree.fromstring(data)
    ns = {"x": xliff2.XLIFF_20, "mtc": xliff2.MTC}
    unit = root.find(f".//x:unit[@id='{tagged.id}']", ns)
    source = unit.find("x:segment/x:source", ns)
    assert source.find("x:pc", ns).text == "the mayor's plan"
    assert source.find("x:ph", ns) is not None
    assert xliff2.read_inline(source) == tagged.segment.source_text
    match = unit.find("mtc:matches/mtc:match/x:target", ns)
    assert xliff2.read_inline(match) == tagged.machine_text

    segment = unit.find("x:segment", ns)
    target = etree.SubElement(segment, f"{{{xliff2.XLIFF_20}}}target")
    xliff2.write_inline(target, "Әкімнің <1>жоспарын</1> және қосымшаны<2/> оқыңыз.")
    segment.set("state", "reviewed")
    with app.app_context():
        session = session_of(app)
        report = import_edition(session, edition, etree.tostring(root), translator)
        session.commit()
        row = session.get(SegmentTranslation, tagged.id)
        assert report.confirmed == [tagged.id] and row.state == "confirmed"
        assert row.text == "Әкімнің <1>жоспарын</1> және қосымшаны<2/> оқыңыз."


def test_the_desk_offers_both_versions(app, edition, make_user, sign_in):
    make_user("translator", languages="kk", email="both@desk.test")
    client = sign_in("both@desk.test")
    assert b'version="2.0"' in client.get(f"/editions/{edition}/xliff").data
    assert b'version="1.2"' in client.get(f"/editions/{edition}/xliff?version=1.2").data
    assert client.get(f"/editions/{edition}/xliff?version=9").status_code == 422
