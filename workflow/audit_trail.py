"""Accountability: who changed which segment from what to what, machine output against the
approved text, the partner's version number beside the internal one, and exports.

It reads what review and publishing already record (audit events, segment revisions, edition
snapshots, publications) and writes nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.approval import active_translations
from workflow.errors import NotFound
from workflow.models import (
    Article,
    AuditEvent,
    Edition,
    EditionSnapshot,
    Publication,
    Segment,
    SegmentRevision,
    SegmentTranslation,
)
from workflow.review import word_diff

EXPORT_COLUMNS = ("at", "actor", "action", "language", "edition_id", "segment", "source",
                  "before", "after", "detail")


@dataclass(frozen=True)
class TrailEntry:
    """One audit event, with the segment it touched and its text before and after."""

    id: int
    at: datetime
    actor: str | None
    action: str
    language: str | None
    edition_id: int | None
    segment: str | None = None  # the segment's sid, e.g. "s4"
    source: str | None = None
    before: str | None = None
    after: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable row (times in UTC ISO 8601)."""
        row = asdict(self)
        row["at"] = self.at.isoformat()
        return row


def _actor(event: AuditEvent) -> str | None:
    return (event.actor.name or event.actor.email) if event.actor else None


def _texts(session: Session,
           events: list[AuditEvent]) -> dict[int, tuple[str, str, str | None, str | None]]:
    """Per segment event id: (sid, source, before, after), from the saved revisions."""
    wanted = {e.id: e.detail for e in events
              if isinstance(e.detail, dict) and e.detail.get("translation_id")}
    if not wanted:
        return {}
    ids = {int(d["translation_id"]) for d in wanted.values()}
    rows = {t.id: (t, s) for t, s in session.execute(
        select(SegmentTranslation, Segment)
        .join(Segment, Segment.id == SegmentTranslation.segment_id)
        .where(SegmentTranslation.id.in_(ids)))}
    revisions: dict[tuple[int, int], str] = {}
    conflicts: dict[tuple[int, int], str] = {}
    for revision in session.scalars(select(SegmentRevision).where(
            SegmentRevision.translation_id.in_(ids)).order_by(SegmentRevision.id)):
        target = conflicts if revision.kind == "conflict" else revisions
        target[(revision.translation_id, revision.version)] = revision.text
    out = {}
    for event_id, detail in wanted.items():
        translation_id = int(detail["translation_id"])
        if translation_id not in rows:
            continue
        translation, segment = rows[translation_id]
        version = detail.get("version") or detail.get("expected_version")
        before = after = None
        if isinstance(version, int):
            if "expected_version" in detail:  # a refused stale save: theirs, and what was typed
                before = revisions.get((translation_id, version), translation.machine_text)
                after = conflicts.get((translation_id, version))
            else:
                before = revisions.get((translation_id, version - 1), translation.machine_text)
                after = revisions.get((translation_id, version))
        out[event_id] = (segment.sid, segment.source_text, before, after)
    return out


def _entries(session: Session, events: list[AuditEvent]) -> list[TrailEntry]:
    languages = dict(session.execute(select(Edition.id, Edition.language).where(
        Edition.id.in_({e.edition_id for e in events if e.edition_id}))).all())
    texts = _texts(session, events)
    entries = []
    for event in events:
        sid, source, before, after = texts.get(event.id, (None, None, None, None))
        detail = dict(event.detail or {})
        if event.id in texts:  # shown as segment, before and after instead
            detail = {k: v for k, v in detail.items() if k not in ("translation_id", "version")}
        entries.append(TrailEntry(event.id, event.at, _actor(event), event.action,
                                  languages.get(event.edition_id or 0), event.edition_id, sid,
                                  source, before, after, detail))
    return entries


def edition_trail(session: Session, edition_id: int, limit: int = 200) -> list[TrailEntry]:
    """The latest actions on one edition, newest first, with segment texts resolved."""
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.edition_id == edition_id)
                                  .order_by(AuditEvent.id.desc()).limit(limit)))
    return _entries(session, events)


def article_trail(session: Session, article_id: int) -> list[TrailEntry]:
    """Every recorded action on an article and its editions, oldest first."""
    if session.get(Article, article_id) is None:
        raise NotFound(f"No article {article_id}.")
    edition_ids = select(Edition.id).where(Edition.article_id == article_id)
    events = list(session.scalars(select(AuditEvent).where(
        (AuditEvent.article_id == article_id) | AuditEvent.edition_id.in_(edition_ids))
        .order_by(AuditEvent.id)))
    return _entries(session, events)


def to_csv(entries: Iterable[TrailEntry]) -> str:
    """The trail as CSV (one row per event; ``detail`` as compact JSON)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for entry in entries:
        row = entry.to_json()
        row["detail"] = json.dumps(row["detail"], ensure_ascii=False, sort_keys=True,
                                   default=str)
        writer.writerow(["" if row[c] is None else _cell(row[c]) for c in EXPORT_COLUMNS])
    return buffer.getvalue()


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula (a typed "=..." stays text)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@dataclass(frozen=True)
class SegmentDiff:
    """One segment: the machine output, the approved text and the word changes between them."""

    sid: str
    source: str
    machine: str
    approved: str
    ops: list[tuple[str, str]]

    @property
    def changed(self) -> bool:
        """True when a person changed the machine's words."""
        return self.machine != self.approved


def machine_to_approved(session: Session, edition_id: int) -> list[SegmentDiff]:
    """Per segment, machine output → the text last approved (or the current text if none)."""
    approved = session.scalar(select(EditionSnapshot).where(
        EditionSnapshot.edition_id == edition_id, EditionSnapshot.kind == "approved")
        .order_by(EditionSnapshot.number.desc()).limit(1))
    if approved is not None:
        segments = [(s.get("sid"), s.get("source"), s.get("machine"), s.get("text"))
                    for s in approved.segments]
    else:
        segments = [(r.segment.sid, r.segment.source_text, r.machine_text, r.text)
                    for r in active_translations(session, edition_id)]
    out = []
    for sid, source, machine, text in segments:
        machine, text = machine or "", text if text is not None else (machine or "")
        out.append(SegmentDiff(sid or "", source or "", machine, text, word_diff(machine, text)))
    return out


@dataclass(frozen=True)
class VersionLine:
    """A version partners received, and the internal (approved snapshot) version it came from."""

    partner_version: int
    status: str
    published_at: datetime | None
    internal_version: int | None


def partner_versions(session: Session, edition_id: int) -> list[VersionLine]:
    """Each published version with the number of the approval it carries, newest first."""
    approvals = session.execute(select(EditionSnapshot.number, EditionSnapshot.created_at).where(
        EditionSnapshot.edition_id == edition_id, EditionSnapshot.kind == "approved")
        .order_by(EditionSnapshot.number)).all()
    lines = []
    for publication in session.scalars(select(Publication).where(
            Publication.edition_id == edition_id).order_by(Publication.version.desc())):
        internal = None
        for number, created_at in approvals:
            if created_at <= publication.created_at:
                internal = number
        lines.append(VersionLine(publication.version, publication.status,
                                 publication.published_at, internal))
    return lines
