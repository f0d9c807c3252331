"""The state machines of jobs, editions and publications: one transition table each."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

S = TypeVar("S", bound=StrEnum)


class JobState(StrEnum):
    """Where a machine-translation job stands."""

    QUEUED = "queued"
    TRANSLATING = "translating"
    WAITING_FOR_MODEL = "waiting_for_model"
    IN_REVIEW = "in_review"
    FAILED = "failed"
    CANCELLED = "cancelled"


class EditionState(StrEnum):
    """Where one language edition of an article stands."""

    TRANSLATING = "translating"
    EDITING = "editing"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"


class SegmentState(StrEnum):
    """Where one translated segment stands in post-editing."""

    PENDING = "pending"
    MACHINE = "machine"
    DRAFT = "draft"
    CONFIRMED = "confirmed"
    SOURCE_CHANGED = "source_changed"


class IllegalTransition(Exception):
    """Raised when something asks a state machine for a move its table does not allow."""

    def __init__(self, machine: str, current: str, target: str) -> None:
        super().__init__(f"{machine}: cannot go from {current!r} to {target!r}")
        self.machine = machine
        self.current = current
        self.target = target


JOB_TRANSITIONS: dict[JobState, frozenset[JobState]] = {
    JobState.QUEUED: frozenset(
        {JobState.TRANSLATING, JobState.WAITING_FOR_MODEL, JobState.CANCELLED, JobState.FAILED}
    ),
    JobState.TRANSLATING: frozenset(
        {
            JobState.IN_REVIEW,
            JobState.QUEUED,  # lease expired or transient error: back in the queue
            JobState.WAITING_FOR_MODEL,
            JobState.FAILED,
            JobState.CANCELLED,
        }
    ),
    JobState.WAITING_FOR_MODEL: frozenset({JobState.QUEUED, JobState.CANCELLED}),
    JobState.FAILED: frozenset({JobState.QUEUED, JobState.CANCELLED}),
    JobState.IN_REVIEW: frozenset({JobState.QUEUED}),  # source edited: re-translate changes
    JobState.CANCELLED: frozenset({JobState.QUEUED}),
}

EDITION_TRANSITIONS: dict[EditionState, frozenset[EditionState]] = {
    EditionState.TRANSLATING: frozenset({EditionState.EDITING, EditionState.CANCELLED}),
    EditionState.EDITING: frozenset(
        {EditionState.SUBMITTED, EditionState.TRANSLATING, EditionState.CANCELLED}
    ),
    EditionState.SUBMITTED: frozenset({EditionState.APPROVED, EditionState.EDITING}),
    EditionState.APPROVED: frozenset(
        {EditionState.PUBLISHED, EditionState.SCHEDULED, EditionState.EDITING}
    ),
    EditionState.SCHEDULED: frozenset(
        {EditionState.PUBLISHED, EditionState.APPROVED, EditionState.WITHDRAWN,
         EditionState.EDITING}  # source edited before the embargo: the schedule is dropped
    ),
    EditionState.PUBLISHED: frozenset({EditionState.EDITING, EditionState.WITHDRAWN}),
    EditionState.WITHDRAWN: frozenset({EditionState.EDITING}),
    EditionState.CANCELLED: frozenset({EditionState.TRANSLATING}),
}

SEGMENT_TRANSITIONS: dict[SegmentState, frozenset[SegmentState]] = {
    SegmentState.PENDING: frozenset(
        {SegmentState.MACHINE, SegmentState.DRAFT, SegmentState.CONFIRMED}
    ),
    SegmentState.MACHINE: frozenset(
        {SegmentState.DRAFT, SegmentState.CONFIRMED, SegmentState.PENDING, SegmentState.MACHINE}
    ),
    SegmentState.DRAFT: frozenset(
        {SegmentState.DRAFT, SegmentState.CONFIRMED, SegmentState.SOURCE_CHANGED}
    ),
    SegmentState.CONFIRMED: frozenset(
        {SegmentState.DRAFT, SegmentState.CONFIRMED, SegmentState.SOURCE_CHANGED}
    ),
    SegmentState.SOURCE_CHANGED: frozenset({SegmentState.DRAFT, SegmentState.CONFIRMED}),
}

_TABLES = {
    JobState: ("job", JOB_TRANSITIONS),
    EditionState: ("edition", EDITION_TRANSITIONS),
    SegmentState: ("segment", SEGMENT_TRANSITIONS),
}


def check_transition(current: S | str, target: S) -> S:
    """Return ``target`` if the table allows ``current → target``, else raise IllegalTransition."""
    enum_type = type(target)
    machine, table = _TABLES[enum_type]
    current_state = enum_type(current)
    if target not in table.get(current_state, frozenset()):
        raise IllegalTransition(machine, current_state.value, target.value)
    return target


def transition(obj: object, target: StrEnum, attribute: str = "state") -> None:
    """Move ``obj.<attribute>`` to ``target`` via its table: the only way states change."""
    current = getattr(obj, attribute)
    check_transition(current, target)
    setattr(obj, attribute, target.value)
