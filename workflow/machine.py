"""Run claimed jobs through the machine-translation engine, outside any open transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from workflow import jobs
from workflow.db import Database, utcnow
from workflow.memory import DatabaseMemory, glossary_for
from workflow.states import JobState

log = logging.getLogger(__name__)

TRANSIENT_BACKOFF = (5, 30, 120, 600)
MAX_ATTEMPTS = 5


@dataclass
class RunReport:
    """What one wake-up of a worker did."""

    job_ids: list[int]
    translated: int = 0
    outcome: str = "idle"


def _result_for(translation_id: int, translation) -> jobs.MachineResult:
    route = translation.route
    route_json = None
    if route is not None:
        route_json = route.to_json() if hasattr(route, "to_json") else dict(route)
    return jobs.MachineResult(
        translation_id=translation_id,
        text=translation.text,
        origin=translation.origin,
        route=route_json,
        checks=[c.to_json() for c in translation.checks],
        suggestions=[s.to_json() if hasattr(s, "to_json") else dict(s)
                     for s in getattr(translation, "memory_suggestions", [])],
    )


def work_once(database: Database, engine, worker: str, *, prefer: int | None = None,
              batch_size: int = 64, lease_seconds: int = 600, max_segments: int = 200,
              on_batch: Callable[[int], None] | None = None) -> RunReport:
    """Claim the most urgent queued work, translate it in batches, record it, close the jobs."""
    from translations.errors import EngineUnavailable, NoRoute, TranslationError

    with database.transaction() as session:
        claim = jobs.claim_next(session, worker, prefer=prefer, lease_seconds=lease_seconds,
                                max_segments=max_segments)
    if claim is None:
        return RunReport(job_ids=[])
    report = RunReport(job_ids=list(claim.job_ids), outcome="done")
    with database.transaction() as session:
        memory = DatabaseMemory(session, claim.source_language, claim.target_language)
        memory.preload([text for _job, _tid, text in claim.work])
        glossary = glossary_for(session, claim.source_language, claim.target_language)
    try:
        for start in range(0, len(claim.work), batch_size):
            batch = claim.work[start:start + batch_size]
            translations = engine.translate(
                [text for _job, _tid, text in batch], claim.source_language,
                claim.target_language, glossary=glossary, memory=memory)
            by_job: dict[int, list[jobs.MachineResult]] = {}
            for (job_id, translation_id, _text), translation in zip(batch, translations,
                                                                     strict=True):
                by_job.setdefault(job_id, []).append(_result_for(translation_id, translation))
            with database.transaction() as session:
                for job_id, results in by_job.items():
                    report.translated += jobs.record_results(session, claim, job_id, results,
                                                             lease_seconds)
            if on_batch:
                on_batch(report.translated)
        with database.transaction() as session:
            for job_id in claim.job_ids:
                jobs.finish(session, claim, job_id)
    except NoRoute as exc:
        report.outcome = "waiting_for_model"
        with database.transaction() as session:
            for job_id in claim.job_ids:
                jobs.release(session, claim, job_id, JobState.WAITING_FOR_MODEL, str(exc))
    except EngineUnavailable as exc:
        report.outcome = "retry"
        _release_for_retry(database, claim, str(exc))
    except TranslationError as exc:
        report.outcome = "failed"
        with database.transaction() as session:
            for job_id in claim.job_ids:
                jobs.release(session, claim, job_id, JobState.FAILED, str(exc))
        raise
    except Exception as exc:
        report.outcome = "failed"
        log.exception("translation of jobs %s failed", claim.job_ids)
        with database.transaction() as session:
            for job_id in claim.job_ids:
                jobs.release(session, claim, job_id, JobState.FAILED,
                             f"{type(exc).__name__}: {exc}")
        raise
    return report


def _release_for_retry(database: Database, claim: jobs.Claim, error: str) -> None:
    from workflow.models import TranslationJob

    with database.transaction() as session:
        for job_id in claim.job_ids:
            job = session.get(TranslationJob, job_id)
            if job.attempts >= MAX_ATTEMPTS:
                jobs.release(session, claim, job_id, JobState.FAILED,
                             f"gave up after {job.attempts} attempts: {error}")
                continue
            delay = TRANSIENT_BACKOFF[min(job.attempts - 1, len(TRANSIENT_BACKOFF) - 1)]
            jobs.release(session, claim, job_id, JobState.QUEUED, error,
                         retry_at=utcnow() + timedelta(seconds=delay))
