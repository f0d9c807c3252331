"""Post-editing and approval: segment saves with optimistic concurrency, submit, approve."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from translations.checks import run_checks
from translations.glossary import Glossary
from workflow import latin_edition
from workflow.approval import (
    ReturnReason,
    active_translations,
    record_snapshot,
    return_to_editing,
    source_segments,
)
from workflow.db import rows_changed, utcnow
from workflow.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from workflow.memory import glossary_for, remember
from workflow.models import (
    Article,
    AuditEvent,
    Comment,
    Edition,
    EditionSnapshot,
    SegmentRevision,
    SegmentTranslation,
    User,
)
from workflow.permissions import Action, require
from workflow.states import EditionState, SegmentState, check_transition, transition
from workflow.vocabulary import EDITABLE_EDITION_STATES

MAX_SEGMENT_CHARS = 10_000
MAX_COMMENT_CHARS = 4_000
MAX_TIME_PER_SAVE_MS = 10 * 60 * 1000  # an idle tab must not count as an hour of work
AUTHORING_KINDS = ("save", "confirm", "conflict")


def audit(session: Session, actor_id: int | None, action: str, edition: Edition | None = None,
          article_id: int | None = None, **detail: object) -> None:
    """Record who did what, to which edition, and when."""
    session.add(AuditEvent(actor_id=actor_id, action=action,
                           edition_id=edition.id if edition else None,
                           article_id=edition.article_id if edition else article_id,
                           detail=detail))


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise Forbidden("Sign in again to continue.", code="no_user")
    return user


def _edition(session: Session, edition_id: int) -> Edition:
    edition = session.get(Edition, edition_id)
    if edition is None:
        raise NotFound(f"No edition {edition_id}.")
    return edition


def _translation(session: Session, translation_id: int) -> SegmentTranslation:
    row = session.get(SegmentTranslation, translation_id)
    if row is None:
        raise NotFound(f"No segment {translation_id}.")
    return row


def _require_translator(user: User, edition: Edition) -> None:
    require(user, Action.EDIT_SEGMENT, edition.language)


def _require_editable(edition: Edition) -> None:
    if edition.state not in EDITABLE_EDITION_STATES:
        raise Conflict(f"The edition is {edition.state}; it cannot be edited now.",
                       code="not_editable", state=edition.state)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    if len(text) > MAX_SEGMENT_CHARS:
        raise InvalidInput(f"A segment may hold at most {MAX_SEGMENT_CHARS} characters.",
                           code="too_long")
    return text


def _checks(session: Session, edition: Edition, source: str, text: str,
            glossary: Glossary | None = None) -> list[dict[str, Any]]:
    source_language = edition.article.source_language
    if glossary is None:
        glossary = glossary_for(session, source_language, edition.language)
    return [c.to_json() for c in run_checks(source, text, edition.language, glossary,
                                            source_language=source_language)]


def _write(session: Session, translation_id: int, text: str, expected_version: int, user_id: int,
           time_spent_ms: int, target: SegmentState, kind: str, *,
           glossary: Glossary | None = None, refresh: bool = True) -> SegmentTranslation:
    """Save ``text`` unless someone saved after ``expected_version``; stale text is kept too.

    ``glossary``: the pair's glossary when the caller saves many segments of one edition;
    ``refresh=False`` expires the row instead of re-reading it now.
    """
    row = _translation(session, translation_id)
    user = _user(session, user_id)
    edition = row.edition
    _require_translator(user, edition)
    latin_edition.refuse_typing(edition)
    _require_editable(edition)
    text = _clean(text)
    if target == SegmentState.CONFIRMED and not text.strip():
        raise InvalidInput("An empty segment cannot be confirmed.", code="empty_segment")
    check_transition(row.state, target)
    spent = max(0, min(int(time_spent_ms or 0), MAX_TIME_PER_SAVE_MS))
    checks = (_checks(session, edition, row.segment.source_text, text, glossary)
              if text.strip() else row.checks)
    now = utcnow()
    saved = rows_changed(session, (
        update(SegmentTranslation)
        .where(SegmentTranslation.id == row.id, SegmentTranslation.version == expected_version)
        .values(text=text, version=expected_version + 1, state=target.value, checks=checks,
                edited_by_id=user.id, edited_at=now,
                time_spent_ms=SegmentTranslation.time_spent_ms + spent)
        .execution_options(synchronize_session=False)))
    if saved != 1:
        session.refresh(row)
        session.add(SegmentRevision(translation_id=row.id, version=expected_version, text=text,
                                    kind="conflict", user_id=user.id))
        audit(session, user.id, "segment.conflict", edition, translation_id=row.id,
              expected_version=expected_version, current_version=row.version)
        session.flush()
        raise Conflict("Someone saved this segment after you opened it. Both texts are kept.",
                       code="stale_version", keep_work=True, yours=text, theirs=row.text or "",
                       version=row.version)
    session.add(SegmentRevision(translation_id=row.id, version=expected_version + 1, text=text,
                                kind=kind, user_id=user.id))
    audit(session, user.id, f"segment.{'confirmed' if kind == 'confirm' else 'saved'}", edition,
          translation_id=row.id, version=expected_version + 1)
    if edition.assignee_id is None:
        edition.assignee_id = user.id
    if refresh:
        session.flush()
        session.refresh(row)
    else:
        session.expire(row)  # the UPDATE bypassed the identity map: read it afresh when used
    return row


def save_segment(session: Session, translation_id: int, text: str, expected_version: int,
                 user_id: int, time_spent_ms: int = 0) -> SegmentTranslation:
    """Autosave one segment as a draft; raises Conflict (with both texts) on a stale version.

    On conflict the typed text is already added as a ``conflict`` revision: the caller commits
    the session even then, so nothing typed is lost.
    """
    return _write(session, translation_id, text, expected_version, user_id, time_spent_ms,
                  SegmentState.DRAFT, "save")


@dataclass(frozen=True)
class SegmentEdit:
    """One segment's new text for :func:`save_segments`."""

    translation_id: int
    text: str
    expected_version: int
    confirm: bool = False


