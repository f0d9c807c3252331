"""Publish approved editions (now or at an embargo time), correct them as new versions, kill them.

Every change partners must see appends one FeedEvent. Its ``seq`` comes from the one-row
``feed_sequence`` counter, incremented with ``UPDATE … RETURNING``: the row lock is held until the
publishing transaction commits, so events become visible in ``seq`` order and a cursor reader never
sees seq n+1 before seq n (see docs/partners.md, "Cursors").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from workflow import corrections, memory_admin, metadata, model_licences
from workflow.approval import approved_snapshot
from workflow.db import rows_changed, utcnow
from workflow.errors import Conflict, InvalidInput, NotFound
from workflow.models import (
    Article,
    AuditEvent,
    Edition,
    FeedEvent,
    FeedSequence,
    Publication,
    User,
)
from workflow.partners import webhooks
from workflow.permissions import Action, require
from workflow.publishing import partner_text
from workflow.publishing.ninjs import item_uri, parse_item_uri  # noqa: F401  (re-exported)
from workflow.states import EditionState, PublicationStatus, check_transition, transition
from workflow.vocabulary import LIVE_EDITION_STATES, PUBLISHING_DESK_STATES

LIVE = ("usable", "canceled")  # statuses partners can see; "scheduled" is invisible


def disclosure_for(edition: Edition, route_label: str | None = None) -> str:
    """The sentence every item carries about how its text was made, in its own language.

    The model route is not named here (it is a provenance field for partners who ask for it).
    """
    return partner_text.disclosure(edition.language, edition.is_source)


def _next_seq(session: Session) -> int:
    """Take the feed_sequence row lock and return the next seq (held until commit)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(FeedSequence).values(id=1, value=0).on_conflict_do_nothing())
    return session.execute(
        update(FeedSequence).where(FeedSequence.id == 1)
        .values(value=FeedSequence.value + 1).returning(FeedSequence.value)
    ).scalar_one()


def append_event(session: Session, publication: Publication, kind: str) -> FeedEvent:
    """Append a publish/correct/kill event and queue webhook deliveries for it."""
    event = FeedEvent(seq=_next_seq(session), publication_id=publication.id,
                      language=publication.language, kind=kind, at=utcnow())
    session.add(event)
    session.flush()
    webhooks.queue_deliveries(session, event)
    return event


def _audit(session: Session, user_id: int | None, action: str, edition: Edition,
           **detail: object) -> None:
    session.add(AuditEvent(actor_id=user_id, action=action, article_id=edition.article_id,
                           edition_id=edition.id, detail=detail))


def _edition(session: Session, edition_id: int) -> Edition:
    edition = session.get(Edition, edition_id)
    if edition is None:
        raise NotFound(f"No edition {edition_id}.")
    return edition


def _require(session: Session, user_id: int | None, action: Action, edition: Edition) -> None:
    """A person must hold ``action`` in the edition's language; None is the system (the beat)."""
    if user_id is not None:
        require(session.get(User, user_id), action, edition.language)


def _latest(session: Session, edition_id: int) -> Publication | None:
    return session.scalar(select(Publication).where(Publication.edition_id == edition_id)
                          .order_by(Publication.version.desc()).limit(1))


def _visible(session: Session, edition_id: int) -> Publication | None:
    """The version partners currently see as usable, if any."""
    return session.scalar(select(Publication).where(Publication.edition_id == edition_id,
                                                    Publication.status == "usable"))


def drop_scheduled(session: Session, row: Publication) -> None:
    """Remove a scheduled version partners never saw (cancelled schedule or kill)."""
    session.delete(row)
    session.flush()


def _go_live(session: Session, publication: Publication, edition: Edition,
             now: datetime) -> FeedEvent:
    """Make a publication the usable version: supersede the old one, move state, append event."""
    kind = "correct" if publication.first_published_at else "publish"
    previous = _visible(session, edition.id)
    if previous is not None and previous.id != publication.id:
        transition(previous, PublicationStatus.SUPERSEDED, "status")
    transition(publication, PublicationStatus.USABLE, "status")
    publication.published_at = now
    publication.first_published_at = publication.first_published_at or now
    transition(edition, EditionState.PUBLISHED)
    corrections.clear(edition)
    session.flush()
    return append_event(session, publication, kind)


