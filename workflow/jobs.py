"""Translation jobs: create, claim with a state-guarded UPDATE, record results, recover."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from workflow.db import utcnow
from workflow.errors import InvalidInput, NotFound
from workflow.models import (
    LANGUAGES,
    Article,
    Edition,
    JobRun,
    Segment,
    SegmentTranslation,
    TranslationJob,
)
from workflow.states import EditionState, JobState, SegmentState, check_transition, transition

PRIORITIES = ("breaking", "normal")
OPEN_JOB_STATES = (JobState.QUEUED, JobState.TRANSLATING, JobState.WAITING_FOR_MODEL)


def default_targets(source_language: str) -> list[str]:
    """The languages an article is not in."""
    return [lang for lang in LANGUAGES if lang != source_language]


def parse_targets(source_language: str, targets: Iterable[str] | str | None) -> list[str]:
    """Validate requested targets; None means every other language."""
    if targets is None or targets == "" or targets == []:
        return default_targets(source_language)
    items = targets.split(",") if isinstance(targets, str) else list(targets)
    wanted = list(dict.fromkeys(t.strip().lower() for t in items if t.strip()))
    unknown = [t for t in wanted if t not in LANGUAGES]
    if unknown:
        raise InvalidInput(
            f"Unknown target language {', '.join(unknown)}; Audarma translates into "
            f"{', '.join(LANGUAGES)}.",
            code="unknown_target",
        )
    return [t for t in wanted if t != source_language]


def ensure_source_edition(session: Session, article: Article) -> Edition:
    """The article's own-language edition (it can be reviewed and published too)."""
    for edition in article.editions:
        if edition.is_source:
            return edition
    edition = Edition(article=article, language=article.source_language, is_source=True,
                      state=EditionState.EDITING.value, title=article.title)
    session.add(edition)
    session.flush()
    return edition


def create_jobs(session: Session, article: Article, targets: Sequence[str],
                priority: str = "normal") -> list[TranslationJob]:
    """Create (or re-open) one edition and one queued job per target; caller commits, then dispatches."""
    if priority not in PRIORITIES:
        raise InvalidInput(f"Priority must be one of {', '.join(PRIORITIES)}.", code="bad_priority")
    ensure_source_edition(session, article)
    jobs: list[TranslationJob] = []
    segments = [s for s in article.segments if s.active]
    for target in targets:
        edition = session.scalar(
            select(Edition).where(Edition.article_id == article.id, Edition.language == target)
        )
        if edition is None:
            edition = Edition(article=article, language=target, state=EditionState.TRANSLATING.value)
            session.add(edition)
            session.flush()
        existing = {t.segment_id for t in edition.translations}
        for segment in segments:
            if segment.id not in existing:
                session.add(SegmentTranslation(edition=edition, segment=segment,
                                               state=SegmentState.PENDING.value))
        job = session.scalar(
            select(TranslationJob).where(TranslationJob.article_id == article.id,
                                         TranslationJob.target_language == target)
        )
        if job is None:
            job = TranslationJob(article=article, edition=edition,
                                 source_language=article.source_language,
                                 target_language=target, state=JobState.QUEUED.value,
                                 priority=priority, needs_dispatch=True)
            session.add(job)
        elif job.state not in (JobState.QUEUED, JobState.TRANSLATING):
            transition(job, JobState.QUEUED)
            job.needs_dispatch = True
            job.error = None
            job.priority = priority
        job.segments_total = len(segments)
        jobs.append(job)
    session.flush()
    for job in jobs:
        job.segments_done = _count_done(session, job.edition_id)
    return jobs


def _count_done(session: Session, edition_id: int) -> int:
    return session.scalar(
        select(func.count()).select_from(SegmentTranslation).join(Segment).where(
            SegmentTranslation.edition_id == edition_id,
            Segment.active.is_(True),
            SegmentTranslation.state != SegmentState.PENDING.value,
        )
    ) or 0


def jobs_to_dispatch(session: Session, limit: int = 500) -> list[tuple[int, str]]:
    """Queued jobs whose wake-up message has not been handed to the broker yet (the outbox)."""
    rows = session.execute(
        select(TranslationJob.id, TranslationJob.priority)
        .where(TranslationJob.needs_dispatch.is_(True),
               TranslationJob.state == JobState.QUEUED.value)
        .order_by(TranslationJob.id).limit(limit)
    ).all()
    return [(row.id, row.priority) for row in rows]


def mark_dispatched(session: Session, job_ids: Sequence[int]) -> None:
    """Record that wake-up messages for ``job_ids`` reached the broker."""
    if job_ids:
        session.execute(
            update(TranslationJob).where(TranslationJob.id.in_(list(job_ids)))
            .values(needs_dispatch=False, dispatched_at=utcnow())
        )


@dataclass
class Claim:
    """Jobs one worker holds under one claim token, with the segments left to translate."""

    token: str
    worker: str
    source_language: str
    target_language: str
    job_ids: list[int]
    priority: str
    work: list[tuple[int, int, str]] = field(default_factory=list)  # (job_id, translation_id, text)


