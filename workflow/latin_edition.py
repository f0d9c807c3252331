"""The Kazakh Latin edition: written letter by letter from the approved Kazakh edition.

An instance that turns it on (``AUDARMA_KK_LATN`` = ``2021`` or ``2018``, the alphabet) gets a
fourth edition, ``kk-Latn``, with no machine step and no typing: each time the Kazakh edition
(a translation or the source) is approved, its approved snapshot is transliterated into the
Latin edition's segments, which then wait for approval ("submitted"). When the Kazakh text
changed (a correction), a decided Latin edition goes back and is submitted again with the new
text; its live version stays live until a person approves and publishes the new one.

A person approves it like any edition (four eyes: nobody who wrote the Kazakh text), and only
while the Kazakh edition's approval it was written from stands. It is never typed into: a
mistake is corrected in the Kazakh edition.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from translations.transliteration import to_latin
from workflow.approval import (
    ReturnReason,
    edition_byline,
    record_snapshot,
    return_to_editing,
    source_segments,
)
from workflow.db import utcnow
from workflow.errors import Conflict
from workflow.models import AuditEvent, Edition, EditionSnapshot, SegmentTranslation, User
from workflow.permissions import Action, require
from workflow.states import EditionState, SegmentState, transition
from workflow.vocabulary import LATIN_KAZAKH, PUBLISHED_LANGUAGES

__all__ = ["ALPHABETS", "LATIN", "KAZAKH", "alphabet", "backfill", "configure", "follow_kazakh",
           "is_derived", "kazakh_edition", "published_languages", "refuse_typing",
           "require_kazakh_approved"]

ALPHABETS = ("2021", "2018")  # the official alphabet, and the acute one Kazinform's Latin site uses
LATIN = LATIN_KAZAKH.code
KAZAKH = LATIN_KAZAKH.derived_from or "kk"
ORIGIN = "transliteration"  # SegmentTranslation.machine_origin of its rows
KAZAKH_STANDS = (EditionState.APPROVED.value, EditionState.SCHEDULED.value,
                 EditionState.PUBLISHED.value)

_alphabet: str | None = None


def configure(setting: str | None) -> None:
    """The instance's choice (the app factory calls this once): "off", "2021" or "2018"."""
    global _alphabet
    value = (setting or "off").strip().lower()
    if value != "off" and value not in ALPHABETS:
        raise ValueError(f"The Kazakh Latin edition's alphabet must be off or one of "
                         f"{', '.join(ALPHABETS)}, not {setting!r}.")
    _alphabet = None if value == "off" else value


def alphabet() -> str | None:
    """The Latin alphabet this instance writes its Kazakh Latin edition in; None when off."""
    return _alphabet


def published_languages() -> tuple[str, ...]:
    """The languages this instance publishes in (kk-Latn only when the edition is on)."""
    return tuple(code for code in PUBLISHED_LANGUAGES if code != LATIN or _alphabet)


def is_derived(edition: Edition) -> bool:
    """True for the Kazakh Latin edition (written from the Kazakh one, never typed)."""
    return edition.language == LATIN


class DerivedEdition(Conflict):
    """Typing into the Latin edition, or approving it without the Kazakh approval it follows."""

    code = "derived_edition"


def refuse_typing(edition: Edition) -> None:
    """The Latin edition's text and credits are the Kazakh edition's, transliterated."""
    if is_derived(edition):
        raise DerivedEdition("The Kazakh Latin edition is written from the approved Kazakh "
                             "edition; correct the Kazakh edition instead.",
                             code="derived_edition")


def kazakh_edition(session: Session, article_id: int) -> Edition | None:
    """The article's Kazakh (Cyrillic) edition, translation or source."""
    return session.scalar(select(Edition).where(Edition.article_id == article_id,
                                                Edition.language == KAZAKH))


def _written_from(session: Session, latin: Edition) -> int | None:
    """The id of the Kazakh approval snapshot the Latin rows were written from."""
    routes = session.scalars(select(SegmentTranslation.machine_route)
                             .where(SegmentTranslation.edition_id == latin.id)).all()
    snapshots = {(route or {}).get("snapshot") for route in routes}
    return snapshots.pop() if len(snapshots) == 1 else None


def require_kazakh_approved(session: Session, latin: Edition) -> None:
    """Approving the Latin edition needs the Kazakh approval it was written from to stand."""
    kazakh = kazakh_edition(session, latin.article_id)
    if (kazakh is None or kazakh.state not in KAZAKH_STANDS
            or kazakh.approved_snapshot_id is None
            or kazakh.approved_snapshot_id != _written_from(session, latin)):
        raise DerivedEdition("The Kazakh edition must be approved first; the Latin edition is "
                             "written again from its approval.", code="kazakh_not_approved")


