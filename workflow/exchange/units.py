"""What XLIFF 1.2 and 2.0 share: the namespace, inline tag codes, a returned unit, segment notes.

Both version modules import it, so neither needs the other's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.errors import NotFound
from workflow.models import Comment, Edition

NS = "urn:audarma:xliff"
_TAG = re.compile(r"<(/?)(\d+)(/?)>")


@dataclass(frozen=True)
class Returned:
    """One unit of a returned file, whatever its XLIFF version."""

    unit_id: str | None
    source_hash: str | None
    version: str | None
    text: str | None  # None: no target in the file
    confirm: bool


def edition_to_export(session: Session, edition_id: int) -> tuple[Edition, str]:
    """The edition and the ``original`` name its file carries (``audarma/article-42/kk``)."""
    edition = session.get(Edition, edition_id)
    if edition is None:
        raise NotFound(f"No edition {edition_id}.")
    return edition, f"audarma/article-{edition.article_id}/{edition.language}"


def segment_notes(session: Session, edition_id: int) -> dict[int, list[str]]:
    """Comments on the edition's segments, oldest first, by segment translation id."""
    notes: dict[int, list[str]] = {}
    for comment in session.scalars(select(Comment).where(Comment.edition_id == edition_id,
                                                         Comment.translation_id.is_not(None))
                                   .order_by(Comment.id)):
        if comment.translation_id is not None:  # the query's filter, said to the type checker
            notes.setdefault(comment.translation_id, []).append(comment.body)
    return notes
