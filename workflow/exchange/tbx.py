"""TBX-Basic glossaries both ways, so a newsroom can bring its term base and take it away.

Written and read with translate-toolkit. One ``termEntry`` per term of a language pair; a
"do not translate" term (no translation) leaves with the term itself on the target side and
comes back the same way. An import adds the terms the glossary lacks and reports the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session
from translate.storage import tbx

from workflow.errors import DomainError
from workflow.exchange.tmx import parse_untrusted
from workflow.glossary import add_term
from workflow.models import GlossaryTerm, User
from workflow.permissions import Action, require


def export_glossary(session: Session, source_language: str, target_language: str) -> bytes:
    """Every term of one language pair as a TBX-Basic document."""
    store = tbx.tbxfile(sourcelanguage=source_language, targetlanguage=target_language)
    store.document.getroot().set("type", "TBX-Basic")
    for term in session.scalars(select(GlossaryTerm).where(
            GlossaryTerm.source_language == source_language,
            GlossaryTerm.target_language == target_language).order_by(GlossaryTerm.id)):
        unit = store.addsourceunit(term.term)
        unit.settarget(term.translation or term.term)
        if term.note:
            unit.addnote(term.note)
    return bytes(store)


@dataclass
class TbxImport:
    """Terms added, and terms left out with the reason (duplicate, empty, too long)."""

    added: int = 0
    skipped: list[dict] = field(default_factory=list)


def import_glossary(session: Session, data: bytes, source_language: str, target_language: str,
                    user_id: int) -> TbxImport:
    """Add the file's terms of one language pair to the glossary (``user_id``: an admin)."""
    require(session.get(User, user_id), Action.ADMIN)
    store = tbx.tbxfile.parsestring(parse_untrusted(data, "martif", "tbx"))
    result = TbxImport()
    for unit in store.units:
        source, target = (unit.source or "").strip(), (unit.target or "").strip()
        translation = None if not target or target == source else target
        try:
            with session.begin_nested():
                add_term(session, source_language, target_language, source, translation,
                         user_id, note=unit.getnotes() or None)
        except DomainError as exc:
            result.skipped.append({"term": source, "reason": exc.code})
            continue
        result.added += 1
    return result