def follow_kazakh(session: Session, kazakh: Edition, actor_id: int | None) -> Edition | None:
    """After the Kazakh edition's approval: write the Latin edition from that approval.

    New or changed text leaves the Latin edition submitted (a decided one goes back first, a
    withdrawn or cancelled one keeps its state until a person reopens it); unchanged text only
    records the new approval it follows. Returns the Latin edition (None when the instance has
    no Latin edition or ``kazakh`` is not the Kazakh edition).
    """
    if _alphabet is None or kazakh.language != KAZAKH or kazakh.approved_snapshot_id is None:
        return None
    snapshot = session.get(EditionSnapshot, kazakh.approved_snapshot_id)
    if snapshot is None:
        return None
    kazakh_text = {s["sid"]: s.get("text") or "" for s in snapshot.segments}
    latin = session.scalar(select(Edition).where(Edition.article_id == kazakh.article_id,
                                                 Edition.language == LATIN))
    if latin is None:
        latin = Edition(article_id=kazakh.article_id, language=LATIN,
                        state=EditionState.EDITING.value)
        session.add(latin)
        session.flush()
    rows = {r.segment_id: r for r in session.scalars(
        select(SegmentTranslation).where(SegmentTranslation.edition_id == latin.id))}
    route = {"label": f"{KAZAKH} → {LATIN} ({_alphabet})", "steps": [],
             "alphabet": _alphabet, "snapshot": snapshot.id}
    credits = (_latin(edition_byline(kazakh)),
               _latin(kazakh.photo_credit or kazakh.article.photo_credit))
    wanted = {s.id: to_latin(kazakh_text.get(s.sid, ""), _alphabet)
              for s in source_segments(session, kazakh.article_id)}
    changed = (credits != (latin.byline, latin.photo_credit)
               or any(segment_id not in rows or rows[segment_id].text != text
                      or rows[segment_id].state != SegmentState.CONFIRMED.value
                      for segment_id, text in wanted.items()))
    if changed and return_to_editing(session, latin, ReturnReason.KAZAKH_CHANGED, actor_id,
                                     snapshot=snapshot.number):
        session.flush()
    now = utcnow()
    for segment_id, text in wanted.items():
        row = rows.get(segment_id)
        if row is None:
            row = SegmentTranslation(edition_id=latin.id, segment_id=segment_id)
            session.add(row)
        if changed:
            row.machine_text = row.text = text
            row.state = SegmentState.CONFIRMED.value
            row.machine_origin, row.machine_at, row.checks = ORIGIN, now, []
            row.version = (row.version or 0) + 1
        row.machine_route = route
    if changed:
        latin.byline, latin.photo_credit = credits
        latin.title = _latin(kazakh.title)
    session.flush()
    if latin.state == EditionState.EDITING.value:  # new, changed, or back after a source edit
        transition(latin, EditionState.SUBMITTED)
        latin.submitted_at = now
        latin.returned_reason = None
        record_snapshot(session, latin, "submitted", None)
    session.add(AuditEvent(actor_id=actor_id, action="edition.transliterated",
                           article_id=latin.article_id, edition_id=latin.id,
                           detail={"alphabet": _alphabet, "kazakh_snapshot": snapshot.number,
                                   "changed": changed}))
    session.flush()
    return latin


def backfill(session: Session, actor_id: int, limit: int | None = None) -> list[int]:
    """Write the Latin edition of every story whose Kazakh approval stands but that has none yet
    (approved before the instance turned the Latin edition on); returns the new editions' ids.

    Each new edition waits for a person's approval exactly as after a Kazakh approval; stories
    that already have one are left alone. ``actor_id`` (an admin) is named in the audit trail.
    """
    require(session.get(User, actor_id), Action.ADMIN)
    if _alphabet is None:
        raise Conflict("The Kazakh Latin edition is off on this instance (AUDARMA_KK_LATN).",
                       code="latin_off")
    latin = aliased(Edition)
    query = (select(Edition)
             .where(Edition.language == KAZAKH, Edition.state.in_(KAZAKH_STANDS),
                    Edition.approved_snapshot_id.is_not(None),
                    ~select(latin.id).where(latin.article_id == Edition.article_id,
                                            latin.language == LATIN).exists())
             .order_by(Edition.article_id))
    if limit is not None:
        query = query.limit(limit)
    written = []
    for kazakh in session.scalars(query).all():
        edition = follow_kazakh(session, kazakh, actor_id)
        if edition is not None:
            written.append(edition.id)
    return written


def _latin(text: str | None) -> str | None:
    return to_latin(text, _alphabet or ALPHABETS[0]) if text else None
