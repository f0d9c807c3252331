"""Corrections across languages: one correction flags every sibling edition partners can see.

When one language is corrected (a new published version with a correction) or the source is
edited after publication, every other edition whose published version partners still read is
marked "needs correction" with a note saying what changed. Nothing is sent to partners: the
flag stays until a person publishes a new version of that edition (which clears it) or an
editor records that the edition needs no change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, selectinload

from workflow.db import utcnow
from workflow.errors import Conflict, Forbidden, InvalidInput, NotFound
from workflow.models import Article, AuditEvent, Edition, Publication, User

MAX_NOTE_CHARS = 1000


def _audit(session: Session, user_id: int | None, action: str, edition: Edition,
           **detail: object) -> None:
    session.add(AuditEvent(actor_id=user_id, action=action, article_id=edition.article_id,
                           edition_id=edition.id, detail=detail))


def live_editions(session: Session, article_id: int) -> list[Edition]:
    """Editions of an article whose usable version partners read now."""
    ids = select(Publication.edition_id).where(Publication.article_id == article_id,
                                               Publication.status == "usable")
    return list(session.scalars(select(Edition).where(Edition.id.in_(ids))
                                .order_by(Edition.language)))


def flag_siblings(session: Session, article_id: int, note: str, user_id: int | None, *,
                  except_edition_id: int | None = None,
                  now: datetime | None = None) -> list[Edition]:
    """Mark every live edition of the article except ``except_edition_id`` as needing correction."""
    now = now or utcnow()
    note = note[:MAX_NOTE_CHARS]
    flagged = []
    for edition in live_editions(session, article_id):
        if edition.id == except_edition_id:
            continue
        edition.needs_correction_at = now
        edition.needs_correction_note = note
        _audit(session, user_id, "edition.needs_correction", edition, note=note)
        flagged.append(edition)
    return flagged


def after_correction(session: Session, edition: Edition, version: int, note: str | None,
                     user_id: int | None) -> list[Edition]:
    """A corrected version of ``edition`` went out: its siblings may carry the same error."""
    text = f"{edition.language} corrected (version {version})"
    if note:
        text += f": {note}"
    return flag_siblings(session, edition.article_id, text, user_id,
                         except_edition_id=edition.id)


def after_source_edit(session: Session, article: Article, user_id: int | None) -> list[Edition]:
    """The source changed after publication: every live edition may now be out of date."""
    return flag_siblings(session, article.id,
                         f"source edited (revision {article.revision})", user_id)


def clear(edition: Edition) -> None:
    """A new version of this edition went out (or it was withdrawn): the flag is answered."""
    edition.needs_correction_at = None
    edition.needs_correction_note = None


def dismiss(session: Session, edition_id: int, user_id: int, reason: str) -> Edition:
    """An editor records that a flagged edition needs no change, and why."""
    edition = session.get(Edition, edition_id)
    if edition is None:
        raise NotFound(f"No edition {edition_id}.")
    user = session.get(User, user_id)
    if user is None or not user.is_active or not user.has_role("editor"):
        raise Forbidden("Only editors can clear a correction flag.", code="not_editor")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say why this edition needs no correction.", code="reason_required")
    if edition.needs_correction_at is None:
        raise Conflict("This edition is not marked as needing correction.",
                       code="no_correction_flag")
    _audit(session, user.id, "edition.correction_dismissed", edition,
           note=edition.needs_correction_note, reason=reason[:MAX_NOTE_CHARS])
    clear(edition)
    session.flush()
    return edition


def needing_correction(session: Session, languages: list[str] | None = None,
                       limit: int = 200) -> list[Edition]:
    """Flagged editions (in ``languages`` if given), oldest flag first."""
    query = (select(Edition).options(selectinload(Edition.article))
             .where(Edition.needs_correction_at.is_not(None))
             .order_by(Edition.needs_correction_at, Edition.id).limit(limit))
    if languages:
        query = query.where(Edition.language.in_(languages))
    return list(session.scalars(query))


@dataclass(frozen=True)
class FlaggedLine:
    """A flagged edition as the banner on desk pages shows it (columns, not ORM objects)."""

    id: int
    language: str
    title: str  # the article's
    note: str | None


@lru_cache(maxsize=2)
def _flagged_statement(by_language: bool) -> Select:
    """The banner's query, built once per process (values bound at execution)."""
    editions, articles = Edition.__table__, Article.__table__
    query = (select(editions.c.id, editions.c.language, articles.c.title,
                    editions.c.needs_correction_note)
             .join_from(editions, articles, articles.c.id == editions.c.article_id)
             .where(editions.c.needs_correction_at.is_not(None))
             .order_by(editions.c.needs_correction_at, editions.c.id).limit(bindparam("limit")))
    if by_language:
        query = query.where(editions.c.language.in_(bindparam("languages", expanding=True)))
    return query


def flagged_lines(session: Session, languages: list[str] | None = None,
                  limit: int = 20) -> list[FlaggedLine]:
    """The banner's flagged editions (in ``languages`` if given), oldest flag first: one query
    on the ``needs_correction_at`` index, asked by every desk page."""
    params: dict[str, object] = {"limit": limit}
    if languages:
        params["languages"] = list(languages)
    return [FlaggedLine(*row)
            for row in session.execute(_flagged_statement(bool(languages)), params)]
