"""What an operator scrapes: queue depth, waits, latencies and throughput, read from the job rows.

The database is the record of every job, so these figures come from it rather than from each
process's memory: every web process answers the same numbers, a worker machine that dies takes
nothing with it, and a worker on another machine needs no port of its own. Each function is one
aggregate query; none loads rows one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Float, SQLColumnExpression, and_, case, cast, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from workflow.db import utcnow
from workflow.models import JobRun, TranslationJob, WebhookDelivery

# Upper bounds (seconds) of the job latency histogram: a segment shows within seconds on a warm
# worker, a long article or a busy queue takes minutes.
LATENCY_BUCKETS: tuple[float, ...] = (1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)


def package_label(route: dict[str, Any] | None) -> str | None:
    """The packages a route ran through, e.g. ``translate-ru_en@1.0+translate-en_kk@1.0``."""
    if not route:
        return None
    steps = [s for s in route.get("steps") or [] if isinstance(s, dict) and s.get("package_code")]
    label = "+".join(f"{s['package_code']}@{s.get('package_version', '')}" for s in steps)
    return label[:200] or None


@dataclass(frozen=True)
class QueueRow:
    """Jobs of one pair, priority and state, with the age of the oldest one waiting."""

    source: str
    target: str
    priority: str
    state: str
    jobs: int
    oldest_age_seconds: float


@dataclass(frozen=True)
class Histogram:
    """Cumulative counts per upper bound (the last is +Inf) and the sum, per label set."""

    labels: tuple[str, ...]
    buckets: tuple[tuple[float, int], ...]
    count: int
    total: float


@dataclass(frozen=True)
class Confidence:
    """Machine segments stored with a route's packages, and their mean confidence (mean
    log-probability per token, translations/confidence.py)."""

    package: str
    segments: int
    mean: float


@dataclass(frozen=True)
class Throughput:
    """Segments machine-translated so far by one worker with one route's packages."""

    worker: str
    package: str
    segments: int


def _seconds(session: Session, later: SQLColumnExpression[Any],
             earlier: SQLColumnExpression[Any]) -> ColumnElement[Any]:
    """Seconds between two timestamp columns, in the database's own arithmetic."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier)
    return cast((func.julianday(later) - func.julianday(earlier)) * 86400.0, Float)


def queue(session: Session, now: datetime | None = None) -> list[QueueRow]:
    """Job counts per source→target pair, priority and state; oldest wait for waiting states."""
    now = now or utcnow()
    rows = session.execute(
        select(TranslationJob.source_language, TranslationJob.target_language,
               TranslationJob.priority, TranslationJob.state, func.count(),
               func.min(func.coalesce(TranslationJob.queued_at, TranslationJob.created_at)))
        .group_by(TranslationJob.source_language, TranslationJob.target_language,
                  TranslationJob.priority, TranslationJob.state)
    ).all()
    result = []
    for source, target, priority, state, count, oldest in rows:
        if oldest is not None and oldest.tzinfo is None:  # aggregates skip the column type
            oldest = oldest.replace(tzinfo=now.tzinfo)
        if isinstance(oldest, str):
            oldest = datetime.fromisoformat(oldest).replace(tzinfo=now.tzinfo)
        age = max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
        result.append(QueueRow(source, target, priority, state, count, age))
    return result


def outbox(session: Session, now: datetime | None = None) -> tuple[int, float]:
    """Jobs whose wake-up message is not sent yet, and how long the oldest has waited."""
    now = now or utcnow()
    count, oldest = session.execute(
        select(func.count(), func.min(TranslationJob.updated_at))
        .where(TranslationJob.needs_dispatch.is_(True),
               TranslationJob.state == "queued")
    ).one()
    if isinstance(oldest, str):
        oldest = datetime.fromisoformat(oldest)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=now.tzinfo)
    return count, max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0


def _histograms(session: Session, end: SQLColumnExpression[Any],
                buckets: Sequence[float]) -> list[Histogram]:
    """Latency from being queued to ``end``, per target language, over every job that got there."""
    start = func.coalesce(TranslationJob.queued_at, TranslationJob.created_at)
    seconds = _seconds(session, end, start)
    columns = [func.sum(case((seconds <= bound, 1), else_=0)) for bound in buckets]
    rows = session.execute(
        select(TranslationJob.source_language, TranslationJob.target_language,
               func.count(), func.coalesce(func.sum(seconds), 0.0), *columns)
        .where(and_(end.is_not(None), end >= start))
        .group_by(TranslationJob.source_language, TranslationJob.target_language)
    ).all()
    result = []
    for source, target, count, total, *counts in rows:
        pairs = tuple((bound, int(n or 0)) for bound, n in zip(buckets, counts, strict=True))
        result.append(Histogram((source, target), pairs + ((float("inf"), count),), count,
                                float(total or 0.0)))
    return result


def latencies(session: Session) -> dict[str, list[Histogram]]:
    """Queued → first machine segment stored, and queued → whole edition translated."""
    return {
        "first_segment": _histograms(session, TranslationJob.first_segment_at, LATENCY_BUCKETS),
        "translated": _histograms(session, TranslationJob.finished_at, LATENCY_BUCKETS),
    }


def throughput(session: Session) -> list[Throughput]:
    """Segments each worker translated with each route's packages, over all its claims."""
    rows = session.execute(
        select(JobRun.worker, JobRun.package, func.sum(JobRun.segments_translated))
        .group_by(JobRun.worker, JobRun.package)
    ).all()
    return [Throughput(worker, package or "", int(total or 0)) for worker, package, total in rows]


def confidence(session: Session) -> list[Confidence]:
    """Mean confidence of the machine segments each route's packages produced, over all claims."""
    rows = session.execute(
        select(JobRun.package, func.sum(JobRun.confidence_sum),
               func.sum(JobRun.confidence_segments))
        .where(JobRun.confidence_segments > 0)
        .group_by(JobRun.package)
    ).all()
    return [Confidence(package or "", int(count), float(total) / int(count))
            for package, total, count in rows if count]


def webhook_deliveries(session: Session) -> dict[str, int]:
    """Webhook deliveries per state (pending, delivered, failed)."""
    rows = session.execute(
        select(WebhookDelivery.state, func.count()).group_by(WebhookDelivery.state)
    ).all()
    return {state: count for state, count in rows}
