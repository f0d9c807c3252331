"""The state machines of jobs, editions, segments and publications: one transition table each."""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum
from typing import Any, TypeVar

from workflow.errors import Conflict

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


class PublicationStatus(StrEnum):
    """Where one published version stands, as partners see it."""

    SCHEDULED = "scheduled"  # waiting for its embargo
    RELEASING = "releasing"  # claimed by one beat tick that is publishing it
    USABLE = "usable"  # the version partners see
    SUPERSEDED = "superseded"  # a newer version (or a kill) replaced it
    CANCELED = "canceled"  # a dropped schedule, or the kill notice itself


class IllegalTransition(Conflict):
    """A move the state machine's table (or the asking service) does not allow: a 409."""

    code = "illegal_transition"

    def __init__(self, machine: str, current: str, target: str, *, code: str | None = None,
                 message: str | None = None) -> None:
        text = (message or "{machine}: cannot go from {current!r} to {target!r}").format(
            machine=machine, current=current, target=target)
        super().__init__(text, code=code, state=current)
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

PUBLICATION_TRANSITIONS: dict[PublicationStatus, frozenset[PublicationStatus]] = {
    PublicationStatus.SCHEDULED: frozenset(
        {PublicationStatus.RELEASING, PublicationStatus.USABLE, PublicationStatus.CANCELED}
    ),
    PublicationStatus.RELEASING: frozenset({PublicationStatus.USABLE}),
    PublicationStatus.USABLE: frozenset({PublicationStatus.SUPERSEDED}),
    PublicationStatus.SUPERSEDED: frozenset(),
    PublicationStatus.CANCELED: frozenset(),
}

_TABLES: dict[type[StrEnum], tuple[str, dict[Any, frozenset[Any]]]] = {
    JobState: ("job", JOB_TRANSITIONS),
    EditionState: ("edition", EDITION_TRANSITIONS),
    SegmentState: ("segment", SEGMENT_TRANSITIONS),
    PublicationStatus: ("publication", PUBLICATION_TRANSITIONS),
}


def check_transition(current: S | str, target: S, *, only_from: Collection[S] | None = None,
                     code: str | None = None, message: str | None = None) -> S:
    """Return ``target`` if the table allows ``current → target``, else raise IllegalTransition.

    ``only_from`` narrows the table for one service's move (send back: only from submitted);
    ``code`` and ``message`` (``{current}`` is filled in) say the refusal in the service's words.
    """
    enum_type = type(target)
    machine, table = _TABLES[enum_type]
    current_state = enum_type(current)
    allowed = target in table.get(current_state, frozenset())
    if not allowed or (only_from is not None and current_state not in only_from):
        raise IllegalTransition(machine, current_state.value, target.value, code=code,
                                message=message)
    return target


def transition(obj: object, target: S, attribute: str = "state", *,
               only_from: Collection[S] | None = None, code: str | None = None,
               message: str | None = None) -> None:
    """Move ``obj.<attribute>`` to ``target`` via its table: the only way states change."""
    current = getattr(obj, attribute)
    check_transition(current, target, only_from=only_from, code=code, message=message)
    setattr(obj, attribute, target.value)
