"""Property tests: any input either parses or raises IngestError, never anything else."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from workflow.ingest.feeds import parse_feed
from workflow.ingest.parse import IngestError, parse_html, parse_markdown, parse_text, parse_upload

TAGS = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<b>",
        "<a href='javascript:x'>",
        "</a>",
        "<script>",
        "<h1>",
        "<blockquote>",
        "<i>",
        "<br>",
        "&amp;",
        "«",
        "”",
        "\n\n",
        " ",
    ]
)
MARKUPISH = st.lists(st.one_of(TAGS, st.text(max_size=20)), max_size=40).map("".join)


def _ok_or_ingest_error(fn, *args):
    try:
        article = fn(*args)
    except IngestError as err:
        assert err.code and err.message
        return
    assert article.title and article.blocks[0].kind == "title"
    for block in article.blocks:
        assert block.text == block.text.strip() and block.text
        for mark in block.marks:
            assert 0 <= mark.start < mark.end <= len(block.text)
            assert mark.href is None or mark.href.startswith(("http://", "https://", "mailto:"))
        # block text is plain text, escaped wherever it is shown: a Markdown code span or an
        # indented code block may legitimately read "<script>"; HTML input never keeps the tag
        assert "<script" not in block.text.lower() or fn is not parse_html


@settings(max_examples=150, deadline=None)
@given(MARKUPISH)
def test_any_text_markdown_or_html(text):
    _ok_or_ingest_error(parse_text, text)
    _ok_or_ingest_error(parse_markdown, text)
    _ok_or_ingest_error(parse_html, text)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(["a.txt", "a.md", "a.html", "a.docx", "a"]))
def test_any_bytes_upload(data, name):
    _ok_or_ingest_error(parse_upload, name, data)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_feed(data):
    try:
        parse_feed(data)
    except IngestError as err:
        assert err.code


def test_markdown_drops_raw_script_but_keeps_code_literally():
    article = parse_markdown("Title\n\n<script>alert(1)</script>\n\nInline <script>alert(2)"
                             "</script> and `<script>` code.")
    texts = [b.text for b in article.blocks]
    assert not any("alert" in t for t in texts)
    assert "Inline and <script> code." in texts
    assert [b.kind for b in article.blocks].count("title") == 1
    assert texts.count("Title") == 1  # the headline is not repeated as the lead