def _queued_candidates(session: Session, prefer: int | None, now: datetime):
    order = [
        (TranslationJob.priority == "breaking").desc(),
        (TranslationJob.id == (prefer or 0)).desc(),
        TranslationJob.id,
    ]
    query = (
        select(TranslationJob)
        .where(TranslationJob.state == JobState.QUEUED.value,
               or_(TranslationJob.not_before.is_(None), TranslationJob.not_before <= now))
        .order_by(*order)
    )
    return query


def claim_next(session: Session, worker: str, *, prefer: int | None = None,
               lease_seconds: int = 600, max_segments: int = 200, max_jobs: int = 8) -> Claim | None:
    """Claim the most urgent queued job (and same-pair companions up to ``max_segments``).

    Each job is taken with ``UPDATE ... WHERE state = 'queued'`` so a duplicate message or a
    second worker cannot take it again; on PostgreSQL candidates are read with SKIP LOCKED.
    """
    now = utcnow()
    query = _queued_candidates(session, prefer, now).limit(max_jobs * 4)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=TranslationJob)
    candidates = session.scalars(query).all()
    if not candidates:
        return None
    first = candidates[0]
    token = secrets.token_hex(16)
    claim = Claim(token=token, worker=worker, source_language=first.source_language,
                  target_language=first.target_language, job_ids=[], priority=first.priority)
    budget = max_segments
    for job in candidates:
        if len(claim.job_ids) >= max_jobs:
            break
        if (job.source_language, job.target_language, job.priority) != (
            claim.source_language, claim.target_language, claim.priority):
            continue
        left = max(job.segments_total - job.segments_done, 1)
        if claim.job_ids and left > budget:
            continue
        if not _take(session, job.id, token, worker, now, lease_seconds):
            continue
        claim.job_ids.append(job.id)
        budget -= left
    if not claim.job_ids:
        return None
    for job_id in claim.job_ids:
        session.add(JobRun(job_id=job_id, worker=worker, claim_token=token, started_at=now))
        for translation_id, text in _pending_work(session, job_id):
            claim.work.append((job_id, translation_id, text))
    session.flush()
    return claim


