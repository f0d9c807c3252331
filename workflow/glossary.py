"""The newsroom glossary: forced translations and do-not-translate terms per language pair."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.errors import Conflict, InvalidInput, NotFound
from workflow.models import GlossaryTerm
from workflow.vocabulary import LANGUAGES

MAX_TERM = 500


def list_terms(session: Session, source_language: str | None = None) -> list[GlossaryTerm]:
    """Every term, grouped by language pair, alphabetically."""
    query = select(GlossaryTerm).order_by(GlossaryTerm.source_language,
                                          GlossaryTerm.target_language, GlossaryTerm.term)
    if source_language:
        query = query.where(GlossaryTerm.source_language == source_language)
    return list(session.scalars(query))


def add_term(session: Session, source_language: str, target_language: str, term: str,
             translation: str | None, user_id: int | None, note: str | None = None) -> GlossaryTerm:
    """Add a term; an empty translation means "keep the term as it is" (do not translate)."""
    term = " ".join(term.split())
    translation = " ".join((translation or "").split()) or None
    if source_language not in LANGUAGES or target_language not in LANGUAGES:
        raise InvalidInput("Choose a source and a target language among kk, ru, en.",
                           code="unknown_language")
    if source_language == target_language:
        raise InvalidInput("Source and target language must differ.", code="same_language")
    if not term:
        raise InvalidInput("The term is empty.", code="empty")
    if len(term) > MAX_TERM or (translation and len(translation) > MAX_TERM):
        raise InvalidInput(f"Terms are at most {MAX_TERM} characters.", code="too_long")
    exists = session.scalar(select(GlossaryTerm.id).where(
        GlossaryTerm.source_language == source_language,
        GlossaryTerm.target_language == target_language, GlossaryTerm.term == term))
    if exists:
        raise Conflict(f"“{term}” is already in the {source_language}→{target_language} glossary.",
                       code="duplicate_term")
    row = GlossaryTerm(source_language=source_language, target_language=target_language,
                       term=term, translation=translation, note=note or None,
                       created_by_id=user_id)
    session.add(row)
    session.flush()
    return row


def delete_term(session: Session, term_id: int) -> None:
    """Remove a term."""
    row = session.get(GlossaryTerm, term_id)
    if row is None:
        raise NotFound(f"No glossary term {term_id}.")
    session.delete(row)
