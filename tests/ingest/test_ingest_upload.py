"""File uploads: dispatch by extension and content, encodings, and every bad-input code."""

from __future__ import annotations

import json

import pytest

from workflow.ingest.parse import IngestError, parse_upload

RUSSIAN = "Новый мост\n\nМост через Ишим открыли в понедельник, сообщили в акимате."
KAZAKH_LATIN1 = "Café news\n\nThe café in São Paulo reopened, the owner said à propos."


def test_txt_utf8(fixture_bytes):
    article = parse_upload("seed.txt", fixture_bytes("seed_shaped.txt"))
    assert article.byline == "Aigerim Example" and article.source_format == "text"


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r", "utf-16"])
def test_txt_russian_in_legacy_encodings_is_not_mojibake(encoding):
    article = parse_upload("news.txt", RUSSIAN.encode(encoding))
    assert article.title == "Новый мост"
    assert article.blocks[1].text.startswith("Мост через Ишим открыли")


def test_txt_latin1_is_not_mojibake():
    article = parse_upload("news.txt", KAZAKH_LATIN1.encode("latin-1"))
    assert article.title == "Café news"
    assert "São Paulo" in article.blocks[1].text


def test_markdown_upload():
    article = parse_upload("a.md", b"# Head\n\nSome *text* here.")
    assert article.source_format == "markdown" and article.blocks[1].marks[0].kind == "em"


def test_html_upload(fixture_bytes):
    article = parse_upload("page.HTM", fixture_bytes("page.html"))
    assert article.source_format == "html" and article.title == "Bridge opens in Astana"


def test_docx_upload(make_docx):
    article = parse_upload(
        "story.docx", make_docx(("Title", [("T", {})]), ("Normal", [("Body.", {})]))
    )
    assert article.source_format == "docx"


def test_extensionless_files_are_sniffed(make_docx, fixture_bytes):
    assert (
        parse_upload("story", make_docx(("Normal", [("Body text.", {})]))).source_format == "docx"
    )
    assert parse_upload("page", fixture_bytes("page.html")).source_format == "html"
    assert parse_upload("note", b"Head\n\nBody text.").source_format == "text"


@pytest.mark.parametrize(
    "filename, data, code",
    [
        ("a.txt", b"", "empty"),
        ("a.txt", b"   \n\t \r\n  ", "empty"),
        ("a.md", b"\xef\xbb\xbf  \n", "empty"),
        ("a.txt", b"\x00\x01\x02\x03binary\x00\xff\xfe\x00" * 50, "binary"),
        ("a.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "binary"),
        ("photo.png", b"\x89PNG\r\n\x1a\n", "unsupported_format"),
        ("report.pdf", b"%PDF-1.7 ...", "unsupported_format"),
        ("a.txt", b"PK\x03\x04" + b"\x00" * 40, "binary"),
        ("a.docx", b"just text", "malformed"),
    ],
)
def test_bad_uploads_have_stable_codes(filename, data, code):
    with pytest.raises(IngestError) as err:
        parse_upload(filename, data)
    assert err.value.code == code
    assert err.value.message and json.dumps(err.value.to_dict())


def test_over_the_size_limit():
    with pytest.raises(IngestError) as err:
        parse_upload("big.txt", b"a" * 2048, max_bytes=1024)
    assert err.value.code == "too_large"
    with pytest.raises(IngestError) as err:
        parse_upload("big.txt", b"word " * (1024 * 1024 + 1))
    assert err.value.code == "too_large" and "5 MB" in err.value.message
