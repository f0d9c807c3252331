"""Word .docx: styles, runs and links kept; damaged files and zip bombs refused early."""

from __future__ import annotations

import io
import zipfile

import pytest

from workflow.ingest.docx_file import check_docx_zip
from workflow.ingest.parse import IngestError, parse_docx


def test_docx_styles_runs_and_hyperlinks(make_docx):
    data = make_docx(
        ("Title", [("Toqayev meets investors", {})]),
        (
            "Normal",
            [
                ("The president ", {}),
                ("welcomed", {"bold": True}),
                (" the ", {}),
                ("new", {"italic": True}),
                (" partners, see ", {}),
                ("the statement", {"href": "https://akorda.kz/x"}),
                (".", {}),
            ],
        ),
        ("Heading 2", [("Deals", {})]),
        ("Quote", [("We are open for business.", {})]),
        ("Normal", [("Автор: Айгерім Сапарова", {})]),
    )
    article = parse_docx(data)
    assert article.title == "Toqayev meets investors"
    assert article.byline == "Айгерім Сапарова"
    assert [b.kind for b in article.blocks] == ["title", "lead", "heading", "quote", "byline"]
    lead = article.blocks[1]
    assert lead.text == "The president welcomed the new partners, see the statement."
    spans = {(lead.text[m.start : m.end], m.kind, m.href) for m in lead.marks}
    assert spans == {
        ("welcomed", "strong", None),
        ("new", "em", None),
        ("the statement", "link", "https://akorda.kz/x"),
    }


def test_docx_split_bold_runs_become_one_mark(make_docx):
    data = make_docx(
        ("Title", [("T", {})]),
        ("Normal", [("big", {"bold": True}), ("ger", {"bold": True}), (" text", {})]),
    )
    assert parse_docx(data).blocks[1].marks[0].end == len("bigger")


def test_docx_javascript_hyperlink_is_dropped(make_docx):
    data = make_docx(
        ("Title", [("T", {})]),
        ("Normal", [("click", {"href": "javascript:alert(1)"}), (" now.", {})]),
    )
    block = parse_docx(data).blocks[1]
    assert block.text == "click now." and block.marks == []


def test_docx_without_text_is_no_text(make_docx):
    with pytest.raises(IngestError) as err:
        parse_docx(make_docx(("Normal", [("   ", {})])))
    assert err.value.code == "no_text"


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in entries.items():
            archive.writestr(name, payload)
    return buffer.getvalue()


def test_zip_bomb_docx_is_refused_before_opening(monkeypatch):
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"0" * (80 << 20)})
    assert len(bomb) < 200_000  # small on the wire, 80 MB unpacked

    def never_open(*args, **kwargs):
        raise AssertionError("python-docx must not open a zip bomb")

    monkeypatch.setattr("docx.Document", never_open)
    with pytest.raises(IngestError) as err:
        parse_docx(bomb)
    assert err.value.code == "zip_bomb"


def test_zip_with_too_many_entries_is_a_bomb():
    many = _zip({f"word/media/{i}.xml": b"" for i in range(2_100)} | {"word/document.xml": b""})
    with pytest.raises(IngestError) as err:
        check_docx_zip(many)
    assert err.value.code == "zip_bomb"


def test_high_ratio_zip_is_a_bomb():
    dense = _zip({"word/document.xml": b"<w:document/>" + b" " * (20 << 20)})
    with pytest.raises(IngestError) as err:
        check_docx_zip(dense)
    assert err.value.code == "zip_bomb"


def test_docx_with_entity_declarations_is_refused():
    evil = _zip({"word/document.xml": b'<!DOCTYPE x [<!ENTITY a "aaaa">]><w:document/>'})
    with pytest.raises(IngestError) as err:
        parse_docx(evil)
    assert err.value.code == "malformed"


@pytest.mark.parametrize(
    "data, code",
    [
        (b"PK\x03\x04 not really a zip", "malformed"),
        (b"plain text pretending", "malformed"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "unsupported_format"),
        (b"", "empty"),
    ],
)
def test_damaged_or_old_word_files(data, code):
    with pytest.raises(IngestError) as err:
        parse_docx(data)
    assert err.value.code == code


def test_zip_that_is_not_word():
    with pytest.raises(IngestError) as err:
        parse_docx(_zip({"hello.txt": b"hi"}))
    assert err.value.code == "malformed"