def save_segments(session: Session, edition_id: int, edits: Sequence[SegmentEdit],
                  user_id: int) -> list[DomainError | None]:
    """Save (or confirm) many segments of one edition as ``user_id``, each under the same rules
    as :func:`save_segment`; one outcome per edit: None when saved, else the refusal (a stale
    version's text is kept as a conflict revision, as for a single save). An edition-wide
    refusal (not editable, not your language) is raised, not returned."""
    edition = _edition(session, edition_id)
    latin_edition.refuse_typing(edition)  # an XLIFF file cannot type into it either
    glossary = glossary_for(session, edition.article.source_language, edition.language)
    outcomes: list[DomainError | None] = []
    for edit in edits:
        target, kind = ((SegmentState.CONFIRMED, "confirm") if edit.confirm
                        else (SegmentState.DRAFT, "save"))
        try:
            _write(session, edit.translation_id, edit.text, edit.expected_version, user_id, 0,
                   target, kind, glossary=glossary, refresh=False)
        except (Forbidden, NotFound):
            raise
        except DomainError as exc:
            if exc.code == "not_editable":
                raise
            outcomes.append(exc)
            continue
        outcomes.append(None)
    session.flush()
    return outcomes


def confirm_segment(session: Session, translation_id: int, text: str, expected_version: int,
                    user_id: int, time_spent_ms: int = 0) -> SegmentTranslation:
    """Save and confirm one segment in a single step (Ctrl+Enter); same conflict rules as a save."""
    return _write(session, translation_id, text, expected_version, user_id, time_spent_ms,
                  SegmentState.CONFIRMED, "confirm")


