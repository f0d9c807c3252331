"""Run claimed jobs through the machine-translation engine, outside any open transaction."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import exists, select

from translations.interface import Engine, Translation
from workflow.db import Database, utcnow
from workflow.jobs import queue as jobs
from workflow.memory import DatabaseMemory, glossary_for
from workflow.models import TranslationJob
from workflow.states import JobState

log = logging.getLogger(__name__)

TRANSIENT_BACKOFF = (5, 30, 120, 600)
MAX_ATTEMPTS = jobs.MAX_ATTEMPTS
# A claim's engine calls (AUDARMA_JOB_BATCH_SIZE, _MAX, _SECONDS): see BatchSizer.
BATCH_FIRST = 16
BATCH_LARGEST = 64
BATCH_SECONDS = 5.0


@dataclass
class RunReport:
    """What one wake-up of a worker did."""

    job_ids: list[int]
    translated: int = 0
    outcome: str = "idle"
    finished: list[int] = field(default_factory=list)
    requeued: list[int] = field(default_factory=list)  # handed back: yielded or left unfinished
    lost: list[int] = field(default_factory=list)  # cancelled or re-queued by the beat meanwhile


class LeaseKeeper(threading.Thread):
    """Renews the claim's leases while the engine works, so only a dead worker's lease expires."""

    def __init__(self, database: Database, claim: jobs.Claim, lease_seconds: int) -> None:
        super().__init__(name=f"lease-{claim.token[:8]}", daemon=True)
        self.database = database
        self.claim = claim
        self.lease_seconds = lease_seconds
        self.lost: set[int] = set()
        self._stop_event = threading.Event()

    def renew(self) -> None:
        """Extend every still-held lease once; remember the jobs this claim lost."""
        with self.database.transaction() as session:
            for job_id in self.claim.job_ids:
                if job_id not in self.lost and not jobs.renew_lease(
                        session, self.claim, job_id, self.lease_seconds):
                    self.lost.add(job_id)

    def run(self) -> None:
        interval = max(self.lease_seconds / 3, 0.5)
        while not self._stop_event.wait(interval):
            try:
                self.renew()
            except Exception:  # database briefly away: the next round or the beat sorts it out
                log.warning("could not renew leases of %s", self.claim.job_ids, exc_info=True)

    def stop(self) -> None:
        """End the renewals (the caller closes or releases the jobs)."""
        self._stop_event.set()
        self.join(timeout=5)


@dataclass
class BatchSizer:
    """How many of a claim's segments the next engine call takes.

    The first call takes ``first`` segments, so progress shows soon; later calls grow toward
    ``target_seconds`` of model time each (at the rate measured so far), up to ``largest``.
    Larger calls pool segments of several articles, which CTranslate2 sorts by length and shares
    between its replicas with less padding and idle time (docs/benchmarks.md, "Machine
    translation throughput"); the cap bounds how long progress, a lease renewal race and a
    breaking-news hand-back wait. ``largest`` <= ``first`` keeps every call at ``first``.
    """

    first: int = BATCH_FIRST
    largest: int = BATCH_LARGEST
    target_seconds: float = BATCH_SECONDS
    _segments: int = 0
    _seconds: float = 0.0

    def next_size(self, remaining: int | None = None) -> int:
        """Segments for the next engine call; a grown call also takes a ``remaining`` tail
        shorter than ``first`` (one call of 41 sorts and shares better than 33 then 8)."""
        if self.largest <= self.first or not self._segments:
            return max(1, self.first)
        if self._seconds <= 0:
            size = self.largest
        else:
            rate = self._segments / self._seconds
            size = max(self.first, min(self.largest, int(rate * self.target_seconds)))
        if remaining is not None and remaining - size < self.first:
            size = max(size, min(remaining, self.largest))
        return size

    def observe(self, segments: int, seconds: float) -> None:
        """Record one engine call: how many segments it translated and how long it took."""
        self._segments += segments
        self._seconds += max(seconds, 0.0)


def _result_for(translation_id: int, translation: Translation) -> jobs.MachineResult:
    return jobs.MachineResult(
        translation_id=translation_id,
        text=translation.text,
        origin=translation.origin,
        route=translation.route.to_json() if translation.route else None,
        checks=[c.to_json() for c in translation.checks],
        suggestions=[s.to_json() for s in translation.memory_suggestions],
        confidence=translation.confidence,
    )


def _breaking_waiting(database: Database, pairs: Collection[tuple[str, str]] | None) -> bool:
    with database.transaction() as session:
        return bool(session.scalar(select(exists().where(
            jobs.claimable(), jobs.serving(pairs), TranslationJob.priority == "breaking"))))


def work_once(database: Database, engine: Engine, worker: str, *, prefer: int | None = None,
              batch_size: int = BATCH_FIRST, batch_max: int | None = None,
              batch_seconds: float = BATCH_SECONDS,
              lease_seconds: int = 600, max_segments: int = 200,
              on_batch: Callable[[int], None] | None = None,
              pairs: Collection[tuple[str, str]] | None = None) -> RunReport:
    """Claim the most urgent queued work, translate it in batches, record it, close the jobs.

    The first batch has ``batch_size`` segments; later ones grow toward ``batch_seconds`` of
    engine time, up to ``batch_max`` (None: every batch ``batch_size``), see ``BatchSizer``.
    Between batches a normal claim hands its remaining jobs back when breaking news it could
    take is queued, and jobs cancelled or re-queued meanwhile are dropped. ``pairs``: the
    language pairs this worker's models serve (None: any).
    """
    with database.transaction() as session:
        claim = jobs.claim_next(session, worker, prefer=prefer, lease_seconds=lease_seconds,
                                max_segments=max_segments, pairs=pairs)
    if claim is None:
        return RunReport(job_ids=[])
    report = RunReport(job_ids=list(claim.job_ids), outcome="done")
    keeper = LeaseKeeper(database, claim, lease_seconds)
    keeper.start()
    try:
        sizer = BatchSizer(batch_size, batch_max or batch_size, batch_seconds)
        _translate(database, engine, claim, keeper, report, sizer, lease_seconds, on_batch,
                   pairs)
    except Exception as exc:
        _handle_error(database, claim, report, exc)
    finally:
        keeper.stop()
    return report


def _translate(database: Database, engine: Engine, claim: jobs.Claim, keeper: LeaseKeeper,
               report: RunReport, sizer: BatchSizer, lease_seconds: int,
               on_batch: Callable[[int], None] | None,
               pairs: Collection[tuple[str, str]] | None = None) -> None:
    with database.transaction() as session:
        memory = DatabaseMemory(session, claim.source_language, claim.target_language)
        memory.preload([text for _job, _tid, text in claim.work])
        glossary = glossary_for(session, claim.source_language, claim.target_language)
    yielded = False
    start = 0
    while start < len(claim.work):
        if start and claim.priority != "breaking" and _breaking_waiting(database, pairs):
            yielded = True
            break
        size = sizer.next_size(len(claim.work) - start)
        batch = [item for item in claim.work[start:start + size] if item[0] not in keeper.lost]
        start += size
        if not batch:
            continue
        began = time.perf_counter()
        translations = engine.translate(
            [text for _job, _tid, text in batch], claim.source_language,
            claim.target_language, glossary=glossary, memory=memory)
        sizer.observe(len(batch), time.perf_counter() - began)
        by_job: dict[int, list[jobs.MachineResult]] = {}
        for (job_id, translation_id, _text), translation in zip(batch, translations, strict=True):
            by_job.setdefault(job_id, []).append(_result_for(translation_id, translation))
        with database.transaction() as session:
            for job_id, results in sorted(by_job.items()):  # one lock order: no deadlocks
                if not jobs.renew_lease(session, claim, job_id, lease_seconds):
                    keeper.lost.add(job_id)
                    continue
                report.translated += jobs.record_results(session, claim, job_id, results,
                                                         lease_seconds)
        if on_batch:
            on_batch(report.translated)
    with database.transaction() as session:
        for job_id in sorted(claim.job_ids):
            if job_id in keeper.lost:
                report.lost.append(job_id)
            elif not yielded and jobs.finish(session, claim, job_id, lease_seconds):
                report.finished.append(job_id)
            elif jobs.release(session, claim, job_id, JobState.QUEUED,
                              "handed back for breaking news" if yielded else None):
                report.requeued.append(job_id)  # yielded, or new segments arrived meanwhile
            else:
                report.lost.append(job_id)
    if yielded:
        report.outcome = "yielded"


def _handle_error(database: Database, claim: jobs.Claim, report: RunReport,
                  exc: Exception) -> None:
    """Typed engine errors decide the job's fate: wait for a model, retry later, or fail."""
    from sqlalchemy.exc import OperationalError

    from translations.errors import EngineUnavailable, NoRoute, TranslationError

    if isinstance(exc, NoRoute):
        report.outcome = "waiting_for_model"
        with database.transaction() as session:
            for job_id in claim.job_ids:
                jobs.release(session, claim, job_id, JobState.WAITING_FOR_MODEL, str(exc))
        return
    if isinstance(exc, EngineUnavailable | OperationalError):  # busy engine or database
        report.outcome = "retry"
        log.warning("jobs %s will retry: %s", claim.job_ids, exc)
        _release_for_retry(database, claim, str(exc).splitlines()[0][:500])
        return
    report.outcome = "failed"
    error = str(exc) if isinstance(exc, TranslationError) else f"{type(exc).__name__}: {exc}"
    if not isinstance(exc, TranslationError):
        log.exception("translation of jobs %s failed", claim.job_ids)
    with database.transaction() as session:
        for job_id in claim.job_ids:
            jobs.release(session, claim, job_id, JobState.FAILED, error)
    raise exc


def _release_for_retry(database: Database, claim: jobs.Claim, error: str) -> None:
    with database.transaction() as session:
        for job_id in claim.job_ids:
            job = session.get(TranslationJob, job_id)
            if job is None:  # deleted with its article meanwhile
                continue
            if job.attempts >= MAX_ATTEMPTS:
                jobs.release(session, claim, job_id, JobState.FAILED,
                             f"gave up after {job.attempts} attempts: {error}")
                continue
            delay = TRANSIENT_BACKOFF[min(job.attempts - 1, len(TRANSIENT_BACKOFF) - 1)]
            jobs.release(session, claim, job_id, JobState.QUEUED, error,
                         retry_at=utcnow() + timedelta(seconds=delay))
