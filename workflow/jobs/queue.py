"""Translation jobs: choose targets, create jobs, keep the outbox, cancel, retry, monitor.

Claiming and recording results live in workflow/jobs/claims.py (re-exported here).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from workflow.approval import ReturnReason, return_to_editing
from workflow.db import DISPATCH_JOBS, after_commit, rows_changed, utcnow
from workflow.errors import Conflict, InvalidInput, NotFound
from workflow.jobs.claims import (  # the public face of job claiming (see __all__)
    MAX_ATTEMPTS,
    Claim,
    MachineResult,
    claim_next,
    claimable,
    count_done,
    finish,
    move_job,
    pending_work,
    record_results,
    release,
    renew_lease,
    requeue_expired,
    serving,
)
from workflow.models import Article, Edition, SegmentTranslation, TranslationJob, User
from workflow.permissions import Action, require
from workflow.states import EditionState, JobState, SegmentState, transition
from workflow.vocabulary import LANGUAGES, PRIORITIES, other_languages


def default_targets(source_language: str) -> list[str]:
    """The languages an article is not in."""
    return other_languages(source_language)


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
            code="unknown_target", unknown=unknown,
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
    """Create (or re-open) an edition and a queued job per target; dispatched after commit."""
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
            edition = Edition(article=article, language=target,
                              state=EditionState.TRANSLATING.value)
            session.add(edition)
            session.flush()
        existing = {t.segment_id for t in edition.translations}
        added = False
        for segment in segments:
            if segment.id not in existing:
                session.add(SegmentTranslation(edition=edition, segment=segment,
                                               state=SegmentState.PENDING.value))
                added = True
        if added:  # new machine text is coming: no earlier decision about this edition stands
            return_to_editing(session, edition, ReturnReason.RETRANSLATED, None)
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
            job.queued_at = utcnow()  # a re-opened job's latency is counted from now
            job.first_segment_at = None
            job.needs_dispatch = True
            job.error = None
            job.not_before = None
            job.attempts = 0
            job.priority = priority
        elif job.state == JobState.QUEUED and priority != job.priority:
            job.priority = priority  # e.g. promoted to breaking: wake the breaking queue too
            job.needs_dispatch = True
        job.segments_total = len(segments)
        jobs.append(job)
    session.flush()
    for job in jobs:
        job.segments_done = count_done(session, job.edition_id)
    if any(job.needs_dispatch for job in jobs):
        after_commit(session, DISPATCH_JOBS)
    return jobs


@dataclass(frozen=True)
class Dispatch:
    """One wake-up message to send: the job, its queue's priority and language pair, and the
    claim count seen."""

    job_id: int
    priority: str
    attempts: int
    source_language: str = ""
    target_language: str = ""


_DISPATCH_COLUMNS = (TranslationJob.id, TranslationJob.priority, TranslationJob.attempts,
                     TranslationJob.source_language, TranslationJob.target_language)


def jobs_to_dispatch(session: Session, limit: int = 500) -> list[Dispatch]:
    """Claimable jobs whose wake-up message has not reached the broker yet (the outbox).

    A job held back by a retry backoff (``not_before`` in the future) stays in the outbox until
    it is due, so its message is sent when a worker may actually take it.
    """
    rows = session.execute(
        select(*_DISPATCH_COLUMNS)
        .where(TranslationJob.needs_dispatch.is_(True), claimable())
        .order_by((TranslationJob.priority == "breaking").desc(), TranslationJob.id).limit(limit)
    ).all()
    return [Dispatch(*row) for row in rows]


def mark_dispatched(session: Session, sent: Sequence[Dispatch]) -> int:
    """Take sent jobs out of the outbox, unless they were claimed (and perhaps re-queued) since."""
    done = 0
    now = utcnow()
    for item in sent:
        done += rows_changed(session, (
            update(TranslationJob)
            .where(TranslationJob.id == item.job_id, TranslationJob.attempts == item.attempts,
                   TranslationJob.state == JobState.QUEUED.value)
            .values(needs_dispatch=False, dispatched_at=now)
            .execution_options(synchronize_session=False)))
    return done


def jobs_to_redispatch(session: Session, older_than: float, waiting_messages: int,
                       limit: int = 200) -> list[Dispatch]:
    """Queued jobs whose message was probably lost (broker restarted empty): resend the deficit.

    Any wake-up claims the most urgent job, so only the number of messages matters: if fewer
    messages wait in the broker than jobs wait in the database, the oldest-sent get a new one.
    """
    now = utcnow()
    queued = session.scalar(
        select(func.count()).select_from(TranslationJob)
        .where(claimable(now), TranslationJob.needs_dispatch.is_(False))) or 0
    deficit = min(queued - waiting_messages, limit)
    if deficit <= 0:
        return []
    rows = session.execute(
        select(*_DISPATCH_COLUMNS)
        .where(claimable(now), TranslationJob.needs_dispatch.is_(False),
               (TranslationJob.dispatched_at.is_(None))
               | (TranslationJob.dispatched_at < now - timedelta(seconds=older_than)))
        .order_by((TranslationJob.priority == "breaking").desc(), TranslationJob.dispatched_at)
        .limit(deficit)
    ).all()
    return [Dispatch(*row) for row in rows]


def resume_waiting(session: Session, has_route: Callable[[str, str], bool]) -> list[int]:
    """Re-queue ``waiting_for_model`` jobs whose pair ``has_route(src, tgt)`` now serves."""
    rows = session.execute(
        select(TranslationJob.id, TranslationJob.source_language, TranslationJob.target_language)
        .where(TranslationJob.state == JobState.WAITING_FOR_MODEL.value)
    ).all()
    resumed = []
    for row in rows:
        if has_route(row.source_language, row.target_language) and move_job(
                session, row.id, JobState.WAITING_FOR_MODEL, JobState.QUEUED,
                needs_dispatch=True, error=None, not_before=None):
            resumed.append(row.id)
    return resumed


def _require_actor(session: Session, actor_id: int | None, action: Action) -> None:
    if actor_id is not None:
        require(session.get(User, actor_id), action)


CANCELLABLE = (JobState.QUEUED, JobState.TRANSLATING, JobState.WAITING_FOR_MODEL, JobState.FAILED)


def cancel_jobs(session: Session, article_id: int, language: str | None = None, *,
                actor_id: int | None) -> list[int]:
    """Cancel an article's open jobs (or one language's); a running claim loses its token.

    ``actor_id`` must hold ``cancel_jobs`` (None is the system). The worker holding a cancelled
    job notices at its next batch (its guarded writes match no row) and stops; machine text
    already written stays for the translator.
    """
    _require_actor(session, actor_id, Action.CANCEL_JOBS)
    if session.get(Article, article_id) is None:
        raise NotFound(f"No article {article_id}.")
    query = select(TranslationJob).where(TranslationJob.article_id == article_id)
    if language:
        query = query.where(TranslationJob.target_language == language)
    jobs = session.scalars(query).all()
    if not jobs:
        raise NotFound("No translation job for that article and language.", code="job_not_found")
    cancelled = []
    for job in jobs:
        for _attempt in range(3):  # a worker may move the job between our read and our write
            session.refresh(job)
            if job.state not in CANCELLABLE:
                break
            if move_job(session, job.id, job.state, JobState.CANCELLED, claim_token=None,
                        lease_expires_at=None, needs_dispatch=False, not_before=None):
                cancelled.append(job.id)
                edition = session.get(Edition, job.edition_id)
                if edition is not None and edition.state == EditionState.TRANSLATING.value:
                    transition(edition, EditionState.CANCELLED)  # no edition will come of it
                break
    return cancelled


def retry_job(session: Session, job_id: int, *, actor_id: int | None) -> TranslationJob:
    """Send a failed or cancelled job back to the queue (a fresh set of attempts); ``actor_id``
    must hold ``retry_job`` (None is the system)."""
    _require_actor(session, actor_id, Action.RETRY_JOB)
    job = session.get(TranslationJob, job_id)
    if job is None:
        raise NotFound(f"No translation job {job_id}.", code="job_not_found")
    session.refresh(job)
    if job.state not in (JobState.FAILED, JobState.CANCELLED):
        raise Conflict(f"Job {job_id} is {job.state}; only failed or cancelled jobs can be "
                       "retried.", code="job_not_retryable")
    if not move_job(session, job_id, job.state, JobState.QUEUED, needs_dispatch=True, error=None,
                    not_before=None, attempts=0):
        raise Conflict(f"Job {job_id} changed while you asked; reload and try again.",
                       code="job_changed")
    session.refresh(job)
    edition = session.get(Edition, job.edition_id)
    if edition is not None and edition.state == EditionState.CANCELLED.value:
        transition(edition, EditionState.TRANSLATING)
    return job


def job_progress(job: TranslationJob) -> dict[str, object]:
    """What the dashboard and the API show about one job."""
    return {"id": job.id, "language": job.target_language, "state": job.state,
            "priority": job.priority, "segments_done": job.segments_done,
            "segments_total": job.segments_total, "attempts": job.attempts, "error": job.error}


__all__ = [
    "CANCELLABLE",
    "Claim",
    "Dispatch",
    "MAX_ATTEMPTS",
    "MachineResult",
    "cancel_jobs",
    "claim_next",
    "claimable",
    "count_done",
    "create_jobs",
    "default_targets",
    "ensure_source_edition",
    "finish",
    "job_progress",
    "jobs_to_dispatch",
    "jobs_to_redispatch",
    "mark_dispatched",
    "move_job",
    "parse_targets",
    "pending_work",
    "record_results",
    "release",
    "renew_lease",
    "requeue_expired",
    "resume_waiting",
    "retry_job",
    "serving",
]
