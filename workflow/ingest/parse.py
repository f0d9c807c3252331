"""One entry point per way in (paste, Markdown, HTML page, .docx, file upload) and their types."""

from __future__ import annotations

import os
import re

from workflow.ingest.article import IngestError, Mark, ParsedArticle, ParsedBlock
from workflow.ingest.decoding import decode_bytes, looks_binary
from workflow.ingest.docx_file import parse_docx
from workflow.ingest.html_page import decode_html, parse_html
from workflow.ingest.limits import MAX_UPLOAD_BYTES
from workflow.ingest.markdown_text import parse_markdown
from workflow.ingest.paste import parse_text

__all__ = [
    "IngestError",
    "Mark",
    "ParsedArticle",
    "ParsedBlock",
    "SUPPORTED_EXTENSIONS",
    "parse_docx",
    "parse_html",
    "parse_markdown",
    "parse_text",
    "parse_upload",
]

SUPPORTED_EXTENSIONS = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".docx")
_ZIP_MAGIC = b"PK\x03\x04"


def _sniff(data: bytes) -> str:
    """Format guessed from content alone: docx, html or text."""
    if data.startswith(_ZIP_MAGIC):
        return "docx"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head:
        return "html"
    return "text"


_MARKDOWN_HINTS = re.compile(r"^(#{1,6} \S|> \S|[-*] \S.*\n[-*] \S)|\]\(https?://|^\*\*\S",
                             re.MULTILINE)


def detect_pasted_format(text: str) -> str:
    """What a paste is: an HTML document ("html"), Markdown ("markdown") or plain "text"."""
    if _sniff(text[:2048].encode("utf-8", "replace")) == "html":
        return "html"
    return "markdown" if _MARKDOWN_HINTS.search(text[:20000]) else "text"


def parse_upload(filename: str, data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES) -> ParsedArticle:
    """Parse an uploaded file, choosing the parser from its extension checked against its bytes."""
    if not data:
        raise IngestError("empty", f"{filename or 'The file'} is empty.", reason="file",
                          filename=filename or "")
    if len(data) > max_bytes:
        limit = f"{max_bytes / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
        raise IngestError("too_large", f"The file is larger than the {limit} limit.",
                          reason="file", limit=max_bytes)
    ext = os.path.splitext(filename or "")[1].lower()
    sniffed = _sniff(data)
    if ext and ext not in SUPPORTED_EXTENSIONS:
        supported = ", ".join(SUPPORTED_EXTENSIONS)
        raise IngestError("unsupported_format", f"{ext} files are not supported; use {supported}.",
                          extension=ext, supported=supported)
    if ext == ".docx" or (not ext and sniffed == "docx"):
        return parse_docx(data)
    if sniffed == "docx" or looks_binary(data):
        raise IngestError("binary", "This file looks like binary data, not text.")
    if ext in (".html", ".htm") or (not ext and sniffed == "html"):
        return parse_html(decode_html(data))
    text = decode_bytes(data)
    if not text.strip():
        raise IngestError("empty", f"{filename or 'The file'} contains only whitespace.",
                          reason="whitespace", filename=filename or "")
    if ext in (".md", ".markdown"):
        return parse_markdown(text)
    return parse_text(text)
