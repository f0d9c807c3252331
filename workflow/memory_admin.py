"""Memory hygiene: a kill retracts an edition's memory entries; admins search and delete entries.

A retracted entry stays in the table (who approved it, who retracted it, why) but is never
offered again, neither as an exact reuse nor as a fuzzy suggestion (``DatabaseMemory`` skips it).
A deleted entry is gone; its texts are kept in the audit log entry that records the deletion.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from workflow.db import rows_changed, utcnow
from workflow.errors import Forbidden, InvalidInput, NotFound
from workflow.models import LANGUAGES, AuditEvent, MemoryEntry, User

PAGE_SIZE = 50


def retract_for_edition(session: Session, edition_id: int, user_id: int | None, reason: str,
                        now: datetime | None = None) -> int:
    """Retract every live memory entry an edition's approvals wrote; returns how many."""
    now = now or utcnow()
    return rows_changed(session, (
        update(MemoryEntry)
        .where(MemoryEntry.edition_id == edition_id, MemoryEntry.retracted_at.is_(None))
        .values(retracted_at=now, retracted_by_id=user_id, retracted_reason=reason[:1000])
        .execution_options(synchronize_session=False)))


def _require_admin(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.is_active or not user.has_role("admin"):
        raise Forbidden("Only administrators can manage translation memory.", code="not_admin")
    return user


@dataclass(frozen=True)
class MemoryPage:
    """One page of memory entries matching a search."""

    entries: list[MemoryEntry]
    total: int
    page: int
    pages: int


def search(session: Session, q: str = "", source_language: str = "", target_language: str = "",
           retracted: str = "", page: int = 1) -> MemoryPage:
    """Entries whose source or target contains ``q`` (case-insensitive), newest first.

    ``retracted``: "" any, "yes" only retracted, "no" only live ones.
    """
    query = select(MemoryEntry)
    q = (q or "").strip()[:200]
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(MemoryEntry.source_text.ilike(pattern, escape="\\"),
                                MemoryEntry.target_text.ilike(pattern, escape="\\")))
    if source_language in LANGUAGES:
        query = query.where(MemoryEntry.source_language == source_language)
    if target_language in LANGUAGES:
        query = query.where(MemoryEntry.target_language == target_language)
    if retracted == "yes":
        query = query.where(MemoryEntry.retracted_at.is_not(None))
    elif retracted == "no":
        query = query.where(MemoryEntry.retracted_at.is_(None))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    entries = list(session.scalars(query.order_by(MemoryEntry.id.desc())
                                   .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
    return MemoryPage(entries, total, page, pages)


def delete_entry(session: Session, entry_id: int, user_id: int) -> None:
    """Delete one memory entry; the audit log keeps what it said and who removed it."""
    user = _require_admin(session, user_id)
    entry = session.get(MemoryEntry, entry_id)
    if entry is None:
        raise NotFound(f"No memory entry {entry_id}.")
    session.add(AuditEvent(actor_id=user.id, action="memory.deleted", edition_id=entry.edition_id,
                           detail={"entry_id": entry.id, "pair": f"{entry.source_language}→"
                                   f"{entry.target_language}", "source": entry.source_text,
                                   "target": entry.target_text}))
    session.delete(entry)
    session.flush()


def retract_entry(session: Session, entry_id: int, user_id: int, reason: str) -> MemoryEntry:
    """Retract one entry by hand (kept, never suggested), with a reason."""
    user = _require_admin(session, user_id)
    entry = session.get(MemoryEntry, entry_id)
    if entry is None:
        raise NotFound(f"No memory entry {entry_id}.")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say why the entry is retracted.", code="reason_required")
    entry.retracted_at, entry.retracted_by_id, entry.retracted_reason = utcnow(), user.id, reason
    session.add(AuditEvent(actor_id=user.id, action="memory.retracted",
                           edition_id=entry.edition_id,
                           detail={"entry_id": entry.id, "reason": reason}))
    session.flush()
    return entry
