"""Markdown (# heading, > quote, *em*, **strong**, [link](url)) to a structured article."""

from __future__ import annotations

from markdown_it import MarkdownIt

from workflow.ingest.article import IngestError, ParsedArticle
from workflow.ingest.html_page import parse_html_fragment
from workflow.ingest.limits import MAX_TEXT_CHARS

# Raw HTML and every link target go through the renderer so that the sanitising walker, not
# the renderer, decides: <script> & co dropped whole, javascript:/data: links kept as plain text.
_MD = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
_MD.validateLink = lambda url: True  # type: ignore[method-assign]


def parse_markdown(text: str, *, title: str | None = None) -> ParsedArticle:
    """Parse Markdown; the first `# heading` is the headline unless a title is given."""
    if len(text) > MAX_TEXT_CHARS:
        raise IngestError("too_large", f"The text is longer than {MAX_TEXT_CHARS:,} characters.",
                          reason="text", limit=MAX_TEXT_CHARS)
    if not text or not text.strip():
        raise IngestError("empty", "The article text is empty.")
    html = _MD.render(text)
    if not html.strip():
        raise IngestError("no_text", "No article text was found in this Markdown.",
                          reason="markdown")
    return parse_html_fragment(html, title=title, source_format="markdown")
