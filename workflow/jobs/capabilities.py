"""Which live worker serves which language pair, and what waits because none does.

Every worker writes its own heartbeat row with the pairs its installed models serve (direct or
through a pivot). A queued job whose pair no live worker serves is moved to
``waiting_for_model`` with a reason the desk shows ("no worker serves en→kk since 14:02"), and
moved back to the queue as soon as one does: a worker that merely lacks a model does not decide
for the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.db import utcnow
from workflow.jobs.claims import move_job
from workflow.models import TranslationJob, WorkerHeartbeat
from workflow.states import JobState

LIVE_SECONDS = 90  # a worker refreshes its row every 20 s; three missed refreshes and it is gone

Pair = tuple[str, str]


def pair_key(pair: Pair) -> str:
    """``("en", "kk")`` → ``"en-kk"`` (queue names and heartbeat rows)."""
    return f"{pair[0]}-{pair[1]}"


def parse_pair(key: str) -> Pair | None:
    """``"en-kk"`` → ``("en", "kk")``; None for anything else."""
    source, sep, target = key.partition("-")
    return (source, target) if sep and source and target else None


def record_worker(session: Session, name: str, pairs: Iterable[Pair], models: Iterable[str],
                  *, queue_pairs: Iterable[Pair] | None = None, starting: bool = False,
                  now: datetime | None = None) -> None:
    """Upsert a worker's heartbeat: the pairs its packages serve now, and the pairs whose queues
    it consumes (fixed when it started; a package installed since is served, not subscribed)."""
    now = now or utcnow()
    row = session.scalar(select(WorkerHeartbeat).where(WorkerHeartbeat.hostname == name))
    if row is None:
        row = WorkerHeartbeat(hostname=name, started_at=now)
        session.add(row)
    elif starting:
        row.started_at = now
    row.seen_at = now
    row.pairs = sorted(pair_key(p) for p in pairs)
    row.queue_pairs = sorted(pair_key(p) for p in (row_pairs(row) if queue_pairs is None
                                                     else queue_pairs))
    row.models = sorted(models)
    session.flush()


def row_pairs(row: WorkerHeartbeat) -> list[Pair]:
    """The pairs a heartbeat row says its worker can serve."""
    return [p for p in (parse_pair(k) for k in row.pairs or []) if p]


@dataclass(frozen=True)
class Coverage:
    """The pairs live workers serve and subscribe to, and when each pair was last served."""

    live: frozenset[Pair]
    last_served: dict[Pair, datetime]
    reporting: bool  # at least one live worker reports its pairs
    subscribed: frozenset[Pair] = frozenset()

    def serves(self, pair: Pair) -> bool:
        """True when a live worker serves ``pair``."""
        return pair in self.live


def coverage(session: Session, now: datetime | None = None,
             live_seconds: int = LIVE_SECONDS) -> Coverage:
    """Read every heartbeat once: live pairs and the last time each pair had a worker."""
    now = now or utcnow()
    live: set[Pair] = set()
    subscribed: set[Pair] = set()
    last: dict[Pair, datetime] = {}
    reporting = False
    for row in session.scalars(select(WorkerHeartbeat)):
        fresh = row.seen_at >= now - timedelta(seconds=live_seconds)
        if fresh and row.pairs is not None and row.started_at is not None:
            reporting = True
        for pair in row_pairs(row):
            if fresh:
                live.add(pair)
            if pair not in last or row.seen_at > last[pair]:
                last[pair] = row.seen_at
        if fresh:
            subscribed.update(p for p in (parse_pair(k) for k in row.queue_pairs or []) if p)
    return Coverage(frozenset(live), last, reporting, frozenset(subscribed))


def unserved_reason(pair: Pair, since: datetime | None) -> str:
    """The reason a job waits, as stored on the job (the desk formats the time itself)."""
    arrow = f"{pair[0]}→{pair[1]}"
    if since is None:
        return f"no worker serves {arrow}"
    return f"no worker serves {arrow} since {since.isoformat(timespec='seconds')}"


def parse_reason(error: str | None) -> tuple[Pair, datetime | None] | None:
    """The pair and time of a stored "no worker serves" reason, or None for any other error."""
    prefix = "no worker serves "
    if not error or not error.startswith(prefix):
        return None
    arrow, _, since = error[len(prefix):].partition(" since ")
    source, _, target = arrow.partition("→")
    try:
        moment = datetime.fromisoformat(since) if since else None
    except ValueError:
        moment = None
    return ((source, target), moment) if source and target else None


def hold_unserved(session: Session, cover: Coverage) -> list[int]:
    """Move queued jobs of pairs no live worker serves to ``waiting_for_model``."""
    held = []
    rows = session.execute(select(TranslationJob.id, TranslationJob.source_language,
                                  TranslationJob.target_language)
                           .where(TranslationJob.state == JobState.QUEUED.value)).all()
    for job_id, source, target in rows:
        pair = (source, target)
        if cover.serves(pair):
            continue
        if move_job(session, job_id, JobState.QUEUED, JobState.WAITING_FOR_MODEL,
                    error=unserved_reason(pair, cover.last_served.get(pair)),
                    needs_dispatch=False):
            held.append(job_id)
    return held