def add_comment(session: Session, edition_id: int, user_id: int, body: str,
                translation_id: int | None = None) -> Comment:
    """Comment on an edition or one of its segments."""
    edition = _edition(session, edition_id)
    user = _user(session, user_id)
    require(user, Action.COMMENT, edition.language)
    body = (body or "").strip()
    if not body:
        raise InvalidInput("Write a comment first.", code="empty_comment")
    if len(body) > MAX_COMMENT_CHARS:
        raise InvalidInput(f"A comment may hold at most {MAX_COMMENT_CHARS} characters.",
                           code="too_long")
    if translation_id is not None:
        row = _translation(session, translation_id)
        if row.edition_id != edition.id:
            raise NotFound(f"No segment {translation_id} in this edition.")
    comment = Comment(edition_id=edition.id, translation_id=translation_id, user_id=user.id,
                      body=body)
    session.add(comment)
    audit(session, user.id, "comment.added", edition, translation_id=translation_id)
    session.flush()
    return comment


def blocking_checks(row: SegmentTranslation) -> list[dict[str, Any]]:
    """Post-check findings on a segment that stop a submit unless overridden."""
    return [c for c in row.checks or [] if c.get("severity") == "blocking"]


@dataclass(frozen=True)
class Readiness:
    """How far an edition is from being submittable."""

    total: int
    confirmed: int
    blocking: int

    @property
    def complete(self) -> bool:
        """Every segment confirmed."""
        return self.total > 0 and self.confirmed == self.total


def readiness(session: Session, edition_id: int) -> Readiness:
    """Count confirmed segments and segments with blocking warnings.

    The source edition's segments are the original sentences, typed by people with no machine
    step: each counts as confirmed and none carries a machine check.
    """
    edition = _edition(session, edition_id)
    if edition.is_source:
        total = len(source_segments(session, edition.article_id))
        return Readiness(total=total, confirmed=total, blocking=0)
    rows = active_translations(session, edition_id)
    return Readiness(total=len(rows),
                     confirmed=sum(r.state == SegmentState.CONFIRMED.value for r in rows),
                     blocking=sum(bool(blocking_checks(r)) for r in rows))


def submit_edition(session: Session, edition_id: int, user_id: int,
                   override_note: str | None = None) -> Edition:
    """Hand an edition to editors: all segments confirmed, blocking checks fixed or explained."""
    edition = _edition(session, edition_id)
    user = _user(session, user_id)
    require(user, Action.SUBMIT_SOURCE if edition.is_source else Action.SUBMIT, edition.language)
    _require_editable(edition)
    state = readiness(session, edition.id)
    if not state.complete:
        raise Conflict(f"{state.total - state.confirmed} segment(s) are not confirmed yet.",
                       code="unconfirmed", missing=state.total - state.confirmed)
    note = (override_note or "").strip()
    if state.blocking and not note:
        raise Conflict(f"{state.blocking} segment(s) still have blocking warnings; fix them or "
                       "explain why they are fine.", code="blocking_checks",
                       blocking=state.blocking)
    transition(edition, EditionState.SUBMITTED)
    edition.submitted_at = utcnow()
    edition.override_note = note or None
    edition.returned_reason = None
    record_snapshot(session, edition, "submitted", user.id, note or None)
    audit(session, user.id, "edition.submitted", edition, override=bool(note),
          blocking=state.blocking)
    session.flush()
    return edition


def editors_of(session: Session, edition_id: int) -> set[int]:
    """Everyone who typed into, or submitted, this edition: they may not approve it.

    A source edit counts as an edit of every edition of the article by its author; whoever
    ingested the article is an author of its source edition.
    """
    edition = _edition(session, edition_id)
    typed = session.scalars(
        select(SegmentRevision.user_id).join(
            SegmentTranslation, SegmentTranslation.id == SegmentRevision.translation_id)
        .where(SegmentTranslation.edition_id == edition_id,
               SegmentRevision.kind.in_(AUTHORING_KINDS), SegmentRevision.user_id.is_not(None))
    ).all()
    submitted = session.scalars(
        select(AuditEvent.actor_id).where(AuditEvent.edition_id == edition_id,
                                          AuditEvent.action == "edition.submitted",
                                          AuditEvent.actor_id.is_not(None))
    ).all()
    source_editors = session.scalars(
        select(AuditEvent.actor_id).where(AuditEvent.article_id == edition.article_id,
                                          AuditEvent.action == "source_edited",
                                          AuditEvent.actor_id.is_not(None))
    ).all()
    people = {p for p in (*typed, *submitted, *source_editors) if p is not None}
    if latin_edition.is_derived(edition):  # its words are the Kazakh edition's
        kazakh = latin_edition.kazakh_edition(session, edition.article_id)
        if kazakh is not None:
            people |= editors_of(session, kazakh.id)
    if edition.is_source:
        creator = session.scalar(select(Article.created_by_id)
                                 .where(Article.id == edition.article_id))
        if creator is not None:
            people.add(creator)
    return people


