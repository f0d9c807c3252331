"""The embargo and kill life cycle: release a scheduled version early, move or cancel its time,
and reopen a killed edition for a corrected re-release (a new version of the same item).

A scheduled version partners never saw is deleted when its schedule is dropped (cancel or kill):
it was never an item, so it must not surface as one, and the next version keeps the numbering
partners see without a gap. The audit log keeps what was dropped.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workflow import model_licences
from workflow.db import utcnow
from workflow.errors import Conflict, InvalidInput, NotFound
from workflow.models import AuditEvent, Edition, Publication
from workflow.publishing.publish import _go_live, drop_scheduled
from workflow.states import EditionState, transition


def _edition(session: Session, edition_id: int) -> Edition:
    edition = session.get(Edition, edition_id)
    if edition is None:
        raise NotFound(f"No edition {edition_id}.")
    return edition


def _audit(session: Session, user_id: int | None, action: str, edition: Edition,
           **detail: object) -> None:
    session.add(AuditEvent(actor_id=user_id, action=action, article_id=edition.article_id,
                           edition_id=edition.id, detail=detail))


def scheduled_version(session: Session, edition_id: int) -> Publication | None:
    """The version waiting for its embargo time, if any."""
    return session.scalar(select(Publication).where(Publication.edition_id == edition_id,
                                                    Publication.status == "scheduled"))


def _require_scheduled(session: Session, edition: Edition) -> Publication:
    row = scheduled_version(session, edition.id)
    if edition.state != EditionState.SCHEDULED or row is None:
        raise Conflict(f"Only a scheduled edition has an embargo to change; this one is "
                       f"{edition.state}.", code="not_scheduled")
    return row


def _future(moment: datetime | None, now: datetime) -> datetime:
    if moment is None:
        raise InvalidInput("Give the new embargo time.", code="embargo_required")
    if moment.tzinfo is None:
        raise InvalidInput("The embargo time needs a time zone.", code="naive_embargo")
    if moment <= now:
        raise InvalidInput("The new embargo time is already past; release the story now instead.",
                           code="embargo_past")
    return moment


def release_now(session: Session, edition_id: int, user_id: int | None,
                now: datetime | None = None) -> Publication:
    """Lift the embargo: the scheduled version goes live at once (claimed like the beat does)."""
    now = now or utcnow()
    edition = _edition(session, edition_id)
    row = _require_scheduled(session, edition)
    model_licences.check_publishable(session, edition)  # the setting may have changed since
    result = session.execute(update(Publication).where(
        Publication.id == row.id, Publication.status == "scheduled")
        .values(status="releasing"))
    claimed = getattr(result, "rowcount", 0)  # an UPDATE's CursorResult counts its rows
    if not claimed:  # the beat released it a moment ago
        raise Conflict("This edition was released in the meantime.", code="not_scheduled")
    session.refresh(row)
    embargo = row.embargo_until
    _go_live(session, row, edition, now)
    _audit(session, user_id, "release_now", edition, version=row.version,
           embargo_until=embargo.isoformat() if embargo else None)
    return row


def reschedule(session: Session, edition_id: int, user_id: int | None,
               embargo_until: datetime | None, now: datetime | None = None) -> Publication:
    """Move a scheduled version's embargo to another (future) time."""
    now = now or utcnow()
    edition = _edition(session, edition_id)
    row = _require_scheduled(session, edition)
    moment = _future(embargo_until, now)
    before = row.embargo_until
    row.embargo_until = moment
    _audit(session, user_id, "reschedule", edition, version=row.version,
           embargo_from=before.isoformat() if before else None, embargo_until=moment.isoformat())
    return row


def cancel_schedule(session: Session, edition_id: int, user_id: int | None) -> Edition:
    """Drop a pending schedule: the edition is approved again and nothing reaches partners."""
    edition = _edition(session, edition_id)
    row = _require_scheduled(session, edition)
    _audit(session, user_id, "cancel_schedule", edition, version=row.version,
           embargo_until=row.embargo_until.isoformat() if row.embargo_until else None,
           correction_note=row.correction_note)
    drop_scheduled(session, row)
    transition(edition, EditionState.APPROVED)
    return edition


def reopen_after_kill(session: Session, edition_id: int, user_id: int | None) -> Edition:
    """Send a withdrawn edition back to editing for a corrected re-release.

    The killed version stays what partners see until the edition is approved and published
    again; that publication is the next version of the same item (``pubStatus`` back to usable,
    with the correction note that says why it returns).
    """
    edition = _edition(session, edition_id)
    if edition.state != EditionState.WITHDRAWN:
        raise Conflict(f"Only a withdrawn edition can be reopened; this one is {edition.state}.",
                       code="not_withdrawn")
    transition(edition, EditionState.EDITING)
    _audit(session, user_id, "reopen_after_kill", edition)
    return edition


def was_killed(session: Session, edition_id: int) -> bool:
    """True if the latest version partners received is a kill (a re-release must say why)."""
    status = session.scalar(select(Publication.status).where(
        Publication.edition_id == edition_id, Publication.status != "scheduled")
        .order_by(Publication.version.desc()).limit(1))
    return status == "canceled"
