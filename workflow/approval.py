"""Approval is of a snapshot: what an editor approved is frozen, and only that is published.

Approving records every segment's text, the rendered item and a digest of both. Publishing
renders that snapshot, never the live rows. Any change after submit or approval — a source edit,
a re-translation, a byline edit — sends the edition back to editing with a visible reason and an
audit entry, so it must be submitted and approved again by someone who did not make the change.

The source edition is the article's original text: its segments are the source sentences, typed
by people (the ingest or the source-edit form), with no machine step, so each counts as
confirmed. It is submitted and approved through the same steps as a translation, and whoever
ingested or edited the source may not approve it.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session, contains_eager

from workflow.db import utcnow
from workflow.errors import Conflict
from workflow.models import (
    AuditEvent,
    Edition,
    EditionSnapshot,
    Publication,
    Segment,
    SegmentTranslation,
)
from workflow.states import EditionState, SegmentState, transition


class ReturnReason(StrEnum):
    """Why an edition went back to editing on its own (shown on the edition's page)."""

    SOURCE_EDITED = "source_edited"
    RETRANSLATED = "retranslated"
    BYLINE_EDITED = "byline_edited"
    KAZAKH_CHANGED = "kazakh_changed"  # the Latin edition: the Kazakh one was approved anew


# States holding a frozen decision (submitted text, approval, schedule, live version).
DECIDED = (EditionState.SUBMITTED.value, EditionState.APPROVED.value,
           EditionState.SCHEDULED.value, EditionState.PUBLISHED.value)


def active_translations(session: Session, edition_id: int) -> list[SegmentTranslation]:
    """The edition's segment translations in reading order (active source segments only)."""
    return list(session.scalars(
        select(SegmentTranslation).join(Segment, Segment.id == SegmentTranslation.segment_id)
        .options(contains_eager(SegmentTranslation.segment))  # one query, not one per segment
        .where(SegmentTranslation.edition_id == edition_id, Segment.active.is_(True))
        .order_by(Segment.position)
    ))


def source_segments(session: Session, article_id: int) -> list[Segment]:
    """The article's active source sentences in reading order."""
    return list(session.scalars(select(Segment).where(Segment.article_id == article_id,
                                                      Segment.active.is_(True))
                                .order_by(Segment.position)))


def edition_texts(session: Session, edition: Edition) -> list[dict]:
    """Every segment of the edition as it stands: sid, text and state, in reading order."""
    if edition.is_source:
        return [{"sid": s.sid, "segment_id": s.id, "text": s.source_text,
                 "state": SegmentState.CONFIRMED.value}
                for s in source_segments(session, edition.article_id)]
    return [{"sid": r.segment.sid, "segment_id": r.segment_id,
             "text": r.text if r.text is not None else r.machine_text, "state": r.state}
            for r in active_translations(session, edition.id)]


def edition_byline(edition: Edition) -> str | None:
    """The byline partners see for this edition: the edition's own, else the article's."""
    return edition.byline or edition.article.byline


def content_digest(texts: list[dict], byline: str | None, photo_credit: str | None) -> str:
    """A fingerprint of exactly what an approver saw: each segment's text and state, credits."""
    payload = json.dumps([[(t["sid"], t["text"], t["state"]) for t in texts], byline,
                          photo_credit], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def live_digest(session: Session, edition: Edition) -> str:
    """The digest of the edition's current rows."""
    return content_digest(edition_texts(session, edition), edition_byline(edition),
                          edition.photo_credit or edition.article.photo_credit)


def approved_snapshot(session: Session, edition: Edition) -> EditionSnapshot:
    """The snapshot the current approval froze; Conflict if the edition holds none."""
    snapshot = (session.get(EditionSnapshot, edition.approved_snapshot_id)
                if edition.approved_snapshot_id else None)
    if snapshot is None or snapshot.edition_id != edition.id or snapshot.kind != "approved":
        raise Conflict("This edition has no recorded approval; it must be approved again.",
                       code="approval_missing")
    if snapshot.digest != live_digest(session, edition):
        raise Conflict("The edition changed after it was approved; it must be approved again.",
                       code="changed_since_approval")
    return snapshot


def return_to_editing(session: Session, edition: Edition, reason: ReturnReason,
                      actor_id: int | None, **detail: object) -> bool:
    """Send a submitted, approved, scheduled or published edition back to editing.

    A scheduled version that never went live is dropped; a live version stays live until a new
    approval replaces it. Returns False when the edition held no decision to undo.
    """
    if edition.state not in DECIDED:
        return False
    was = edition.state
    if was == EditionState.SCHEDULED.value:
        for row in session.scalars(select(Publication).where(
                Publication.edition_id == edition.id, Publication.status == "scheduled")):
            row.status = "superseded"  # never visible: no feed event, nothing to withdraw
    transition(edition, EditionState.EDITING)
    edition.approved_snapshot_id = None
    edition.returned_reason = reason.value
    edition.returned_at = utcnow()
    session.add(AuditEvent(actor_id=actor_id, action="edition.returned",
                           article_id=edition.article_id, edition_id=edition.id,
                           detail={"reason": reason.value, "from": was, **detail}))
    return True


def record_snapshot(session: Session, edition: Edition, kind: str, user_id: int | None,
                    override_note: str | None = None) -> EditionSnapshot:
    """Freeze the edition as it stands: every segment's text, the rendered item, a digest."""
    from workflow.metrics import edit_distance
    from workflow.publishing.render import render_edition

    number = (session.scalar(select(func.max(EditionSnapshot.number))
                             .where(EditionSnapshot.edition_id == edition.id)) or 0) + 1
    segments = []
    if edition.is_source:
        for segment in source_segments(session, edition.article_id):
            segments.append({"sid": segment.sid, "block_id": segment.block_id,
                             "source": segment.source_text, "machine": None,
                             "text": segment.source_text, "state": SegmentState.CONFIRMED.value,
                             "time_spent_ms": 0, "route": None, "distance": None,
                             "confidence": None})
    for row in [] if edition.is_source else active_translations(session, edition.id):
        route = row.machine_route or {}
        segments.append({
            "sid": row.segment.sid, "block_id": row.segment.block_id,
            "source": row.segment.source_text, "machine": row.machine_text,
            "text": row.text if row.text is not None else row.machine_text,
            "state": row.state, "time_spent_ms": row.time_spent_ms,
            "route": route.get("label"),
            "distance": edit_distance(row.machine_text, row.text),
            "confidence": row.machine_confidence,
        })
    rendered = render_edition(session, edition)
    snapshot = EditionSnapshot(
        edition_id=edition.id, number=number, kind=kind, segments=segments, user_id=user_id,
        override_note=override_note,
        digest=content_digest(edition_texts(session, edition), edition_byline(edition),
                              edition.photo_credit or edition.article.photo_credit),
        rendered={"headline": rendered.headline, "body_html": rendered.body_html,
                  "byline": rendered.byline, "routes": list(rendered.routes),
                  "warnings": list(rendered.warnings)})
    session.add(snapshot)
    session.flush()
    return snapshot
