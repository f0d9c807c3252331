"""Translation memory and glossary backed by the database, handed to the engine as lookups."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from translations.glossary import Glossary, GlossaryEntry
from translations.memory import normalise_for_memory
from workflow.models import GlossaryTerm, MemoryEntry

FUZZY_THRESHOLD = 75.0  # rapidfuzz ratio, 0..100
FUZZY_CANDIDATES = 2000


@lru_cache(maxsize=50_000)
def _normalised(text: str) -> str:
    """normalise_for_memory, remembered: the fuzzy pool is the same few thousand texts each time."""
    return normalise_for_memory(text)


def source_hash(text: str) -> str:
    """Stable hash of a segment's normalised source, the memory's exact-match key."""
    import hashlib

    return hashlib.sha256(normalise_for_memory(text).encode("utf-8")).hexdigest()


class DatabaseMemory:
    """MemoryLookup over approved segments of one language pair, loaded up front in one query."""

    def __init__(self, session: Session, source_language: str, target_language: str) -> None:
        self.session = session
        self.source_language = source_language
        self.target_language = target_language
        self._exact: dict[str, str] = {}
        self._pool: list[tuple[str, str]] = []
        self._keys: list[str] = []  # normalised sources of the pool, in the same order

    def preload(self, texts: Iterable[str]) -> None:
        """Load exact matches for ``texts`` and a bounded pool of recent pairs for fuzzy search."""
        hashes = {source_hash(t) for t in texts}
        base = select(MemoryEntry).where(
            MemoryEntry.source_language == self.source_language,
            MemoryEntry.target_language == self.target_language,
            MemoryEntry.retracted_at.is_(None),
        )
        for entry in self.session.scalars(
            base.where(MemoryEntry.source_hash.in_(hashes)).order_by(MemoryEntry.id)
        ):
            self._exact[entry.source_hash] = entry.target_text
        recent = self.session.execute(
            select(MemoryEntry.source_text, MemoryEntry.target_text).where(
                MemoryEntry.source_language == self.source_language,
                MemoryEntry.target_language == self.target_language,
                MemoryEntry.retracted_at.is_(None),
            ).order_by(MemoryEntry.id.desc()).limit(FUZZY_CANDIDATES))
        self._pool = [(source, target) for source, target in recent]
        self._keys = [_normalised(source) for source, _target in self._pool]

    def exact(self, source_text: str) -> str | None:
        """The approved translation of an identical (normalised) source, if any."""
        return self._exact.get(source_hash(source_text))

    def fuzzy(self, source_text: str, limit: int = 3) -> list[tuple[str, str, float]]:
        """Approved pairs whose source is at least 75 % similar (similarity 0..1), best first."""
        from rapidfuzz import fuzz, process

        if not self._pool:
            return []
        hits = process.extract(_normalised(source_text), self._keys, scorer=fuzz.ratio,
                               processor=None, limit=limit, score_cutoff=FUZZY_THRESHOLD)
        return [(self._pool[i][0], self._pool[i][1], round(score / 100, 3))
                for _s, score, i in hits]


def glossary_for(session: Session, source_language: str, target_language: str) -> Glossary:
    """The glossary entries that apply to one language pair."""
    terms = session.scalars(
        select(GlossaryTerm).where(GlossaryTerm.source_language == source_language,
                                   GlossaryTerm.target_language == target_language)
    ).all()
    return Glossary([
        GlossaryEntry(source_term=t.term, target_term=t.translation,
                      source_language=source_language, target_language=target_language,
                      must_use=bool((t.extra or {}).get("must_use")),
                      variants=tuple((t.extra or {}).get("variants") or ()))
        for t in terms
    ])


def remember(session: Session, source_language: str, target_language: str,
             pairs: Sequence[tuple[str, str]], edition_id: int | None, user_id: int | None) -> int:
    """Write approved pairs to memory (latest approval wins for identical sources)."""
    written = 0
    for source_text, target_text in pairs:
        if not source_text.strip() or not target_text.strip():
            continue
        session.add(MemoryEntry(source_language=source_language, target_language=target_language,
                                source_text=source_text, source_hash=source_hash(source_text),
                                target_text=target_text, edition_id=edition_id,
                                approved_by_id=user_id))
        written += 1
    return written