def publish_edition(session: Session, edition_id: int, user_id: int | None,
                    embargo_until: datetime | None = None, *, correction_note: str | None = None,
                    now: datetime | None = None) -> Publication:
    """Publish an approved edition now, or schedule it for ``embargo_until`` (UTC-aware).

    If an earlier version was ever published this is a correction: version n+1 with a visible
    correction note (the editor's, or a standard one) and a new ``updated`` time.
    """
    now = now or utcnow()
    edition = _edition(session, edition_id)
    _require(session, user_id, Action.PUBLISH, edition)
    check_transition(edition.state, EditionState.PUBLISHED, only_from={EditionState.APPROVED},
                     code="not_approved",
                     message="Only an approved edition can be published; this one is {current}.")
    approved = approved_snapshot(session, edition)  # what the approver saw, nothing newer
    model_licences.check_publishable(session, edition)
    if embargo_until is not None and embargo_until.tzinfo is None:
        raise InvalidInput("The embargo time needs a time zone.", code="naive_embargo")
    latest = _latest(session, edition.id)
    version = latest.version + 1 if latest else 1
    first_published = None
    if latest is not None:
        first_published = session.scalar(
            select(func.min(Publication.first_published_at))
            .where(Publication.edition_id == edition.id))
    note = (correction_note or "").strip() or None
    if first_published is not None and note is None:
        note = partner_text.correction_default(edition.language, version)
    rendered = approved.rendered
    if rendered is None:  # every approval renders the edition; an old row might not
        raise Conflict("This edition has no recorded approval; it must be approved again.",
                       code="approval_missing")
    route_label = "; ".join(rendered["routes"]) or None
    publication = Publication(
        edition_id=edition.id, article_id=edition.article_id, language=edition.language,
        version=version, status="scheduled", headline=rendered["headline"],
        body_html=rendered["body_html"], byline=rendered["byline"], route_label=route_label,
        disclosure=disclosure_for(edition, route_label),
        correction_note=note if first_published is not None else None,
        embargo_until=embargo_until, first_published_at=first_published,
        published_by_id=user_id, created_at=now,
        payload={"routes": list(rendered["routes"]), "is_source": edition.is_source,
                 "snapshot": approved.number, "digest": approved.digest,
                 "approved_by": approved.user_id, "meta": metadata.snapshot(edition.article),
                 **({"warnings": list(rendered["warnings"])} if rendered.get("warnings")
                    else {})},
    )
    session.add(publication)
    session.flush()
    if embargo_until is not None and embargo_until > now:
        transition(edition, EditionState.SCHEDULED)
        _audit(session, user_id, "schedule", edition, version=version,
               embargo_until=embargo_until.isoformat())
    else:
        _go_live(session, publication, edition, now)
        _audit(session, user_id, "publish", edition, version=version)
    if first_published is not None:
        corrections.after_correction(session, edition, version, note, user_id)
    return publication


def release_due(session: Session, now: datetime | None = None) -> list[int]:
    """Publish every scheduled version whose embargo has passed; returns their publication ids."""
    now = now or utcnow()
    due = session.execute(select(Publication.id, Publication.edition_id).where(
        Publication.status == "scheduled", Publication.embargo_until <= now)
        .order_by(Publication.embargo_until, Publication.id)).all()
    released = []
    for publication_id, edition_id in due:
        if model_licences.held_back(session, _edition(session, edition_id)):
            continue  # stays scheduled until an admin allows it again or an editor cancels it
        claimed = rows_changed(session, (
            update(Publication).where(Publication.id == publication_id,
                                      Publication.status == "scheduled")
            .values(status=check_transition(PublicationStatus.SCHEDULED,
                                            PublicationStatus.RELEASING).value)))
        publication = session.get(Publication, publication_id) if claimed else None
        if publication is None:
            continue  # another beat tick got there first
        session.refresh(publication)
        edition = _edition(session, publication.edition_id)
        _go_live(session, publication, edition, now)
        _audit(session, None, "release", edition, version=publication.version)
        released.append(publication_id)
    return released