def approve_edition(session: Session, edition_id: int, user_id: int,
                    override_note: str | None = None) -> Edition:
    """Approve a submitted edition (never by someone who edited it) as a frozen snapshot.

    Readiness is checked again: every segment confirmed, and blocking checks explained by an
    override note (the submitter's, or the approver's ``override_note``). What is approved is
    recorded exactly; publishing renders that record, and any later change sends it back.
    """
    edition = _edition(session, edition_id)
    user = _user(session, user_id)
    require(user, Action.APPROVE, edition.language)
    if user.id in editors_of(session, edition.id):
        audit(session, user.id, "edition.approve_refused", edition, reason="own_work")
        raise Forbidden("You edited or submitted this edition, so another editor must approve it.",
                        code="own_work", keep_work=True)
    check_transition(edition.state, EditionState.APPROVED, code="not_submitted",
                     message="Only a submitted edition can be approved; this one is {current}.")
    derived = latin_edition.is_derived(edition)
    if derived:
        latin_edition.require_kazakh_approved(session, edition)
    state = readiness(session, edition.id)
    if not state.complete:
        raise Conflict(f"{state.total - state.confirmed} segment(s) are not confirmed; the "
                       "edition cannot be approved.", code="unconfirmed",
                       missing=state.total - state.confirmed)
    note = (override_note or "").strip()
    if state.blocking and not (edition.override_note or note):
        raise Conflict(f"{state.blocking} segment(s) have blocking warnings and nobody recorded "
                       "why they are fine; add an override note to approve.",
                       code="blocking_checks", blocking=state.blocking)
    if note:
        edition.override_note = (f"{edition.override_note}\n{note}" if edition.override_note
                                 else note)
    transition(edition, EditionState.APPROVED)
    edition.approved_at = utcnow()
    edition.approved_by_id = user.id
    edition.reviewer_id = user.id
    rows = [r for r in active_translations(session, edition.id)
            if r.state == SegmentState.CONFIRMED.value and r.text]
    written = 0
    if not edition.is_source and not derived:  # a transliteration teaches the memory nothing
        written = remember(session, edition.article.source_language, edition.language,
                           [(r.segment.source_text, r.text or "") for r in rows], edition.id,
                           user.id)
    snapshot = record_snapshot(session, edition, "approved", user.id, edition.override_note)
    edition.approved_snapshot_id = snapshot.id
    audit(session, user.id, "edition.approved", edition, memory_entries=written,
          snapshot=snapshot.number, digest=snapshot.digest, override=bool(edition.override_note),
          blocking=state.blocking)
    session.flush()
    latin_edition.follow_kazakh(session, edition, user.id)  # a Kazakh approval: write kk-Latn
    return edition


def send_back(session: Session, edition_id: int, user_id: int, comment: str) -> Edition:
    """Return a submitted edition to the translator with a comment saying why."""
    edition = _edition(session, edition_id)
    user = _user(session, user_id)
    require(user, Action.SEND_BACK, edition.language)
    if not (comment or "").strip():
        raise InvalidInput("Say what needs to change before sending the edition back.",
                           code="empty_comment")
    transition(edition, EditionState.EDITING, only_from={EditionState.SUBMITTED},
               code="not_submitted",
               message="Only a submitted edition can be sent back; this one is {current}.")
    edition.reviewer_id = user.id
    add_comment(session, edition.id, user.id, comment)
    audit(session, user.id, "edition.sent_back", edition)
    session.flush()
    return edition


