"""Review records: every saved text version, comments, audit trail, memory and glossary."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.db import Base, UTCDateTime, utcnow
from workflow.models.people import User


class SegmentRevision(Base):
    """Every text a person or machine ever saved for a segment: nothing typed is lost."""

    __tablename__ = "segment_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    translation_id: Mapped[int] = mapped_column(
        ForeignKey("segment_translations.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="save")  # machine|save|conflict|confirm
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Comment(Base):
    """A reviewer's or translator's comment on an edition or one of its segments."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    translation_id: Mapped[int | None] = mapped_column(
        ForeignKey("segment_translations.id", ondelete="CASCADE")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditEvent(Base):
    """Who did what to which article or edition, and when."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(64))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("editions.id", ondelete="SET NULL"))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(lazy="joined")


class EditionSnapshot(Base):
    """A frozen copy of an edition's text at submit/approve time: history, diffs, and (for an
    approval) exactly what is published."""

    __tablename__ = "edition_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    segments: Mapped[list[dict]] = mapped_column(JSON, default=list)
    digest: Mapped[str | None] = mapped_column(String(64))  # workflow.approval.content_digest
    rendered: Mapped[dict | None] = mapped_column(JSON)  # headline, body_html, byline, routes
    override_note: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MemoryEntry(Base):
    """An approved source→target segment pair, reused verbatim or offered as a fuzzy match."""

    __tablename__ = "memory_entries"
    __table_args__ = (
        Index("ix_memory_lookup", "source_language", "target_language", "source_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_language: Mapped[str] = mapped_column(String(8))
    target_language: Mapped[str] = mapped_column(String(8))
    source_text: Mapped[str] = mapped_column(Text)
    source_hash: Mapped[str] = mapped_column(String(64))
    target_text: Mapped[str] = mapped_column(Text)
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("editions.id", ondelete="SET NULL"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    retracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # never suggested again
    retracted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    retracted_reason: Mapped[str | None] = mapped_column(Text)


class GlossaryTerm(Base):
    """A do-not-translate term or a forced translation for one language pair."""

    __tablename__ = "glossary_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_language: Mapped[str] = mapped_column(String(8))
    target_language: Mapped[str] = mapped_column(String(8))
    term: Mapped[str] = mapped_column(String(500))
    translation: Mapped[str | None] = mapped_column(String(500))
    case_sensitive: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
