"""How a worker feeds the engine, for benchmarks: claims of queued jobs, then sized calls.

claim_queue mirrors workflow.jobs.claims.claim_next (same-pair jobs bundled up to 200 segments and 8
jobs, a job that does not fit left for a later claim); worker_calls mirrors workflow.jobs.run's
loop (calls sized by workflow.jobs.run.BatchSizer with the worker's defaults).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Claim:
    """One claim: its language pair's target, its jobs' segments in job order, how many jobs."""

    target: str
    segments: list[str] = field(default_factory=list)
    jobs: int = 0


def claim_queue(
    queue: list[tuple[str, list[str]]], max_segments: int = 200, max_jobs: int = 8
) -> list[Claim]:
    """Queued (target, segments) jobs, oldest first, as successive claims take them."""
    waiting = list(queue)
    claims = []
    while waiting:
        claim = Claim(waiting[0][0])
        budget, left = max_segments, []
        for target, segments in waiting:
            fits = not claim.jobs or len(segments) <= budget
            if target == claim.target and claim.jobs < max_jobs and fits:
                claim.segments.extend(segments)
                claim.jobs += 1
                budget -= len(segments)
            else:
                left.append((target, segments))
        claims.append(claim)
        waiting = left
    return claims


def worker_calls(translate: Callable[[list[str]], None], segments: list[str],
                 largest: int | None = None) -> list[int]:
    """Translate one claim's segments in calls sized as a worker sizes them; the sizes made.

    ``largest`` stands for ``AUDARMA_JOB_BATCH_MAX`` (default: the worker's).
    """
    from workflow.jobs.run import BATCH_LARGEST, BatchSizer

    sizer, sizes, start = BatchSizer(largest=largest or BATCH_LARGEST), [], 0
    while start < len(segments):
        batch = segments[start : start + sizer.next_size(len(segments) - start)]
        began = time.perf_counter()
        translate(batch)
        sizer.observe(len(batch), time.perf_counter() - began)
        start += len(batch)
        sizes.append(len(batch))
    return sizes