def _take(session: Session, job_id: int, token: str, worker: str, now: datetime,
          lease_seconds: int) -> bool:
    check_transition(JobState.QUEUED, JobState.TRANSLATING)
    result = session.execute(
        update(TranslationJob)
        .where(TranslationJob.id == job_id, TranslationJob.state == JobState.QUEUED.value)
        .values(state=JobState.TRANSLATING.value, claim_token=token, claimed_by=worker,
                lease_expires_at=now + timedelta(seconds=lease_seconds),
                attempts=TranslationJob.attempts + 1, started_at=now, error=None,
                needs_dispatch=False)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _pending_work(session: Session, job_id: int) -> list[tuple[int, str]]:
    job = session.get(TranslationJob, job_id)
    rows = session.execute(
        select(SegmentTranslation.id, Segment.source_text)
        .join(Segment, Segment.id == SegmentTranslation.segment_id)
        .where(SegmentTranslation.edition_id == job.edition_id,
               Segment.active.is_(True),
               SegmentTranslation.state == SegmentState.PENDING.value)
        .order_by(Segment.position)
    ).all()
    return [(row.id, row.source_text) for row in rows]


@dataclass(frozen=True)
class MachineResult:
    """What the engine produced for one pending segment translation."""

    translation_id: int
    text: str
    origin: str
    route: dict | None
    checks: list[dict]
    suggestions: list[dict]


def holds_claim(session: Session, job_id: int, token: str) -> bool:
    """True while ``token`` still owns the job (a re-queued job belongs to someone else)."""
    return session.scalar(
        select(func.count()).select_from(TranslationJob).where(
            TranslationJob.id == job_id, TranslationJob.claim_token == token,
            TranslationJob.state == JobState.TRANSLATING.value)
    ) == 1


def record_results(session: Session, claim: Claim, job_id: int, results: Sequence[MachineResult],
                   lease_seconds: int = 600) -> int:
    """Store a batch of machine output for one job if the claim still holds; returns rows written."""
    if not holds_claim(session, job_id, claim.token):
        return 0
    now = utcnow()
    written = 0
    for result in results:
        row = session.get(SegmentTranslation, result.translation_id)
        if row is None or row.state != SegmentState.PENDING.value:
            continue  # a person got there first, or a duplicate run already wrote it
        row.machine_text = result.text
        row.machine_origin = result.origin
        row.machine_route = result.route
        row.machine_source_hash = row.segment.source_hash
        row.machine_at = now
        row.checks = result.checks
        row.suggestions = result.suggestions
        transition(row, SegmentState.MACHINE)
        written += 1
    job = session.get(TranslationJob, job_id)
    job.segments_done = _count_done(session, job.edition_id)
    job.lease_expires_at = now + timedelta(seconds=lease_seconds)
    if results and results[0].route:
        job.route = results[0].route
    run = session.scalar(select(JobRun).where(JobRun.job_id == job_id,
                                              JobRun.claim_token == claim.token))
    if run is not None:
        run.segments_translated += written
    return written


def finish(session: Session, claim: Claim, job_id: int) -> bool:
    """Mark a fully translated job ``in_review`` and open its edition for post-editing."""
    if not holds_claim(session, job_id, claim.token):
        return False
    job = session.get(TranslationJob, job_id)
    if _pending_work(session, job_id):
        return False
    transition(job, JobState.IN_REVIEW)
    job.finished_at = utcnow()
    job.lease_expires_at = None
    job.segments_done = _count_done(session, job.edition_id)
    if job.edition.state == EditionState.TRANSLATING.value:
        transition(job.edition, EditionState.EDITING)
    _close_run(session, job_id, claim.token, "done")
    return True


def release(session: Session, claim: Claim, job_id: int, state: JobState, error: str | None,
            retry_at: datetime | None = None) -> None:
    """Hand a claimed job back: to the queue, to ``waiting_for_model`` or to ``failed``."""
    if not holds_claim(session, job_id, claim.token):
        return
    job = session.get(TranslationJob, job_id)
    transition(job, state)
    job.error = error
    job.lease_expires_at = None
    job.claim_token = None
    job.not_before = retry_at
    job.needs_dispatch = state == JobState.QUEUED
    _close_run(session, job_id, claim.token, state.value, error)


def _close_run(session: Session, job_id: int, token: str, outcome: str,
               error: str | None = None) -> None:
    run = session.scalar(select(JobRun).where(JobRun.job_id == job_id, JobRun.claim_token == token))
    if run is not None:
        run.finished_at = utcnow()
        run.outcome = outcome
        run.error = error


def requeue_expired(session: Session, now: datetime | None = None) -> list[int]:
    """Put jobs whose worker vanished (lease expired) back in the queue; returns their ids."""
    now = now or utcnow()
    ids = session.scalars(
        select(TranslationJob.id).where(TranslationJob.state == JobState.TRANSLATING.value,
                                        TranslationJob.lease_expires_at < now)
    ).all()
    requeued = []
    for job_id in ids:
        result = session.execute(
            update(TranslationJob)
            .where(TranslationJob.id == job_id, TranslationJob.state == JobState.TRANSLATING.value,
                   TranslationJob.lease_expires_at < now)
            .values(state=JobState.QUEUED.value, claim_token=None, lease_expires_at=None,
                    needs_dispatch=True, error="worker lost; re-queued")
            .execution_options(synchronize_session=False)
        )
        if result.rowcount:
            session.execute(
                update(JobRun).where(JobRun.job_id == job_id, JobRun.finished_at.is_(None))
                .values(finished_at=now, outcome="lost")
            )
            requeued.append(job_id)
    return requeued


def resume_waiting(session: Session, has_route) -> list[int]:
    """Re-queue ``waiting_for_model`` jobs whose language pair ``has_route(src, tgt)`` now serves."""
    jobs = session.scalars(
        select(TranslationJob).where(TranslationJob.state == JobState.WAITING_FOR_MODEL.value)
    ).all()
    resumed = []
    for job in jobs:
        if has_route(job.source_language, job.target_language):
            transition(job, JobState.QUEUED)
            job.needs_dispatch = True
            job.error = None
            resumed.append(job.id)
    return resumed


def cancel_jobs(session: Session, article_id: int, language: str | None = None) -> list[int]:
    """Cancel an article's open jobs (or one language's); a running claim loses its token."""
    query = select(TranslationJob).where(TranslationJob.article_id == article_id)
    if language:
        query = query.where(TranslationJob.target_language == language)
    jobs = session.scalars(query).all()
    if not jobs:
        raise NotFound("No translation job for that article and language.")
    cancelled = []
    for job in jobs:
        if job.state in (s.value for s in OPEN_JOB_STATES) or job.state == JobState.FAILED.value:
            transition(job, JobState.CANCELLED)
            job.claim_token = None
            job.lease_expires_at = None
            job.needs_dispatch = False
            cancelled.append(job.id)
    return cancelled


def retry_job(session: Session, job_id: int) -> TranslationJob:
    """Send a failed or cancelled job back to the queue."""
    job = session.get(TranslationJob, job_id)
    if job is None:
        raise NotFound(f"No translation job {job_id}.")
    transition(job, JobState.QUEUED)
    job.needs_dispatch = True
    job.error = None
    job.not_before = None
    return job


def queue_depth(session: Session) -> dict[str, int]:
    """Jobs per state, for monitoring."""
    rows = session.execute(
        select(TranslationJob.state, func.count()).group_by(TranslationJob.state)
    ).all()
    return {state: count for state, count in rows}


def oldest_queued_age(session: Session) -> float | None:
    """Seconds the oldest queued job has waited, or None."""
    oldest = session.scalar(
        select(func.min(TranslationJob.created_at)).where(
            and_(TranslationJob.state == JobState.QUEUED.value))
    )
    if oldest is None:
        return None
    if oldest.tzinfo is None:
        from datetime import UTC
        oldest = oldest.replace(tzinfo=UTC)
    return (utcnow() - oldest).total_seconds()
