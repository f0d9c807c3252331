"""A claim's engine calls start small (progress soon) and grow toward a time budget (throughput)."""

from __future__ import annotations

import time

import pytest

from tests.jobs.conftest import FakeEngine, job_rows, queue, states
from workflow.jobs.run import BatchSizer, work_once


def test_the_first_call_is_small_then_calls_grow_toward_the_time_budget():
    sizer = BatchSizer(first=16, largest=64, target_seconds=5.0)
    assert sizer.next_size() == 16
    sizer.observe(16, 4.0)  # 4 segments/s: 5 s buys 20
    assert sizer.next_size() == 20
    sizer.observe(20, 1.0)  # 36 segments in 5 s so far: 7.2/s, 5 s buys 36
    assert sizer.next_size() == 36


def test_a_grown_call_takes_a_tail_shorter_than_the_first_size():
    sizer = BatchSizer(first=16, largest=64, target_seconds=5.0)
    assert sizer.next_size(remaining=57) == 16  # the first call stays small: progress soon
    sizer.observe(16, 2.4)  # 6.7 segments/s: 5 s buys 33, leaving 8 < 16
    assert sizer.next_size(remaining=41) == 41
    assert sizer.next_size(remaining=60) == 33
    assert sizer.next_size(remaining=90) == 33
    sizer.observe(33, 0.1)
    assert sizer.next_size(remaining=70) == 64  # never above the cap


def test_growth_is_capped_and_never_shrinks_below_the_first_size():
    fast = BatchSizer(first=16, largest=64, target_seconds=5.0)
    fast.observe(16, 0.01)
    assert fast.next_size() == 64
    slow = BatchSizer(first=16, largest=64, target_seconds=5.0)
    slow.observe(16, 60.0)  # a big model: 5 s is under one segment
    assert slow.next_size() == 16
    instant = BatchSizer(first=16, largest=64)
    instant.observe(16, 0.0)  # all memory hits
    assert instant.next_size() == 64


@pytest.mark.parametrize("largest", [None, 4, 2])
def test_a_cap_not_above_the_first_size_keeps_every_call_fixed(largest):
    sizer = BatchSizer(first=4, largest=largest or 4)
    for _ in range(3):
        assert sizer.next_size() == 4
        sizer.observe(4, 0.001)


class TimedEngine(FakeEngine):
    """A fake engine whose calls take ``seconds_per_segment`` each segment."""

    def __init__(self, seconds_per_segment: float) -> None:
        super().__init__()
        self.seconds_per_segment = seconds_per_segment

    def translate(self, texts, source, target, *, glossary=None, memory=None):
        time.sleep(self.seconds_per_segment * len(texts))
        return super().translate(texts, source, target, glossary=glossary, memory=memory)


def test_a_claim_of_several_articles_is_translated_in_growing_pooled_calls(app, make_article):
    database = app.extensions["audarma.db"]
    for _ in range(4):  # 4 articles × 15 segments: one claim (≤ 200 segments, ≤ 8 jobs)
        queue(app, make_article, sentences=14, targets=("kk",), dispatch=False)
    engine = TimedEngine(0.01)  # 100 segments/s: 0.5 s buys 50
    report = work_once(database, engine, "w1", batch_size=4, batch_max=40, batch_seconds=0.5)
    sizes = [len(call) for call in engine.calls]
    assert sum(sizes) == 60 and sizes[0] == 4
    assert max(sizes) == 40 and len(sizes) <= 4, sizes  # pooled across articles, capped
    assert len(report.finished) == 4 and states(app) == {"in_review": 4}
    assert all(job.segments_done == job.segments_total == 15 for job in job_rows(app))


def test_without_a_cap_every_call_has_the_batch_size(app, make_article):
    database = app.extensions["audarma.db"]
    queue(app, make_article, sentences=9, targets=("kk",), dispatch=False)
    engine = FakeEngine()
    work_once(database, engine, "w1", batch_size=3)
    assert [len(call) for call in engine.calls] == [3, 3, 3, 1]
