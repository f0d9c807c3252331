"""Translation jobs (the database row is the job) and their claims, plus polled feed sources."""

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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.db import Base, UTCDateTime, utcnow
from workflow.models.articles import Article, Edition


class TranslationJob(Base):
    """Machine translation of one article into one target language."""

    __tablename__ = "translation_jobs"
    __table_args__ = (
        UniqueConstraint("article_id", "target_language"),
        Index("ix_translation_jobs_state_priority", "state", "priority"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    source_language: Mapped[str] = mapped_column(String(8))
    target_language: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(24), index=True)
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    route: Mapped[dict | None] = mapped_column(JSON)
    segments_done: Mapped[int] = mapped_column(Integer, default=0)
    segments_total: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claim_token: Mapped[str | None] = mapped_column(String(64))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    needs_dispatch: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime())
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_segment_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    article: Mapped[Article] = relationship()
    edition: Mapped[Edition] = relationship()
    runs: Mapped[list[JobRun]] = relationship(back_populates="job", order_by="JobRun.id")


class JobRun(Base):
    """One claim of a job by a worker: counts how often work was really done."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(
        ForeignKey("translation_jobs.id", ondelete="CASCADE"), index=True
    )
    worker: Mapped[str] = mapped_column(String(200))
    claim_token: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(24))
    segments_translated: Mapped[int] = mapped_column(Integer, default=0)
    package: Mapped[str | None] = mapped_column(String(200))  # packages of the route, "a+b"
    # confidences of the machine segments this run stored: their sum and count (mean = sum/count)
    confidence_sum: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    confidence_segments: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    error: Mapped[str | None] = mapped_column(Text)

    job: Mapped[TranslationJob] = relationship(back_populates="runs")


class FeedSource(Base):
    """An RSS/Atom feed the newsroom polls for new articles."""

    __tablename__ = "feed_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(Text, unique=True)
    language: Mapped[str | None] = mapped_column(String(8))
    targets: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    interval_seconds: Mapped[int] = mapped_column(Integer, default=300)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WorkerHeartbeat(Base):
    """Last sign of life of a worker process, written by the worker itself."""

    __tablename__ = "worker_heartbeats"

    id: Mapped[int] = mapped_column(primary_key=True)
    hostname: Mapped[str] = mapped_column(String(200), unique=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    models: Mapped[list[str]] = mapped_column(JSON, default=list)
    pairs: Mapped[list[str] | None] = mapped_column(JSON, default=list)  # "en-kk" it can serve
    queue_pairs: Mapped[list[str] | None] = mapped_column(JSON, default=list)  # queues it reads
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ModelEvaluation(Base):
    """chrF++ and BLEU of one direction's route on an evaluation set (``models evaluate``)."""

    __tablename__ = "model_evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_language: Mapped[str] = mapped_column(String(8))
    target_language: Mapped[str] = mapped_column(String(8))
    route: Mapped[str] = mapped_column(Text)
    data: Mapped[str] = mapped_column(String(200))  # which sentences, e.g. "devtest (1012)"
    sentences: Mapped[int] = mapped_column(Integer)
    chrf: Mapped[float] = mapped_column(Float)
    bleu: Mapped[float] = mapped_column(Float)
    seconds: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