def kill_edition(session: Session, edition_id: int, user_id: int | None, reason: str,
                 now: datetime | None = None) -> Publication | None:
    """Withdraw an edition: partners get one canceled version; a pending schedule is dropped.

    Returns the canceled version partners receive, or None if nothing had been visible yet.
    """
    now = now or utcnow()
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say why the story is withdrawn.", code="reason_required")
    edition = _edition(session, edition_id)
    _require(session, user_id, Action.KILL, edition)
    scheduled = session.scalars(select(Publication).where(
        Publication.edition_id == edition.id, Publication.status == "scheduled")).all()
    visible = _visible(session, edition.id)
    if visible is None and not scheduled:
        raise Conflict("This edition is not published or scheduled.", code="not_published")
    for row in scheduled:  # never seen by partners: dropped, not turned into a kill
        drop_scheduled(session, row)
    killed = None
    if visible is not None:
        latest = _latest(session, edition.id) or visible
        transition(visible, PublicationStatus.SUPERSEDED, "status")
        killed = Publication(
            edition_id=edition.id, article_id=edition.article_id, language=edition.language,
            version=latest.version + 1, status="canceled", headline=visible.headline,
            body_html=visible.body_html, byline=visible.byline, route_label=visible.route_label,
            disclosure=visible.disclosure, correction_note=visible.correction_note,
            kill_reason=reason, embargo_until=visible.embargo_until,
            first_published_at=visible.first_published_at, published_at=now,
            published_by_id=user_id, created_at=now, payload=dict(visible.payload or {}),
        )
        session.add(killed)
        session.flush()
        append_event(session, killed, "kill")
    if edition.state in LIVE_EDITION_STATES:
        transition(edition, EditionState.WITHDRAWN)
    corrections.clear(edition)
    retracted = memory_admin.retract_for_edition(session, edition.id, user_id, reason, now)
    _audit(session, user_id, "kill", edition, reason=reason, memory_retracted=retracted)
    return killed


def kill_article(session: Session, article_id: int, user_id: int | None, reason: str,
                 now: datetime | None = None) -> list[Publication]:
    """Withdraw every published or scheduled edition of an article with one reason."""
    article = session.get(Article, article_id)
    if article is None:
        raise NotFound(f"No article {article_id}.")
    live = session.scalars(select(Publication.edition_id).where(
        Publication.article_id == article_id,
        Publication.status.in_(("usable", "scheduled"))).distinct()).all()
    if not live:
        raise Conflict("No edition of this article is published or scheduled.",
                       code="not_published")
    killed = [kill_edition(session, edition_id, user_id, reason, now)
              for edition_id in sorted(live)]
    return [row for row in killed if row is not None]


def reopen_for_correction(session: Session, edition_id: int, user_id: int | None) -> Edition:
    """Send a published edition back to editing; the published version stays live meanwhile."""
    edition = _edition(session, edition_id)
    _require(session, user_id, Action.CORRECT, edition)
    transition(edition, EditionState.EDITING, only_from={EditionState.PUBLISHED},
               code="not_published", message="Only a published edition can be corrected.")
    _audit(session, user_id, "reopen_for_correction", edition)
    return edition


@dataclass(frozen=True)
class PublishingRow:
    """One edition on the publishing desk with its latest version."""

    edition: Edition
    latest: Publication | None


def desk(session: Session, limit: int = 100) -> list[PublishingRow]:
    """Editions an editor can publish, schedule, correct or kill, most recently changed first."""
    editions = session.scalars(select(Edition).where(Edition.state.in_(PUBLISHING_DESK_STATES))
                               .order_by(Edition.updated_at.desc()).limit(limit)).all()
    return [PublishingRow(e, _latest(session, e.id)) for e in editions]
