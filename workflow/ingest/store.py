"""Input as drafts and blocks: parsing a body, the ingest result, storing one block.

Shared by the ingest service, source edits and wire updates (it imports none of them, so they
import it without a cycle).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from workflow.errors import InvalidInput
from workflow.ingest.article import IngestError, ParsedArticle
from workflow.ingest.language import block_language
from workflow.ingest.limits import MAX_TITLE_CHARS
from workflow.ingest.parse import detect_pasted_format, parse_html, parse_markdown, parse_text
from workflow.ingest.segments import BlockDraft
from workflow.models import Article, Block, Segment, TranslationJob

FORMATS = ("auto", "text", "markdown", "html")
_UNTRANSLATED_KINDS = ("title", "byline", "caption")  # an article needs more than these


@dataclass
class IngestResult:
    """The stored (or already existing) article, its new jobs and what the editor should check."""

    article: Article
    duplicate_of: int | None = None
    jobs: list[TranslationJob] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    updated: bool = False  # a wire update of an article already stored under its external id

    @property
    def is_duplicate(self) -> bool:
        """True when nothing was stored because the article was already there."""
        return self.duplicate_of is not None


def rejected(exc: IngestError) -> InvalidInput:
    """A parser's IngestError as the DomainError the web, CLI and tasks layers handle."""
    error = InvalidInput(exc.message, code=exc.code)
    error.detail = dict(exc.detail)  # the reason and figures the desk's message names
    if exc.code == "too_large":
        error.status = 413
    return error


def _parsed(parse: Callable[..., ParsedArticle], *args: object, **kwargs: object) -> ParsedArticle:
    try:
        return parse(*args, **kwargs)
    except IngestError as exc:
        raise rejected(exc) from None


def _clean_title(title: str | None) -> str | None:
    if title is None:
        return None
    if not isinstance(title, str):
        raise InvalidInput("The title must be text.", code="invalid_title")
    title = " ".join(title.split())
    if len(title) > MAX_TITLE_CHARS:
        raise InvalidInput(f"The title is longer than {MAX_TITLE_CHARS} characters.",
                           code="title_too_long", limit=MAX_TITLE_CHARS)
    return title or None


def add_block(session: Session, article: Article, draft: BlockDraft, position: int,
              next_sid: int, first_segment_position: int) -> tuple[Block, list[Segment]]:
    """Store one block and its segments; sids continue from ``next_sid``."""
    language, confidence = block_language(draft.text)
    block = Block(article=article, position=position, kind=draft.kind, text=draft.text,
                  marks=draft.marks_json, language=language, language_confidence=confidence)
    session.add(block)
    segments = []
    for offset, seg in enumerate(draft.segments):
        segment = Segment(article=article, block=block, sid=f"s{next_sid + offset}",
                          position=first_segment_position + offset, start_offset=seg.start,
                          end_offset=seg.end, source_text=seg.source_text,
                          source_hash=seg.source_hash, marks=seg.marks)
        session.add(segment)
        segments.append(segment)
    return block, segments


def require_text(drafts: list[BlockDraft]) -> None:
    if not any(d.kind not in _UNTRANSLATED_KINDS for d in drafts):
        raise InvalidInput("No article text was found in this input.", code="no_text")


def parse_body(body: str, fmt: str = "auto", *, title: str | None = None,
               url: str | None = None) -> ParsedArticle:
    """Parse a pasted or posted body in ``fmt`` (auto, text, markdown, html) without storing
    anything; ``auto`` detects the format, and HTML pasted as text is read as HTML."""
    if not isinstance(body, str):
        raise InvalidInput("The body must be text.", code="invalid_body")
    if fmt not in FORMATS:
        raise InvalidInput(f"Format must be one of {', '.join(FORMATS)}.", code="invalid_format")
    title = _clean_title(title)
    detected = detect_pasted_format(body)
    if fmt == "auto" or (fmt == "text" and detected == "html"):
        # an HTML document is never stored with its tags as text, whatever the paste claimed
        fmt = detected
    if fmt == "markdown":
        return _parsed(parse_markdown, body, title=title)
    if fmt == "html":
        if not body.strip():
            raise InvalidInput("The article text is empty.", code="empty")
        return _parsed(parse_html, body, url=url, title=title)
    return _parsed(parse_text, body, title=title)
