"""Ingest service: every way in (form, upload, API, CLI, feeds) lands in ``ingest``.

It cleans, detects the language, segments, stores the article with its blocks and segments,
reports re-submissions as duplicates and creates the translation jobs. The caller commits once,
and the jobs' wake-ups go out after that commit; on any error nothing has been added.
Changing an article's source afterwards is ``workflow.ingest.source_edit.update_source``.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Table, false, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from workflow.errors import Conflict, InvalidInput
from workflow.ingest.article import ParsedArticle, safe_href
from workflow.ingest.language import NAMES, block_language, choose_language
from workflow.ingest.limits import MAX_UPLOAD_BYTES
from workflow.ingest.parse import parse_upload
from workflow.ingest.segments import clean_blocks, content_hash, segment_blocks
from workflow.ingest.store import (  # noqa: F401  (FORMATS, IngestResult, parse_body: its API)
    FORMATS,
    IngestResult,
    _clean_title,
    _parsed,
    add_block,
    parse_body,
    rejected,
    require_text,
)
from workflow.jobs.queue import create_jobs, parse_targets
from workflow.metadata import ArticleMetadata
from workflow.models import Article, Block, User
from workflow.permissions import Action, require
from workflow.vocabulary import PRIORITIES

MAX_EXTERNAL_ID = 500



def _clean_url(url: str | None) -> str | None:
    if url is None or not str(url).strip():
        return None
    safe = safe_href(str(url))
    if safe is None or not safe.lower().startswith(("http://", "https://")):
        raise InvalidInput("The source URL must be an http(s) address.", code="invalid_url")
    return safe.split("#", 1)[0]


def _clean_external_id(external_id: str | None) -> str | None:
    if external_id is None:
        return None
    external_id = str(external_id).strip()
    if len(external_id) > MAX_EXTERNAL_ID:
        raise InvalidInput(f"The external id is longer than {MAX_EXTERNAL_ID} characters.",
                           code="invalid_external_id")
    return external_id or None


def _source_key(source: str, external_id: str | None, url: str | None,
                digest: str | None = None) -> str:
    """The unique identity column: source+external id, else URL, else content, else random."""
    if external_id:
        raw = f"external\n{source}\n{external_id}"
    elif url:
        raw = f"url\n{url}"
    elif digest:  # pasted text: a simultaneous second paste of it must hit the unique key
        raw = f"content\n{digest}"
    else:
        raw = f"paste\n{uuid.uuid4().hex}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def find_duplicate(session: Session, *, source: str, external_id: str | None = None,
                   source_url: str | None = None, digest: str | None = None) -> Article | None:
    """The article already stored under the same source+external id, URL or content."""
    if external_id:
        found = session.scalar(select(Article).where(
            Article.source_key == _source_key(source, external_id, None)))
        if found is not None:
            return found
    if source_url:
        found = session.scalar(select(Article).where(Article.source_url == source_url)
                               .order_by(Article.id).limit(1))
        if found is not None:
            return found
    if digest:
        return session.scalar(select(Article).where(Article.content_hash == digest)
                              .order_by(Article.id).limit(1))
    return None


def _one_at_a_time(session: Session, digest: str) -> None:
    """Make a simultaneous submission of the same words wait until this transaction ends.

    Its duplicate check then finds this article whatever its source key says: a paste and an API
    post with an external id, or two feeds carrying one wire story, would otherwise both pass
    the check and store the text twice (the unique source key only catches equal keys).
    PostgreSQL: a transaction-scoped advisory lock on the content hash. SQLite: the database's
    write lock, taken now by a write that changes nothing (SQLite lets one writer in at a time
    anyway; this takes the lock just before the check instead of at the first insert). Taken
    after the text is parsed and segmented, so the wait covers only the checks and inserts.
    """
    if session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(bytes.fromhex(digest[:16]), "big", signed=True)
        session.execute(select(func.pg_advisory_xact_lock(key)))
    else:
        table = cast(Table, Article.__table__)
        session.execute(update(table).where(false()).values(id=table.c.id))


def _insert_article(session: Session, **values: object) -> Article | None:
    """Insert the article row, or nothing (None) when its source_key is already committed.

    ON CONFLICT DO NOTHING waits for a concurrent transaction holding the key and then writes
    nothing, so the loser has nothing to roll back. (A SAVEPOINT around a plain INSERT would not
    do: on pysqlite, releasing it can commit the caller's transaction early.)
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (insert(Article).values(**values)
                 .on_conflict_do_nothing(index_elements=[Article.source_key])
                 .returning(Article))
    return session.scalars(statement).first()


def _claim(session: Session, source_key: str, digest: str,
           **values: object) -> tuple[Article, bool]:
    """The new article row (True), or the one a simultaneous submission stored first (False).

    Both submissions may pass ``find_duplicate`` before either commits; the unique source_key
    decides which one stores the article.
    """
    article = _insert_article(session, source_key=source_key, content_hash=digest, **values)
    if article is not None:
        return article, True
    holder = session.scalar(select(Article).where(Article.source_key == source_key))
    if holder is None:  # the winner's row vanished again in between: let the caller retry
        raise Conflict("The same article is being stored right now; try again.",
                       code="ingest_busy")
    pasted = values.get("external_id") is None and values.get("source_url") is None
    if pasted and holder.content_hash != digest:
        # The key of pasted text whose article was edited since: this text is new after all.
        article = _insert_article(session, source_key=_source_key("", None, None),
                                  content_hash=digest, **values)
        if article is not None:
            return article, True
    return holder, False


def _language_warnings(article: Article, blocks: Iterable[Block]) -> list[str]:
    """Blocks confidently written in another language than the article's."""
    notes = []
    for block in blocks:
        if (block.language and block.language != article.source_language
                and block.language_confidence >= 0.9 and len(block.text) >= 40):
            notes.append(f"Block {block.position + 1} ({block.kind}) looks like "
                         f"{NAMES[block.language]}, not {NAMES[article.source_language]}.")
    return notes


def _known_or_new(session: Session, existing: Article, parsed: ParsedArticle, digest: str, *,
                  source: str, external_id: str | None, priority: str | None,
                  metadata: ArticleMetadata | None, user_id: int | None) -> IngestResult:
    """The answer for an input that is already stored: a duplicate, or a wire update."""
    from workflow.ingest.wire import apply_wire_update

    same_story = external_id is not None and existing.source_key == _source_key(
        source, external_id, None)
    if not same_story:
        return IngestResult(existing, existing.id, [], [])
    return apply_wire_update(session, existing, parsed, digest, priority=priority,
                             metadata=metadata, user_id=user_id)


def ingest(session: Session, parsed: ParsedArticle, *, source: str, source_url: str | None = None,
           external_id: str | None = None, language: str | None = None,
           targets: Iterable[str] | str | None = None, priority: str | None = None,
           user_id: int | None = None, feed_source_id: int | None = None,
           metadata: ArticleMetadata | None = None) -> IngestResult:
    """Store a parsed article with blocks, segments and translation jobs.

    Input already stored is reported as a duplicate, except a changed copy under a known
    external id (API) or feed guid: that is a wire update of the same article (see ``wire``).
    ``priority`` None means "normal" for a new article and "unchanged" for an update.
    ``user_id`` (the form's or an API key's person) must hold ``ingest``; None is the system
    (feeds, the CLI's operator, the demo).
    """
    if user_id is not None:
        require(session.get(User, user_id), Action.INGEST)
    if priority is not None and priority not in PRIORITIES:
        raise InvalidInput(f"Priority must be one of {', '.join(PRIORITIES)}.", code="bad_priority")
    source_url = _clean_url(source_url)
    external_id = _clean_external_id(external_id)
    parse_targets("", targets)  # unknown codes are refused even for a re-submission
    drafts, hygiene = clean_blocks(parsed)
    require_text(drafts)
    digest = content_hash(parsed.title, drafts)

    def known(existing: Article) -> IngestResult:
        return _known_or_new(session, existing, parsed, digest, source=source,
                             external_id=external_id, priority=priority, metadata=metadata,
                             user_id=user_id)

    existing = find_duplicate(session, source=source, external_id=external_id,
                              source_url=source_url, digest=digest)
    if existing is not None:
        return known(existing)
    choice = choose_language(parsed.title, drafts, language)  # type: ignore[arg-type]
    wanted = parse_targets(choice.language, targets)
    segment_blocks(drafts, choice.language)
    _one_at_a_time(session, digest)
    existing = find_duplicate(session, source=source, external_id=external_id,
                              source_url=source_url, digest=digest)  # again, now others wait
    if existing is not None:
        return known(existing)
    article, stored = _claim(
        session, _source_key(source, external_id, source_url, digest), digest,
        title=parsed.title, source_language=choice.language,
        language_confidence=round(choice.confidence, 4), language_overridden=choice.overridden,
        byline=parsed.byline, photo_credit=parsed.photo_credit,
        source_format=parsed.source_format, source_url=source_url, external_id=external_id,
        priority=priority or "normal", created_by_id=user_id, feed_source_id=feed_source_id,
        wire_hash=digest if external_id else None,
    )
    if not stored:
        return known(article)
    if metadata is not None:
        metadata.apply(article)
    blocks = []
    next_sid, position = 1, 0
    for index, draft in enumerate(drafts):
        block, segments = add_block(session, article, draft, index, next_sid, position)
        blocks.append(block)
        next_sid += len(segments)
        position += len(segments)
    article.warnings = list(dict.fromkeys(
        list(parsed.warnings) + hygiene + _language_warnings(article, blocks)))
    session.flush()
    jobs = create_jobs(session, article, wanted, priority or "normal")
    return IngestResult(article, None, jobs, list(article.warnings))


def ingest_body(session: Session, body: str, fmt: str = "text", *, title: str | None = None,
                source: str, **options: object) -> IngestResult:
    """Parse ``body`` in ``fmt`` and ingest it (the form and the API)."""
    parsed = parse_body(body, fmt, title=title, url=options.get("source_url"))  # type: ignore[arg-type]
    return ingest(session, parsed, source=source, **options)  # type: ignore[arg-type]


def ingest_text(session: Session, text: str, *, source: str, title: str | None = None,
                **options: object) -> IngestResult:
    """Ingest pasted plain text (headline first, blank-line paragraphs)."""
    return ingest_body(session, text, "text", title=title, source=source, **options)


def ingest_markdown(session: Session, text: str, *, source: str, title: str | None = None,
                    **options: object) -> IngestResult:
    """Ingest Markdown."""
    return ingest_body(session, text, "markdown", title=title, source=source, **options)


def ingest_html(session: Session, html: str, *, source: str, title: str | None = None,
                **options: object) -> IngestResult:
    """Ingest a whole web page (the article is extracted, scripts and chrome dropped)."""
    return ingest_body(session, html, "html", title=title, source=source, **options)


def parse_file(filename: str, data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES) -> ParsedArticle:
    """Parse an uploaded file (.txt .md .html .docx) without storing anything."""
    return _parsed(parse_upload, filename, data, max_bytes=max_bytes)


def ingest_upload(session: Session, filename: str, data: bytes, *, source: str,
                  max_bytes: int = MAX_UPLOAD_BYTES, **options: object) -> IngestResult:
    """Ingest an uploaded file."""
    parsed = parse_file(filename, data, max_bytes=max_bytes)
    return ingest(session, parsed, source=source, **options)  # type: ignore[arg-type]


def preview(parsed: ParsedArticle, language: str | None = None) -> dict[str, Any]:
    """What ingest would store, without storing: blocks, language and confidence, removed lines."""
    drafts, hygiene = clean_blocks(parsed)
    require_text(drafts)
    result: dict[str, Any] = {"title": parsed.title, "byline": parsed.byline,
                    "photo_credit": parsed.photo_credit, "removed": list(parsed.removed),
                    "warnings": list(dict.fromkeys(list(parsed.warnings) + hygiene)),
                    "language": None, "language_confidence": None, "language_error": None}
    try:
        choice = choose_language(parsed.title, drafts, language)  # type: ignore[arg-type]
    except InvalidInput as exc:
        result["language_error"] = {"code": exc.code, "message": exc.message,
                                    "detail": dict(exc.detail)}
        segment_language = None
    else:
        result["language"] = choice.language
        result["language_confidence"] = round(choice.confidence, 4)
        segment_language = choice.language
        segment_blocks(drafts, choice.language)
    blocks = []
    for draft in drafts:
        lang, confidence = block_language(draft.text)
        blocks.append({"kind": draft.kind, "text": draft.text, "language": lang,
                       "language_confidence": confidence,
                       "segments": len(draft.segments) if segment_language else None})
    result["blocks"] = blocks
    return result

__all__ = [
    "FORMATS",
    "IngestResult",
    "find_duplicate",
    "ingest",
    "ingest_body",
    "ingest_html",
    "ingest_markdown",
    "ingest_text",
    "ingest_upload",
    "parse_body",
    "parse_file",
    "preview",
    "rejected",
]
