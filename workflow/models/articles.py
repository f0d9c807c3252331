"""Articles as ordered blocks of sentence segments, and their language editions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from workflow.db import Base, UTCDateTime, utcnow
from workflow.vocabulary import LANGUAGES  # noqa: F401  (re-exported by workflow.models)

BLOCK_KINDS = ("title", "lead", "heading", "paragraph", "quote", "caption", "byline")


def fold_title(title: str | None) -> str:
    """A title (or a search for one) as the dashboard's title search compares it: Unicode
    case-folded in Python, since SQLite's ``lower()`` folds ASCII only (no "Алматы" for
    "алматы") and PostgreSQL's costs more than the scan it filters."""
    return (title or "").casefold()


def _folded_title(context) -> str:  # a column default: Core inserts (ingest, load data) too
    return fold_title(context.get_current_parameters().get("title"))


class Article(Base):
    """One news story as it came in, in its source language."""

    __tablename__ = "articles"
    # the publishing desk's category filter, newest first
    __table_args__ = (Index("ix_articles_category_created_at", "category", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    title_folded: Mapped[str] = mapped_column(Text, default=_folded_title, server_default="")
    source_language: Mapped[str] = mapped_column(String(8))
    language_confidence: Mapped[float] = mapped_column(Float, default=0.0)
    language_overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    byline: Mapped[str | None] = mapped_column(Text)
    photo_credit: Mapped[str | None] = mapped_column(Text)
    source_format: Mapped[str] = mapped_column(String(16), default="text")
    source_url: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(500))
    source_key: Mapped[str] = mapped_column(String(64), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    category: Mapped[str | None] = mapped_column(String(100))
    subjects: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    dateline: Mapped[str | None] = mapped_column(Text)
    copyright_holder: Mapped[str | None] = mapped_column(Text)  # None: the instance default
    copyright_notice: Mapped[str | None] = mapped_column(Text)
    usage_terms: Mapped[str | None] = mapped_column(Text)
    wire_hash: Mapped[str | None] = mapped_column(String(64))  # content hash of the last wire copy
    revision: Mapped[int] = mapped_column(Integer, default=1)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    feed_source_id: Mapped[int | None] = mapped_column(ForeignKey("feed_sources.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    blocks: Mapped[list[Block]] = relationship(
        back_populates="article", order_by="Block.position", cascade="all, delete-orphan"
    )
    segments: Mapped[list[Segment]] = relationship(
        back_populates="article", order_by="Segment.position", cascade="all, delete-orphan"
    )
    editions: Mapped[list[Edition]] = relationship(
        back_populates="article", order_by="Edition.language", cascade="all, delete-orphan"
    )

    @validates("title")
    def _fold_title(self, _key: str, title: str) -> str:
        self.title_folded = fold_title(title)
        return title


class Block(Base):
    """A structural unit of an article (title, lead, heading, paragraph, quote, caption, byline)."""

    __tablename__ = "blocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    marks: Mapped[list[dict]] = mapped_column(JSON, default=list)
    language: Mapped[str | None] = mapped_column(String(8))
    language_confidence: Mapped[float] = mapped_column(Float, default=0.0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    article: Mapped[Article] = relationship(back_populates="blocks")
    segments: Mapped[list[Segment]] = relationship(
        back_populates="block", order_by="Segment.position"
    )


class Segment(Base):
    """One source sentence: the unit of machine translation, memory and review."""

    __tablename__ = "segments"
    __table_args__ = (UniqueConstraint("article_id", "sid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    block_id: Mapped[int] = mapped_column(ForeignKey("blocks.id", ondelete="CASCADE"), index=True)
    sid: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer)
    start_offset: Mapped[int] = mapped_column(Integer, default=0)
    end_offset: Mapped[int] = mapped_column(Integer, default=0)
    source_text: Mapped[str] = mapped_column(Text)
    source_hash: Mapped[str] = mapped_column(String(64), index=True)
    marks: Mapped[list[dict]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    article: Mapped[Article] = relationship(back_populates="segments")
    block: Mapped[Block] = relationship(back_populates="segments")


class Edition(Base):
    """One language version of an article: the source edition or a translation."""

    __tablename__ = "editions"
    __table_args__ = (
        UniqueConstraint("article_id", "language"),
        # the publishing desk's "has an edition in these states (and language)" probe, answered
        # from the index alone
        Index("ix_editions_article_state", "article_id", "state", "language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(8))
    is_source: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(24), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    override_note: Mapped[str | None] = mapped_column(Text)
    # Credits are metadata, never machine-translated: the edition's own (a transliterated name
    # is the translator's decision), else the article's.
    byline: Mapped[str | None] = mapped_column(Text)
    photo_credit: Mapped[str | None] = mapped_column(Text)
    approved_snapshot_id: Mapped[int | None] = mapped_column(Integer)  # the frozen approval
    returned_reason: Mapped[str | None] = mapped_column(String(32))  # why it left a decision
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    needs_correction_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    needs_correction_note: Mapped[str | None] = mapped_column(Text)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    article: Mapped[Article] = relationship(back_populates="editions")
    translations: Mapped[list[SegmentTranslation]] = relationship(
        back_populates="edition", cascade="all, delete-orphan"
    )


class SegmentTranslation(Base):
    """The target text of one segment in one edition: machine output plus the human's text."""

    __tablename__ = "segment_translations"
    __table_args__ = (UniqueConstraint("edition_id", "segment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    segment_id: Mapped[int] = mapped_column(
        ForeignKey("segments.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(24), default="pending")
    machine_text: Mapped[str | None] = mapped_column(Text)
    machine_origin: Mapped[str | None] = mapped_column(String(16))
    machine_route: Mapped[dict | None] = mapped_column(JSON)
    machine_source_hash: Mapped[str | None] = mapped_column(String(64))
    machine_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # mean log-probability per token the model gave its output (translations/confidence.py)
    machine_confidence: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=0)
    checks: Mapped[list[dict]] = mapped_column(JSON, default=list)
    suggestions: Mapped[list[dict]] = mapped_column(JSON, default=list)
    previous_source_text: Mapped[str | None] = mapped_column(Text)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    time_spent_ms: Mapped[int] = mapped_column(Integer, default=0)

    edition: Mapped[Edition] = relationship(back_populates="translations")
    segment: Mapped[Segment] = relationship()
