"""Turn an edition into what partners receive: headline, sanitised body HTML with the article's
block structure and inline marks, byline, and the machine-translation route it went through."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import nh3
from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.models import Block, Edition, Segment, SegmentTranslation

ALLOWED_TAGS = {"p", "h2", "blockquote", "em", "strong", "a", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "p": {"class"}}
URL_SCHEMES = {"http", "https", "mailto"}
INLINE_TAG = re.compile(r"<(/?)(\d+)(/?)>")
MARK_TAGS = {"em": "em", "strong": "strong", "code": "code", "link": "a", "b": "strong", "i": "em"}
BODY_KINDS = {"lead", "heading", "paragraph", "quote", "caption"}


@dataclass(frozen=True)
class RenderedEdition:
    """An edition ready to publish."""

    headline: str
    body_html: str
    byline: str | None
    routes: tuple[str, ...]  # distinct route labels, e.g. "en→kk via translate-en_kk 1.0"
    warnings: tuple[str, ...] = ()  # repairs the editor should see on the publishing desk

    @property
    def route_label(self) -> str | None:
        """All routes joined, or None for a source edition or human-only text."""
        return "; ".join(self.routes) or None


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry (and DEL): for parsers and feeds."""
    return _XML_ILLEGAL.sub("", text)


def sanitise(fragment: str) -> str:
    """Keep only the small set of tags a news body needs; links get rel=noopener noreferrer."""
    return nh3.clean(fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="noopener noreferrer",
                     strip_comments=True)


def inline_html(text: str, marks: list[dict]) -> str:
    """Escape ``text`` and turn numbered inline tags (``<1>…</1>``) into HTML using ``marks``."""
    out: list[str] = []
    open_tags: list[str] = []
    cursor = 0
    for match in INLINE_TAG.finditer(text):
        out.append(html.escape(text[cursor:match.start()], quote=False))
        cursor = match.end()
        closing, number, self_closing = match.group(1), int(match.group(2)), match.group(3)
        mark = marks[number - 1] if 0 < number <= len(marks) else {}
        tag = MARK_TAGS.get(str(mark.get("kind", "")))
        if tag is None or self_closing:
            continue  # unknown or empty mark: drop the tag, keep the words
        if closing:
            if tag in open_tags:
                while open_tags:
                    last = open_tags.pop()
                    out.append(f"</{last}>")
                    if last == tag:
                        break
            continue
        if tag == "a":
            href = str(mark.get("href") or "")
            out.append(f'<a href="{html.escape(href, quote=True)}">')
        else:
            out.append(f"<{tag}>")
        open_tags.append(tag)
    out.append(html.escape(text[cursor:], quote=False))
    out.extend(f"</{tag}>" for tag in reversed(open_tags))
    return "".join(out)


def _block_html(kind: str, inner: str) -> str:
    if kind == "heading":
        return f"<h2>{inner}</h2>"
    if kind == "quote":
        return f"<blockquote><p>{inner}</p></blockquote>"
    if kind == "caption":  # no image travels with the text: a figure would be empty
        return f'<p class="caption">{inner}</p>'
    if kind == "lead":
        return f'<p class="lead">{inner}</p>'
    return f"<p>{inner}</p>"


def _text_only(fragment: str) -> str:
    return html.unescape(nh3.clean(fragment, tags=set())).strip()


def render_edition(session: Session, edition: Edition) -> RenderedEdition:
    """Render ``edition``'s current rows block by block: human text first, machine text if a
    segment has none. Publishing uses what this returned at approval (workflow.approval)."""
    article = edition.article
    rows = session.execute(
        select(Segment, Block)
        .join(Block, Segment.block_id == Block.id)
        .where(Segment.article_id == article.id, Segment.active.is_(True), Block.active.is_(True))
        .order_by(Block.position, Segment.position)
    ).all()
    texts: dict[int, SegmentTranslation] = {}
    if not edition.is_source:
        texts = {
            t.segment_id: t
            for t in session.scalars(
                select(SegmentTranslation).where(SegmentTranslation.edition_id == edition.id)
            )
        }
    blocks: list[tuple[Block, list[str]]] = []
    routes: list[str] = []
    for segment, block in rows:
        if block.kind == "byline":
            continue  # credits are the edition's metadata, not body text
        text = segment.source_text
        if not edition.is_source:
            translation = texts.get(segment.id)
            text = (translation.text or translation.machine_text or "") if translation else ""
            label = ((translation.machine_route or {}).get("label") if translation else None)
            if label and label not in routes:
                routes.append(label)
        piece = inline_html(text, list(segment.marks or []))
        if blocks and blocks[-1][0].id == block.id:
            blocks[-1][1].append(piece)
        else:
            blocks.append((block, [piece]))
    headline, body = "", []
    for block, pieces in blocks:
        inner = " ".join(p for p in pieces if p)
        if block.kind == "title":
            headline = headline or _text_only(inner)
        elif block.kind in BODY_KINDS and inner:
            body.append(_block_html(block.kind, inner))
    headline, warnings = _feed_headline(
        headline, edition.title or article.title, article.title, article.id)
    return RenderedEdition(
        headline=headline,
        body_html=sanitise("\n".join(body)),
        byline=edition.byline or article.byline,  # metadata: never a translated segment
        routes=tuple(routes),
        warnings=warnings,
    )


def _feed_headline(rendered: str, title: str | None, source_title: str | None,
                   article_id: int) -> tuple[str, tuple[str, ...]]:
    """A headline every feed format accepts (never empty), and a warning when it was repaired.

    Feed writers refuse an item without a title (feedgen: "Required fields not set"), which
    would fail the whole feed for every partner; a title typed as ``<1>`` renders to nothing
    because ``<1>`` reads as an inline-mark tag.
    """
    rendered = xml_safe(rendered).strip()
    if rendered:
        return rendered, ()
    for candidate in (INLINE_TAG.sub("", title or ""), title, source_title):
        candidate = xml_safe(candidate or "").strip()
        if candidate:
            return candidate, (f"The headline had no text once markup was removed; partners "
                               f"get the title as typed: {candidate[:200]!r}.",)
    fallback = f"Article {article_id}"
    return fallback, (f"The headline is empty; partners get {fallback!r} until it is corrected.",)
