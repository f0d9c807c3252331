"""Walk sanitised HTML into ordered blocks with inline marks (shared by HTML, Markdown, feeds)."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from workflow.ingest.article import IngestError, MarkKind, ParsedBlock, safe_href
from workflow.ingest.limits import HTML_MAX_CHARS, HTML_MAX_DEPTH
from workflow.ingest.structure import InlineText
from workflow.publishing.render import xml_safe

# Elements whose content is never article text and never survives (active or embedded content).
DROP_TAGS = frozenset(
    "script style iframe frame frameset noscript template object embed applet svg math canvas "
    "form button input select textarea audio video source track base".split()
)
# Kept in the tree for metadata (title, charset, og: tags) but never walked as text.
SKIP_TAGS = frozenset("head title meta link".split())
# Page chrome, dropped only when we fall back to walking the whole page ourselves.
CHROME_TAGS = frozenset("nav header footer aside menu dialog".split())
BLOCK_KINDS = {
    "p": "paragraph",
    "li": "paragraph",
    "dd": "paragraph",
    "dt": "paragraph",
    "pre": "paragraph",
    "address": "paragraph",
    "h1": "title",
    "h2": "heading",
    "h3": "heading",
    "h4": "heading",
    "h5": "heading",
    "h6": "heading",
    "blockquote": "quote",
    "q": "quote",
    "figcaption": "caption",
    "caption": "caption",
}
CONTAINERS = frozenset(
    "html body div section article main ul ol dl table thead tbody tfoot tr td th figure center "
    "details summary hgroup header footer nav aside".split()
)
INLINE_MARKS: dict[str, MarkKind] = {
    "em": "em",
    "i": "em",
    "cite": "em",
    "strong": "strong",
    "b": "strong",
    "code": "code",
    "kbd": "code",
    "samp": "code",
    "tt": "code",
}
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


def load_html(html: str, *, fragment: bool = False) -> lxml.html.HtmlElement:
    """Parse (possibly broken) HTML leniently and remove everything active or embedded."""
    if len(html) > HTML_MAX_CHARS:
        raise IngestError("too_large", "This web page is too large to import.", reason="page")
    html = xml_safe(_XML_DECL.sub("", html, count=1))
    if not html.strip():
        raise IngestError("empty", "The HTML is empty.", reason="html")
    parser = lxml.html.HTMLParser()
    try:
        if fragment:
            root = lxml.html.fragment_fromstring(html, create_parent="div", parser=parser)
        else:
            root = lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise IngestError("malformed", "This HTML could not be read.") from exc
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        # libxml2 stops at 256 nested elements and silently drops the rest of the page
        raise IngestError("too_deep", "This HTML is nested too deeply (over 256 levels) to "
                          "import safely; nothing was stored.")
    strip_active(root)
    return root


def strip_active(root: lxml.html.HtmlElement) -> None:
    """Remove scripts, styles, frames, embeds and comments in place, keeping following text."""
    doomed = [
        el
        for el in root.iter()
        if not isinstance(el.tag, str) or el.tag.lower() in DROP_TAGS and el is not root
    ]
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()


def strip_chrome(root: lxml.html.HtmlElement) -> None:
    """Remove navigation, headers, footers and asides in place."""
    for el in [e for e in root.iter() if isinstance(e.tag, str) and e.tag.lower() in CHROME_TAGS]:
        if el.getparent() is not None:
            el.drop_tree()


class BlockWalker:
    """Depth-limited walk that turns block elements into ParsedBlocks and inline ones into marks."""

    def __init__(self, base_url: str | None = None) -> None:
        self.base_url = base_url
        self.blocks: list[ParsedBlock] = []
        self.warnings: list[str] = []
        self.cur = InlineText()
        self.kind = "paragraph"
        self.seen_title = False

    def walk(self, root: lxml.html.HtmlElement) -> list[ParsedBlock]:
        """All blocks under root, in document order."""
        self._children(root, 0)
        self._flush()
        return self.blocks

    def _flush(self) -> None:
        block = self.cur.build(self.kind)
        self.warnings.extend(self.cur.warnings)
        if block is not None:
            self.blocks.append(block)
        self.cur = InlineText()

    def _children(self, el: lxml.html.HtmlElement, depth: int) -> None:
        self.cur.add(el.text or "")
        for child in el:
            self._visit(child, depth + 1)

    def _href(self, el: lxml.html.HtmlElement) -> str | None:
        href = (el.get("href") or "").strip()
        if href and self.base_url and not re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I):
            href = urljoin(self.base_url, href)
        return safe_href(href)

    def _visit(self, el: lxml.html.HtmlElement, depth: int) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if not tag or tag in DROP_TAGS or tag in SKIP_TAGS:
            self.cur.add(el.tail or "")
            return
        if depth > HTML_MAX_DEPTH:
            self.cur.add(" " + " ".join(el.itertext()) + " ")
        elif tag in BLOCK_KINDS:
            self._block(el, tag, depth)
        elif tag in CONTAINERS:
            self._flush()
            self._children(el, depth)
            self._flush()
        elif tag == "br":
            self.cur.add(" ")
        elif tag in INLINE_MARKS or tag == "a":
            owner, start = self.cur, self.cur.open()
            self._children(el, depth)
            href = self._href(el) if tag == "a" else None
            if owner is self.cur and (tag != "a" or href):
                self.cur.close(start, "link" if tag == "a" else INLINE_MARKS[tag], href)
        else:
            self._children(el, depth)
        self.cur.add(el.tail or "")

    def _block(self, el: lxml.html.HtmlElement, tag: str, depth: int) -> None:
        kind = BLOCK_KINDS[tag]
        if kind == "title":
            kind = "heading" if self.seen_title else "title"
            self.seen_title = True
        if self.kind in ("quote", "caption") and kind == "paragraph":
            kind = self.kind  # <blockquote><p>..</p></blockquote> is a quote
        self._flush()
        outer, self.kind = self.kind, kind
        self._children(el, depth)
        self._flush()
        self.kind = outer


def html_to_blocks(
    root: lxml.html.HtmlElement, *, base_url: str | None = None
) -> tuple[list[ParsedBlock], list[str]]:
    """Blocks and text-hygiene warnings for an already sanitised tree."""
    walker = BlockWalker(base_url)
    return walker.walk(root), list(dict.fromkeys(walker.warnings))
