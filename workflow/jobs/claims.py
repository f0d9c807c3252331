"""Claims on translation jobs: every write is a guarded UPDATE, so a lost claim writes nothing.

A worker owns a job while ``state = 'translating'`` and ``claim_token`` is its token. Each batch
first renews the lease with ``UPDATE ... WHERE claim_token = :token``: that row lock (PostgreSQL)
or write lock (SQLite) orders it against the beat's re-queue, a cancel and any other claimer, so
a worker whose lease expired while a slow batch ran finds zero rows and drops its results.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, false, func, or_, select, true, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from workflow.db import DISPATCH_JOBS, after_commit, rows_changed, utcnow
from workflow.errors import NotFound
from workflow.jobs.telemetry import package_label
from workflow.models import JobRun, Segment, SegmentTranslation, TranslationJob
from workflow.models.review import SegmentRevision
from workflow.states import EditionState, JobState, SegmentState, check_transition, transition

MAX_ATTEMPTS = 5


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


@dataclass(frozen=True)
class MachineResult:
    """What the engine produced for one pending segment translation."""

    translation_id: int
    text: str
    origin: str
    route: dict[str, Any] | None
    checks: list[dict[str, Any]]
    suggestions: list[dict[str, Any]]
    confidence: float | None = None  # the model's mean log-probability per token (machine only)


def move_job(session: Session, job_id: int, current: JobState | str, target: JobState, *,
             token: str | None = None, **values: object) -> bool:
    """Compare-and-set a job's state through the transition table; False if someone moved it."""
    current = JobState(current)
    check_transition(current, target)
    stmt = update(TranslationJob).where(TranslationJob.id == job_id,
                                        TranslationJob.state == current.value)
    if token is not None:
        stmt = stmt.where(TranslationJob.claim_token == token)
    moved = rows_changed(session, stmt.values(state=target.value, updated_at=utcnow(), **values))
    if moved == 1 and values.get("needs_dispatch"):
        after_commit(session, DISPATCH_JOBS)
    return moved == 1


def claimable(now: datetime | None = None) -> ColumnElement[bool]:
    """The WHERE clause of a job a worker may take now."""
    now = now or utcnow()
    return (TranslationJob.state == JobState.QUEUED.value) & or_(
        TranslationJob.not_before.is_(None), TranslationJob.not_before <= now)


def serving(pairs: Collection[tuple[str, str]] | None) -> ColumnElement[bool]:
    """The WHERE clause of jobs whose language pair is in ``pairs`` (None: every pair)."""
    if pairs is None:
        return true()
    return or_(false(), *(and_(TranslationJob.source_language == source,
                               TranslationJob.target_language == target)
                          for source, target in sorted(pairs)))


def claim_next(session: Session, worker: str, *, prefer: int | None = None,
               lease_seconds: int = 600, max_segments: int = 200,
               max_jobs: int = 8, pairs: Collection[tuple[str, str]] | None = None
               ) -> Claim | None:
    """Claim the most urgent queued job (and same-pair companions up to ``max_segments``).

    Breaking jobs come first, then the job the wake-up message named, then the oldest. Each job
    is taken with ``UPDATE ... WHERE state = 'queued'`` so a duplicate message or a second worker
    cannot take it again; on PostgreSQL candidates are read with SKIP LOCKED. A worker passes
    the ``pairs`` its models serve and never claims a job of another pair.
    """
    now = utcnow()
    query = (
        select(TranslationJob).where(claimable(now), serving(pairs))
        .order_by((TranslationJob.priority == "breaking").desc(),
                  (TranslationJob.id == (prefer or 0)).desc(), TranslationJob.id)
        .limit(max_jobs * 4)
    )
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
        if not move_job(session, job.id, JobState.QUEUED, JobState.TRANSLATING,
                        claim_token=token, claimed_by=worker,
                        lease_expires_at=now + timedelta(seconds=lease_seconds),
                        attempts=TranslationJob.attempts + 1, started_at=now, error=None,
                        needs_dispatch=False):
            continue
        claim.job_ids.append(job.id)
        budget -= left
    if not claim.job_ids:
        return None
    for job_id in claim.job_ids:
        session.add(JobRun(job_id=job_id, worker=worker, claim_token=token, started_at=now))
        for translation_id, text in pending_work(session, job_id):
            claim.work.append((job_id, translation_id, text))
    session.flush()
    return claim


