"""A whole web page (or an HTML fragment) to a structured article, via trafilatura."""

from __future__ import annotations

import codecs
import copy
import re

import lxml.html
import trafilatura

from workflow.ingest.article import IngestError, ParsedArticle, ParsedBlock
from workflow.ingest.decoding import decode_bytes, looks_binary
from workflow.ingest.html_blocks import html_to_blocks, load_html, strip_chrome
from workflow.ingest.structure import finish_article

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def decode_html(data: bytes) -> str:
    """Decode page bytes: UTF-8, else the page's declared <meta charset>, else detection."""
    if looks_binary(data):
        raise IngestError("binary", "This file looks like binary data, not a web page.",
                          reason="page")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    m = _META_CHARSET.search(data[:4096])
    if m:
        try:
            codec = codecs.lookup(m.group(1).decode("ascii"))
        except LookupError:
            codec = None
        if codec is not None and codec.name not in ("utf-8", "utf-16"):
            return data.decode(codec.name, errors="replace")
    return decode_bytes(data)


def _page_title(doc: lxml.html.HtmlElement) -> str | None:
    """og:title, else <title>, from the sanitised page."""
    for meta in doc.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").lower()
        if key in ("og:title", "twitter:title"):
            content = " ".join((meta.get("content") or "").split())
            if content:
                return content
    titles = doc.findall(".//title")
    text = " ".join(titles[0].text_content().split()) if titles else ""
    return text or None


def _extract(doc: lxml.html.HtmlElement, url: str | None) -> lxml.html.HtmlElement | None:
    """The article body as trafilatura sees it, structure and inline formatting kept."""
    try:
        out = trafilatura.extract(
            copy.deepcopy(doc),
            url=url,
            output_format="html",
            include_formatting=True,
            include_links=True,
            include_images=False,
            include_tables=True,
            include_comments=False,
            favor_recall=True,
        )
    except Exception:  # trafilatura on hostile input; the caller falls back to our own walk
        return None
    if not out:
        return None
    return load_html(out)


def parse_html(
    html: str | bytes, *, url: str | None = None, title: str | None = None
) -> ParsedArticle:
    """Parse a whole web page: extract the article, drop scripts and page chrome."""
    if isinstance(html, bytes):
        if not html.strip():
            raise IngestError("empty", "The HTML file is empty.", reason="html_file")
        html = decode_html(html)
    doc = load_html(html)
    warnings: list[str] = []
    byline = None
    try:
        metadata = trafilatura.extract_metadata(copy.deepcopy(doc), default_url=url)
    except Exception:  # metadata is a nicety; a page trafilatura chokes on still imports
        metadata = None
    if metadata is not None and metadata.author:
        byline = metadata.author
    extracted = _extract(doc, url)
    blocks: list[ParsedBlock] = []
    if extracted is not None:
        blocks, warnings = html_to_blocks(extracted, base_url=url)
    if not any(b.kind != "title" for b in blocks):
        strip_chrome(doc)
        blocks, warnings = html_to_blocks(doc.body if doc.find("body") is not None else doc)
        if blocks:
            warnings.append("The article could not be told apart from the page; check the text.")
    if title is None and not any(b.kind == "title" for b in blocks):
        title = (metadata.title if metadata is not None else None) or _page_title(doc)
    return finish_article(
        title=title, blocks=blocks, source_format="html", byline=byline, warnings=warnings
    )


def parse_html_fragment(
    html: str,
    *,
    title: str | None = None,
    source_format: str = "html",
    byline: str | None = None,
    base_url: str | None = None,
) -> ParsedArticle:
    """Parse an HTML fragment (rendered Markdown, a feed entry's content) without extraction."""
    root = load_html(html, fragment=True)
    blocks, warnings = html_to_blocks(root, base_url=base_url)
    return finish_article(
        title=title, blocks=blocks, source_format=source_format, byline=byline, warnings=warnings
    )
