"""Whole web pages and Markdown: structure and marks kept, scripts and chrome never survive."""

from __future__ import annotations

import pytest

from workflow.ingest.parse import IngestError, parse_html, parse_markdown


@pytest.fixture
def page(fixture_bytes):
    return parse_html(fixture_bytes("page.html"), url="https://example.kz/news/bridge")


def all_text(article):
    return " ".join([article.title] + [b.text for b in article.blocks])


def test_page_article_extracted_with_structure(page):
    assert page.title == "Bridge opens in Astana"
    assert page.byline == "Dana Example"
    assert page.source_format == "html"
    kinds = [b.kind for b in page.blocks]
    assert kinds[0] == "title" and "lead" in kinds and "heading" in kinds and "quote" in kinds
    assert any(b.kind == "heading" and b.text == "Traffic relief" for b in page.blocks)
    assert any(b.kind == "quote" and b.text.startswith("This bridge connects") for b in page.blocks)


def test_page_chrome_and_active_content_never_survive(page):
    text = all_text(page)
    for gone in ("evil", "tracker", "color: red", "Other story", "Subscribe", "Home World"):
        assert gone not in text
    assert "alert" not in text


def test_page_marks_survive_and_javascript_links_are_dropped(page):
    marks = [(b.text[m.start : m.end], m.kind, m.href) for b in page.blocks for m in b.marks]
    assert ("largest", "em", None) in marks
    assert ("steel prices", "strong", None) in marks
    assert ("city report", "link", "https://example.kz/report.pdf") in marks
    assert all(href is None or href.startswith("https://") for _, _, href in marks)
    assert not any(text == "question" and kind == "link" for text, kind, _ in marks)


def test_page_in_cp1251_declared_by_meta_is_not_mojibake():
    html = (
        "<html><head><meta charset='windows-1251'><title>Новый мост</title></head>"
        "<body><h1>Новый мост в Астане</h1><p>Мост открыли в понедельник.</p></body></html>"
    ).encode("cp1251")
    article = parse_html(html)
    assert article.title == "Новый мост в Астане"
    assert article.blocks[1].text == "Мост открыли в понедельник."


@pytest.mark.parametrize(
    "html",
    [
        "<p>unclosed <b>bold <i>italic<p>next paragraph <div>broken</span></table>",
        "<html><body><p>text</p></body></html></html><<<>>>&&&;",
        "<<<<p>>>>Stray brackets and text</p",
    ],
)
def test_broken_html_is_tolerated(html):
    article = parse_html(html)
    assert article.blocks and all("<" not in b.text or "<<" in html for b in article.blocks)


def test_deeply_nested_html_does_not_crash():
    html = "<html><body>" + "<div><span>" * 50_000 + "deep" + "</span></div>" * 50_000
    try:
        parse_html(html + "<p>Shallow paragraph after the deep part.</p></body></html>")
    except IngestError as err:  # libxml2 stops at 256 levels: refused as too deep, with a reason
        assert err.code in ("no_text", "too_deep")


def test_script_only_page_has_no_text():
    with pytest.raises(IngestError) as err:
        parse_html("<html><head><script>alert(1)</script></head><body><script>x()</script>")
    assert err.value.code == "no_text"


@pytest.mark.parametrize("html", ["", "   \n ", b"", b"  \n"])
def test_empty_html(html):
    with pytest.raises(IngestError) as err:
        parse_html(html)
    assert err.value.code == "empty"


def test_markdown_structure_and_marks():
    article = parse_markdown(
        "# Budget *passed*\n\nBy Jane Doe\n\n"
        "The council **approved** the plan, see [the report](https://example.kz/r) "
        "and `code`.\n\n## Reactions\n\n> We are pleased.\n\nLast paragraph."
    )
    assert article.title == "Budget passed"
    assert article.byline == "Jane Doe"
    assert [b.kind for b in article.blocks] == [
        "title",
        "byline",
        "lead",
        "heading",
        "quote",
        "paragraph",
    ]
    lead = article.blocks[2]
    assert lead.text == "The council approved the plan, see the report and code."
    spans = {(lead.text[m.start : m.end], m.kind, m.href) for m in lead.marks}
    assert spans == {
        ("approved", "strong", None),
        ("the report", "link", "https://example.kz/r"),
        ("code", "code", None),
    }


def test_markdown_script_injection_and_javascript_links():
    article = parse_markdown(
        "# Title <script>alert(1)</script>\n\n"
        "Click [here](javascript:alert(1)) or [there](data:text/html,x).\n\n"
        "<script>steal()</script>\n\n<iframe src='https://evil'></iframe>\n\nEnd.",
        title="Given title",
    )
    assert article.title == "Given title"
    text = all_text(article)
    assert "alert" not in text and "steal" not in text and "script" not in text
    assert article.blocks[1].text == "Click here or there."
    assert article.blocks[1].marks == []


def test_markdown_whitespace_only_is_empty():
    with pytest.raises(IngestError) as err:
        parse_markdown(" \n\n  ")
    assert err.value.code == "empty"