def take_edition(session: Session, edition_id: int, user_id: int) -> Edition:
    """A translator takes a free edition in one of their languages."""
    edition = _edition(session, edition_id)
    user = _user(session, user_id)
    require(user, Action.TAKE, edition.language)
    if edition.assignee_id not in (None, user.id):
        raise Conflict("Someone else already works on this edition.", code="taken")
    edition.assignee_id = user.id
    audit(session, user.id, "edition.taken", edition)
    session.flush()
    return edition


def assign_edition(session: Session, edition_id: int, assignee_id: int | None,
                   actor_id: int) -> Edition:
    """An editor assigns an edition to a translator (or frees it with ``None``)."""
    edition = _edition(session, edition_id)
    actor = _user(session, actor_id)
    require(actor, Action.ASSIGN, edition.language)
    if assignee_id is not None:
        require(_user(session, assignee_id), Action.TAKE, edition.language)
    edition.assignee_id = assignee_id
    audit(session, actor.id, "edition.assigned", edition, assignee_id=assignee_id)
    session.flush()
    return edition


def set_credits(session: Session, edition_id: int, user_id: int, byline: str | None,
                photo_credit: str | None = None) -> Edition:
    """The translator's byline and photo credit for one edition (a transliterated name is a
    human decision; credits are never machine-translated). A decided edition goes back."""
    edition = _edition(session, edition_id)
    user = _user(session, user_id)
    require(user, Action.EDIT_BYLINE, edition.language)
    latin_edition.refuse_typing(edition)
    cleaned = []
    for value in (byline, photo_credit):
        value = " ".join((value or "").split())
        if len(value) > 500:
            raise InvalidInput("A credit may hold at most 500 characters.", code="too_long")
        cleaned.append(value or None)
    if (edition.byline, edition.photo_credit) == tuple(cleaned):
        return edition
    if edition.state not in (EditionState.EDITING.value, EditionState.TRANSLATING.value):
        return_to_editing(session, edition, ReturnReason.BYLINE_EDITED, user.id)
    edition.byline, edition.photo_credit = cleaned
    audit(session, user.id, "edition.credits", edition, byline=cleaned[0],
          photo_credit=cleaned[1])
    session.flush()
    return edition


def history(session: Session, edition_id: int) -> list[EditionSnapshot]:
    """The edition's frozen versions, oldest first."""
    _edition(session, edition_id)
    return list(session.scalars(select(EditionSnapshot)
                                .where(EditionSnapshot.edition_id == edition_id)
                                .order_by(EditionSnapshot.number)))


def diff_snapshots(old: EditionSnapshot | None, new: EditionSnapshot) -> list[dict[str, Any]]:
    """Per segment: the text in both versions and word-level changes (equal/insert/delete)."""
    before = {s["sid"]: s.get("text") or "" for s in (old.segments if old else [])}
    changes = []
    for segment in new.segments:
        was, now = before.get(segment["sid"], ""), segment.get("text") or ""
        if was == now:
            continue
        changes.append({"sid": segment["sid"], "old": was, "new": now,
                        "ops": word_diff(was, now)})
    return changes


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level changes from ``old`` to ``new`` as (equal|delete|insert, words) pairs."""
    import difflib

    a, b = old.split(), new.split()
    ops: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b).get_opcodes():
        if tag in ("equal", "delete", "replace") and i2 > i1:
            ops.append(("equal" if tag == "equal" else "delete", " ".join(a[i1:i2])))
        if tag in ("insert", "replace") and j2 > j1:
            ops.append(("insert", " ".join(b[j1:j2])))
    return ops


def audit_trail(session: Session, edition_id: int, limit: int = 200) -> list[AuditEvent]:
    """The latest actions on an edition, newest first."""
    return list(session.scalars(select(AuditEvent).where(AuditEvent.edition_id == edition_id)
                                .order_by(AuditEvent.id.desc()).limit(limit)))