def pending_work(session: Session, job_id: int) -> list[tuple[int, str]]:
    """(translation id, source text) of the job's active segments still without machine text."""
    edition_id = select(TranslationJob.edition_id).where(TranslationJob.id == job_id)
    rows = session.execute(
        select(SegmentTranslation.id, Segment.source_text)
        .join(Segment, Segment.id == SegmentTranslation.segment_id)
        .where(SegmentTranslation.edition_id == edition_id.scalar_subquery(),
               Segment.active.is_(True),
               SegmentTranslation.state == SegmentState.PENDING.value)
        .order_by(Segment.position)
    ).all()
    return [(row.id, row.source_text) for row in rows]


def count_done(session: Session, edition_id: int) -> int:
    """Active segments of an edition that have left ``pending``."""
    return session.scalar(
        select(func.count()).select_from(SegmentTranslation).join(Segment).where(
            SegmentTranslation.edition_id == edition_id,
            Segment.active.is_(True),
            SegmentTranslation.state != SegmentState.PENDING.value,
        )
    ) or 0


def _fresh_job(session: Session, job_id: int) -> TranslationJob:
    """The job as the database holds it now (a claim's lease was just renewed, so it exists)."""
    job = session.get(TranslationJob, job_id)
    if job is None:
        raise NotFound(f"No job {job_id}.")
    session.refresh(job)
    return job


def renew_lease(session: Session, claim: Claim, job_id: int, lease_seconds: int) -> bool:
    """Extend the lease if ``claim`` still owns the job; this UPDATE is also the claim's lock."""
    return rows_changed(session, (
        update(TranslationJob)
        .where(TranslationJob.id == job_id, TranslationJob.claim_token == claim.token,
               TranslationJob.state == JobState.TRANSLATING.value)
        .values(lease_expires_at=utcnow() + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False))) == 1


def record_results(session: Session, claim: Claim, job_id: int, results: Sequence[MachineResult],
                   lease_seconds: int = 600) -> int:
    """Store a batch of machine output for one job if the claim still holds; returns rows written.

    A segment is written only from ``pending`` (guarded UPDATE), so a duplicate run or a person
    who typed first is never overwritten; each write leaves one ``machine`` SegmentRevision.
    """
    if not renew_lease(session, claim, job_id, lease_seconds):
        return 0
    check_transition(SegmentState.PENDING, SegmentState.MACHINE)
    now = utcnow()
    ids = [r.translation_id for r in results]
    facts = {row.id: row for row in session.execute(
        select(SegmentTranslation.id, SegmentTranslation.version, Segment.source_hash)
        .join(Segment, Segment.id == SegmentTranslation.segment_id)
        .where(SegmentTranslation.id.in_(ids)))} if ids else {}
    written = 0
    confidences: list[float] = []
    for result in results:
        fact = facts.get(result.translation_id)
        if fact is None:
            continue
        done = rows_changed(session, (
            update(SegmentTranslation)
            .where(SegmentTranslation.id == result.translation_id,
                   SegmentTranslation.state == SegmentState.PENDING.value)
            .values(state=SegmentState.MACHINE.value, machine_text=result.text,
                    machine_origin=result.origin, machine_route=result.route,
                    machine_source_hash=fact.source_hash, machine_at=now, checks=result.checks,
                    suggestions=result.suggestions, machine_confidence=result.confidence)
            .execution_options(synchronize_session=False)))
        if done == 1:
            session.add(SegmentRevision(translation_id=result.translation_id, version=fact.version,
                                        text=result.text, kind="machine", created_at=now))
            written += 1
            if result.confidence is not None:
                confidences.append(result.confidence)
    session.flush()
    job = _fresh_job(session, job_id)
    job.segments_done = count_done(session, job.edition_id)
    if written and job.first_segment_at is None:
        job.first_segment_at = now
    run_values: dict[str, Any] = {"segments_translated": JobRun.segments_translated + written}
    if confidences:
        run_values["confidence_sum"] = JobRun.confidence_sum + sum(confidences)
        run_values["confidence_segments"] = JobRun.confidence_segments + len(confidences)
    if results and results[0].route:
        job.route = results[0].route
        run_values["package"] = package_label(results[0].route)
    session.execute(
        update(JobRun).where(JobRun.job_id == job_id, JobRun.claim_token == claim.token)
        .values(**run_values)
    )
    return written


