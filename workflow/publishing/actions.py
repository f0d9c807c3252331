"""Every publishing action in one registry: which actions an edition offers in its state, and one
``perform`` that the edition page, the publishing desk, the API and the CLI all call, with the
same permission check and the same services behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.errors import Conflict, InvalidInput, NotFound
from workflow.models import Edition, Publication, User
from workflow.permissions import Action, require
from workflow.publishing import embargo
from workflow.publishing import publish as publishing
from workflow.states import EditionState

# action → (edition states that offer it, what the action needs from the person)
ACTIONS: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    "publish": (frozenset({EditionState.APPROVED}), ("embargo_until?", "note?")),
    "release_now": (frozenset({EditionState.SCHEDULED}), ()),
    "reschedule": (frozenset({EditionState.SCHEDULED}), ("embargo_until",)),
    "cancel_schedule": (frozenset({EditionState.SCHEDULED}), ()),
    "correct": (frozenset({EditionState.PUBLISHED}), ()),
    "kill": (frozenset({EditionState.PUBLISHED, EditionState.SCHEDULED}), ("reason",)),
    "reopen": (frozenset({EditionState.WITHDRAWN}), ()),
}
DANGEROUS = frozenset({"kill", "cancel_schedule"})


def actions_for(state: str) -> list[str]:
    """The actions an edition in ``state`` offers, in the order the desk shows them."""
    return [name for name, (states, _needs) in ACTIONS.items() if state in states]


@dataclass(frozen=True)
class Outcome:
    """What an action did, for a message that says so ("Published at 14:05")."""

    action: str
    edition_id: int
    article_id: int
    language: str
    state: str
    version: int | None
    at: datetime | None  # when it went live, or the embargo time it waits for

    def as_dict(self) -> dict:
        """JSON for the API and the CLI."""
        return {"action": self.action, "edition_id": self.edition_id,
                "article_id": self.article_id, "language": self.language, "state": self.state,
                "version": self.version, "at": self.at.isoformat() if self.at else None}


# action → the permission it needs (workflow.permissions is the one table)
PERMISSION: dict[str, Action] = {
    "publish": Action.PUBLISH, "release_now": Action.PUBLISH, "reschedule": Action.PUBLISH,
    "cancel_schedule": Action.PUBLISH, "correct": Action.CORRECT, "kill": Action.KILL,
    "reopen": Action.PUBLISH,
}


def require_publisher(session: Session, user_id: int | None, edition: Edition | None = None,
                      action: str = "publish") -> User:
    """The person may do ``action`` on ``edition`` (its language) by the permission table."""
    user = session.get(User, user_id) if user_id is not None else None
    require(user, PERMISSION.get(action, Action.PUBLISH),
            edition.language if edition is not None else None)
    assert user is not None  # require() refuses a missing person
    return user


def latest_version_of(session: Session, edition_id: int) -> Publication | None:
    """The newest version of an edition (scheduled, live, replaced or withdrawn), if any."""
    return session.scalar(select(Publication).where(Publication.edition_id == edition_id)
                          .order_by(Publication.version.desc()).limit(1))


def _edition(session: Session, edition_id: int) -> Edition:
    edition = session.get(Edition, edition_id)
    if edition is None:
        raise NotFound(f"No edition {edition_id}.")
    return edition


def perform(session: Session, action: str, edition_id: int, user_id: int | None, *,
            embargo_until: datetime | None = None, note: str | None = None,
            reason: str | None = None, now: datetime | None = None) -> Outcome:
    """Check the person may act, run the one service for ``action``, say what happened."""
    if action not in ACTIONS:
        raise InvalidInput(f"Unknown action {action!r}; use one of {', '.join(ACTIONS)}.",
                           code="unknown_action")
    edition = _edition(session, edition_id)
    require_publisher(session, user_id, edition, action)
    row: Publication | None = None
    if action == "publish":
        if embargo.was_killed(session, edition.id) and not (note or "").strip():
            raise InvalidInput("Say why the withdrawn story is released again: partners see "
                               "this note with the new version.", code="note_required")
        row = publishing.publish_edition(session, edition.id, user_id, embargo_until,
                                         correction_note=note, now=now)
    elif action == "release_now":
        row = embargo.release_now(session, edition.id, user_id, now=now)
    elif action == "reschedule":
        row = embargo.reschedule(session, edition.id, user_id, embargo_until, now=now)
    elif action == "cancel_schedule":
        embargo.cancel_schedule(session, edition.id, user_id)
    elif action == "correct":
        publishing.reopen_for_correction(session, edition.id, user_id)
    elif action == "kill":
        row = publishing.kill_edition(session, edition.id, user_id, reason or "", now=now)
    elif action == "reopen":
        embargo.reopen_after_kill(session, edition.id, user_id)
    session.flush()
    at = None
    if row is not None:
        at = row.embargo_until if row.status == "scheduled" else row.published_at
    return Outcome(action=action, edition_id=edition.id, article_id=edition.article_id,
                   language=edition.language, state=edition.state,
                   version=row.version if row is not None else None, at=at)


def kill_article(session: Session, article_id: int, user_id: int | None, reason: str,
                 now: datetime | None = None) -> list[Outcome]:
    """Withdraw every published or scheduled edition of an article (each checked like one)."""
    editions = session.scalars(select(Edition).where(
        Edition.article_id == article_id,
        Edition.state.in_((EditionState.PUBLISHED, EditionState.SCHEDULED)))
        .order_by(Edition.id)).all()
    if not editions:
        raise Conflict("No edition of this article is published or scheduled.",
                       code="not_published")
    return [perform(session, "kill", e.id, user_id, reason=reason, now=now) for e in editions]
