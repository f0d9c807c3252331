"""The newsroom glossary: forced translations and do-not-translate terms per language pair.

A term may be marked "must use" (a missing rendering then blocks submit, as a do-not-translate
term always does; other terms only warn) and may list other accepted target forms (variants).
Both live in the row's ``extra``. Terms are listed in each language's alphabetical order
(Kazakh: а ә б … ы і …) and move in and out in bulk as CSV.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from translations.morphology import kazakh_sort_key
from workflow.errors import Conflict, InvalidInput, NotFound
from workflow.models import GlossaryTerm
from workflow.vocabulary import LANGUAGES

MAX_TERM = 500
MAX_IMPORT_ROWS = 5000
MAX_IMPORT_BYTES = 2_000_000
CSV_COLUMNS = ("source_language", "target_language", "term", "translation", "must_use",
               "variants", "note")
_TRUE = {"1", "true", "yes", "y", "да", "иә"}


def sort_key(row: GlossaryTerm) -> tuple[str, str, tuple[int, ...]]:
    """Language pair, then the term in its source language's alphabetical order."""
    return (row.source_language, row.target_language, kazakh_sort_key(row.term))


def list_terms(session: Session, source_language: str | None = None) -> list[GlossaryTerm]:
    """Every term, grouped by language pair, alphabetically (Kazakh order for Cyrillic)."""
    query = select(GlossaryTerm)
    if source_language:
        query = query.where(GlossaryTerm.source_language == source_language)
    return sorted(session.scalars(query), key=sort_key)


def must_use(row: GlossaryTerm) -> bool:
    """Whether a missing rendering of this term blocks submit."""
    return bool((row.extra or {}).get("must_use"))


def variants(row: GlossaryTerm) -> tuple[str, ...]:
    """Other accepted target forms of this term."""
    return tuple((row.extra or {}).get("variants") or ())


def _clean_variants(values: Iterable[str]) -> list[str]:
    cleaned = [" ".join(v.split()) for v in values]
    return [v for v in cleaned if v]


def add_term(session: Session, source_language: str, target_language: str, term: str,
             translation: str | None, user_id: int | None, note: str | None = None, *,
             must_use: bool = False, variants: Iterable[str] = ()) -> GlossaryTerm:
    """Add a term; an empty translation means "keep the term as it is" (do not translate)."""
    term = " ".join(term.split())
    translation = " ".join((translation or "").split()) or None
    accepted = _clean_variants(variants)
    if source_language not in LANGUAGES or target_language not in LANGUAGES:
        raise InvalidInput("Choose a source and a target language among kk, ru, en.",
                           code="unknown_language")
    if source_language == target_language:
        raise InvalidInput("Source and target language must differ.", code="same_language")
    if not term:
        raise InvalidInput("The term is empty.", code="empty")
    if any(len(t) > MAX_TERM for t in (term, translation or "", *accepted)):
        raise InvalidInput(f"Terms are at most {MAX_TERM} characters.", code="too_long")
    exists = session.scalar(select(GlossaryTerm.id).where(
        GlossaryTerm.source_language == source_language,
        GlossaryTerm.target_language == target_language, GlossaryTerm.term == term))
    if exists:
        raise Conflict(f"“{term}” is already in the {source_language}→{target_language} glossary.",
                       code="duplicate_term")
    extra: dict[str, object] = {"must_use": True} if must_use else {}
    if accepted:
        extra["variants"] = accepted
    row = GlossaryTerm(source_language=source_language, target_language=target_language,
                       term=term, translation=translation, note=note or None,
                       created_by_id=user_id, case_sensitive=False, extra=extra)
    session.add(row)
    session.flush()
    return row


def delete_term(session: Session, term_id: int) -> None:
    """Remove a term."""
    row = session.get(GlossaryTerm, term_id)
    if row is None:
        raise NotFound(f"No glossary term {term_id}.")
    session.delete(row)


def export_csv(session: Session) -> str:
    """Every term as CSV (header row first), in the order the admin page lists them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in list_terms(session):
        writer.writerow([row.source_language, row.target_language, row.term,
                         row.translation or "", "yes" if must_use(row) else "",
                         "|".join(variants(row)), row.note or ""])
    return out.getvalue()


def import_csv(session: Session, text: str, user_id: int | None) -> tuple[int, int]:
    """Add the terms of a CSV export (header row required); returns (added, already there).

    One bad row rejects the import (the caller's transaction rolls back), naming its line.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"source_language", "target_language", "term"} - set(reader.fieldnames or ())
    if missing:
        raise InvalidInput("The CSV needs a header row with at least source_language, "
                           "target_language and term.", code="bad_csv")
    added = skipped = 0
    for line, record in enumerate(reader, start=2):
        if line - 1 > MAX_IMPORT_ROWS:
            raise InvalidInput(f"At most {MAX_IMPORT_ROWS} terms per import.",
                               code="too_many_rows")
        values = {k: (v or "").strip() for k, v in record.items() if isinstance(k, str)}
        try:
            add_term(session, values.get("source_language", ""),
                     values.get("target_language", ""), values.get("term", ""),
                     values.get("translation"), user_id, values.get("note"),
                     must_use=values.get("must_use", "").casefold() in _TRUE,
                     variants=values.get("variants", "").split("|"))
        except Conflict:
            skipped += 1
            continue
        except InvalidInput as exc:
            raise InvalidInput(f"Line {line}: {exc.message}", code=exc.code, line=line) from None
        added += 1
    return added, skipped