def finish(session: Session, claim: Claim, job_id: int, lease_seconds: int = 600) -> bool:
    """Mark a fully translated job ``in_review`` and open its edition; False if work is left."""
    if not renew_lease(session, claim, job_id, lease_seconds):
        return False
    if pending_work(session, job_id):
        return False
    job = _fresh_job(session, job_id)
    move_job(session, job_id, JobState.TRANSLATING, JobState.IN_REVIEW, token=claim.token,
             finished_at=utcnow(), lease_expires_at=None,
             segments_done=count_done(session, job.edition_id))
    if job.edition.state == EditionState.TRANSLATING.value:
        transition(job.edition, EditionState.EDITING)
    _close_run(session, job_id, claim.token, "done")
    return True


def release(session: Session, claim: Claim, job_id: int, state: JobState, error: str | None,
            retry_at: datetime | None = None) -> bool:
    """Hand a claimed job back: to the queue, to ``waiting_for_model`` or to ``failed``."""
    moved = move_job(session, job_id, JobState.TRANSLATING, state, token=claim.token, error=error,
                     lease_expires_at=None, claim_token=None, not_before=retry_at,
                     needs_dispatch=state == JobState.QUEUED)
    if moved:
        _close_run(session, job_id, claim.token, state.value, error)
    return moved


def _close_run(session: Session, job_id: int, token: str, outcome: str,
               error: str | None = None) -> None:
    session.execute(
        update(JobRun).where(JobRun.job_id == job_id, JobRun.claim_token == token,
                             JobRun.finished_at.is_(None))
        .values(finished_at=utcnow(), outcome=outcome, error=error)
    )


def requeue_expired(session: Session, now: datetime | None = None,
                    max_attempts: int = MAX_ATTEMPTS) -> list[int]:
    """Re-queue jobs whose worker vanished (lease expired); fail one lost ``max_attempts`` times."""
    now = now or utcnow()
    rows = session.execute(
        select(TranslationJob.id, TranslationJob.attempts, TranslationJob.claim_token)
        .where(TranslationJob.state == JobState.TRANSLATING.value,
               TranslationJob.lease_expires_at < now)
        .order_by(TranslationJob.id)  # the lock order workers use too
    ).all()
    requeued = []
    for row in rows:
        give_up = row.attempts >= max_attempts
        target = JobState.FAILED if give_up else JobState.QUEUED
        error = (f"worker lost {row.attempts} times; giving up" if give_up
                 else "worker lost; re-queued")
        stmt = (
            update(TranslationJob)
            .where(TranslationJob.id == row.id, TranslationJob.state == JobState.TRANSLATING.value,
                   TranslationJob.claim_token == row.claim_token,
                   TranslationJob.lease_expires_at < now)
            .values(state=check_transition(JobState.TRANSLATING, target).value, claim_token=None,
                    lease_expires_at=None, needs_dispatch=not give_up, error=error,
                    not_before=None, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if rows_changed(session, stmt):
            _close_run(session, row.id, row.claim_token, "lost", error)
            requeued.append(row.id)
            if not give_up:
                after_commit(session, DISPATCH_JOBS)
    return requeued
