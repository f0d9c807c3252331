"""The ingest service: every parser lands in one function; bad input stores nothing."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.ingest_service.conftest import DE_TEXT, EN_TEXT, FIXTURES, KK_TEXT, RU_TEXT
from workflow.errors import InvalidInput
from workflow.ingest import service
from workflow.models import Article, Segment


@pytest.mark.parametrize(("text", "language", "targets"), [
    (EN_TEXT, "en", {"kk", "ru"}), (RU_TEXT, "ru", {"kk", "en"}), (KK_TEXT, "kk", {"ru", "en"}),
])
def test_text_detects_language_segments_and_queues_the_other_two(session, text, language,
                                                                 targets):
    result = service.ingest_text(session, text, source="paste")
    article = result.article
    assert article.source_language == language and article.language_confidence >= 0.8
    assert not article.language_overridden
    assert {job.target_language for job in result.jobs} == targets
    assert all(job.state == "queued" and job.needs_dispatch for job in result.jobs)
    kinds = [b.kind for b in article.blocks]
    assert kinds == ["title", "lead", "paragraph"]
    sentences = [s.source_text for s in article.segments]
    assert len(sentences) == 4  # title, lead, two sentences in the last paragraph
    assert [s.sid for s in article.segments] == ["s1", "s2", "s3", "s4"]
    last = article.segments[-1]
    assert last.block.text[last.start_offset:last.end_offset] == last.source_text
    assert all(job.segments_total == 4 for job in result.jobs)
    assert {e.language for e in article.editions} == targets | {language}


def test_seed_shaped_paste_structure_byline_furniture_and_quote_split(session):
    text = (FIXTURES / "seed_shaped.txt").read_text(encoding="utf-8")
    article = service.ingest_text(session, text, source="paste").article
    assert article.title.startswith("Mayor’s Trip to Almaty")
    assert article.byline == "Aigerim Example"
    assert article.photo_credit == "City Press Office"
    kinds = [b.kind for b in article.blocks]
    assert kinds[:3] == ["title", "caption", "lead"] and kinds[-1] == "byline"
    assert kinds.count("heading") == 3 and "quote" in kinds
    body = " ".join(b.text for b in article.blocks)
    assert "Latest news" not in body and "view all" not in body and "weather" not in body
    quote = next(b for b in article.blocks if b.kind == "quote")
    assert quote.text.endswith("forward,")  # split at the paste artefact, punctuation kept
    assert any(b.text.startswith("Seitkali said") for b in article.blocks)
    sentences = [s.source_text for s in article.segments]
    assert any("U.S. consultancy behind the C5+1 transit study" in s for s in sentences)


def test_markdown_marks_become_numbered_tags_in_segments(session):
    result = service.ingest_markdown(
        session, "# Tram line\n\nThe *council* approved [the line](https://example.kz/a) on "
        "Tuesday. Work starts **in May** next year.\n", source="paste")
    first, second = result.article.segments[1:3]
    assert first.source_text == ("The <1>council</1> approved <2>the line</2> on Tuesday.")
    assert first.marks == [{"kind": "em", "href": None},
                           {"kind": "link", "href": "https://example.kz/a"}]
    assert second.source_text == "Work starts <1>in May</1> next year."
    assert second.marks == [{"kind": "strong", "href": None}]


def test_html_page_and_uploads_land_in_the_same_service(session, docx_bytes):
    page = (FIXTURES / "page.html").read_bytes()
    html = service.ingest_upload(session, "page.html", page, source="upload").article
    assert html.source_format == "html"
    assert not any("<script" in s.source_text or "alert(" in s.source_text for s in html.segments)
    docx = service.ingest_upload(session, "story.docx", docx_bytes(), source="upload").article
    assert docx.source_format == "docx" and docx.title == "Tram line approved"
    assert docx.segments[1].source_text.startswith("<1>The</1> city council")
    md = service.ingest_upload(session, "story.md", b"# Title\n\nThe mayor met transport "
                               b"unions in September and discussed fares.\n",
                               source="upload").article
    assert md.source_format == "markdown"


def test_explicit_language_overrides_detection(session):
    article = service.ingest_text(session, EN_TEXT, source="paste", language="ru").article
    assert article.source_language == "ru" and article.language_overridden
    assert article.language_confidence == 1.0


@pytest.mark.parametrize("targets", ["kk", ["kk"], "kk,kk", " KK "])
def test_targets_are_validated_and_normalised(session, targets):
    result = service.ingest_text(session, EN_TEXT, source="paste", targets=targets)
    assert [j.target_language for j in result.jobs] == ["kk"]


def test_duplicates_by_external_id_url_and_content(session):
    first = service.ingest_text(session, EN_TEXT, source="api", external_id="42")
    again = service.ingest_text(session, EN_TEXT, source="api", external_id="42")
    assert again.duplicate_of == first.article.id and again.jobs == []
    other_source = service.ingest_text(session, RU_TEXT, source="other", external_id="42")
    assert other_source.duplicate_of is None
    by_url = service.ingest_text(session, KK_TEXT, source="a", source_url="https://x.kz/1#top")
    assert by_url.article.source_url == "https://x.kz/1"
    assert service.ingest_text(session, EN_TEXT.replace("Tuesday", "Monday"), source="b",
                               source_url="https://x.kz/1").duplicate_of == by_url.article.id
    same_words = "  " + EN_TEXT.replace("\n\n", "\n\n\n").upper()
    assert service.ingest_text(session, same_words, source="paste").duplicate_of == \
        first.article.id
    session.flush()
    assert session.query(Article).count() == 3


BAD_INPUTS = [
    (lambda s: service.ingest_text(s, "", source="p"), "empty"),
    (lambda s: service.ingest_text(s, " \n\t \u00a0\n", source="p"), "empty"),
    (lambda s: service.ingest_upload(s, "x.txt", b"\x00\x01\x02\xff" * 400, source="u"), "binary"),
    (lambda s: service.ingest_upload(s, "x.txt", b"a" * 2048, source="u", max_bytes=1024),
     "too_large"),
    (lambda s: service.ingest_upload(s, "x.pdf", b"%PDF-1.4 hello", source="u"),
     "unsupported_format"),
    (lambda s: service.ingest_text(s, DE_TEXT, source="p"), "unsupported_language"),
    (lambda s: service.ingest_text(s, EN_TEXT, source="p", language="de"),
     "unsupported_language"),
    (lambda s: service.ingest_text(s, "Hi there\n\nOk then.", source="p"), "language_uncertain"),
    (lambda s: service.ingest_text(s, EN_TEXT, source="p", targets=["kk", "fr"]),
     "unknown_target"),
    (lambda s: service.ingest_text(s, EN_TEXT, source="p", priority="urgent"), "bad_priority"),
    (lambda s: service.ingest_text(s, EN_TEXT, source="p", source_url="javascript:alert(1)"),
     "invalid_url"),
    (lambda s: service.ingest_html(s, "<html><body><script>x()</script></body></html>",
                                   source="p"), "no_text"),
    (lambda s: service.ingest_html(s, "<html><body><div><p></b></i></div>", source="p"),
     "no_text"),
]


@pytest.mark.parametrize(("call", "code"), BAD_INPUTS)
def test_bad_input_is_a_clear_error_and_stores_nothing(app, db, counts, call, code):
    before = counts()
    with app.app_context():
        session = db.session
        with pytest.raises(InvalidInput) as info:
            call(session)
        session.rollback()
    assert info.value.code == code
    assert info.value.message and "Traceback" not in info.value.message
    assert counts() == before


def test_zip_bomb_docx_is_refused(session):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<" + b"a" * (80 * 1024 * 1024))
    with pytest.raises(InvalidInput) as info:
        service.ingest_upload(session, "bomb.docx", out.getvalue(), source="u")
    assert info.value.code == "zip_bomb"


def test_broken_html_with_text_still_ingests(session):
    html = ("<html><head><title>Tram line approved</title><body><div><p>The city council "
            "approved a new tram line on <b>Tuesday after a long debate.<p>Construction starts "
            "in May<i> and ends next year.</div></span></html>")
    article = service.ingest_html(session, html, source="p").article
    assert article.source_language == "en"
    assert any("Construction starts in May" in s.source_text for s in article.segments)


def test_script_injection_is_stored_inert(session):
    text = ("Tram line <script>alert('x')</script>approved\n\n"
            "The council <img src=x onerror=alert(1)> approved the line on Tuesday after a "
            "long debate about costs.\n")
    article = service.ingest_text(session, text, source="paste").article
    stored = " ".join(s.source_text for s in session.query(Segment).filter_by(
        article_id=article.id))
    assert "<script" not in stored and "alert('x')" not in stored
    # other markup in plain text is kept as literal text, escaped wherever it is shown
    assert "<img src=x onerror=alert(1)>" in stored


def test_uncertain_language_names_a_guess(session):
    with pytest.raises(InvalidInput) as info:
        service.ingest_text(session, "Hi there\n\nOk then.", source="p")
    assert info.value.detail["guess"] in ("kk", "ru", "en")
    assert "choose" in info.value.message


def test_preview_stores_nothing_and_reports_language_and_furniture(session, counts):
    parsed = service.parse_body((FIXTURES / "seed_shaped.txt").read_text(encoding="utf-8"))
    shown = service.preview(parsed)
    assert shown["language"] == "en" and shown["language_confidence"] >= 0.8
    assert "Latest news" in shown["removed"]
    assert shown["blocks"][0]["kind"] == "title"
    assert all(c == 0 for c in counts().values())
