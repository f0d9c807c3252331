"""Ingest: messy inputs (paste, Markdown, web page, .docx, feeds) parsed into articles."""

from __future__ import annotations

from workflow.ingest.article import IngestError, Mark, ParsedArticle, ParsedBlock
from workflow.ingest.feeds import FeedEntry, FeedError, entry_to_article, parse_feed
from workflow.ingest.parse import (
    parse_docx,
    parse_html,
    parse_markdown,
    parse_text,
    parse_upload,
)

__all__ = [
    "FeedEntry",
    "FeedError",
    "IngestError",
    "Mark",
    "ParsedArticle",
    "ParsedBlock",
    "entry_to_article",
    "parse_docx",
    "parse_feed",
    "parse_html",
    "parse_markdown",
    "parse_text",
    "parse_upload",
]
