"""Per-language-pair glossary: forced translations and do-not-translate terms."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from translations.markup import Span


@dataclass(frozen=True)
class GlossaryEntry:
    """A source term and its required rendering (None = keep the term as it is)."""

    source_term: str
    target_term: str | None
    source_language: str
    target_language: str

    @property
    def rendering(self) -> str:
        """What the target text must contain."""
        return self.source_term if self.target_term is None else self.target_term


@dataclass(frozen=True)
class TermMatch:
    """One occurrence of a glossary term in a source text."""

    start: int
    end: int
    entry: GlossaryEntry


class Glossary:
    """A newsroom glossary, e.g. Toqayev → kk 'Тоқаев', ru 'Токаев'; 'Abraham Accords' kept."""

    def __init__(self, entries: Iterable[GlossaryEntry]) -> None:
        self.entries = tuple(entries)

    def for_pair(self, source: str | None, target: str) -> list[GlossaryEntry]:
        """Entries for source→target (any source when None), longest term first."""
        found = [
            e
            for e in self.entries
            if e.target_language == target and source in (None, e.source_language)
        ]
        return sorted(found, key=lambda e: (-len(e.source_term), e.source_term))

    def matches(self, text: str, source: str | None, target: str) -> list[TermMatch]:
        """Non-overlapping whole-word occurrences of the pair's terms, in text order."""
        taken: list[TermMatch] = []
        for entry in self.for_pair(source, target):
            pattern = re.compile(rf"(?<!\w){re.escape(entry.source_term)}(?!\w)")
            for match in pattern.finditer(text):
                if all(match.end() <= t.start or match.start() >= t.end for t in taken):
                    taken.append(TermMatch(match.start(), match.end(), entry))
        return sorted(taken, key=lambda t: t.start)

    def spans(self, text: str, source: str, target: str) -> list[Span]:
        """Placeholder spans that swap each term for its required rendering."""
        return [
            Span(m.start, m.end, m.entry.rendering, "term")
            for m in self.matches(text, source, target)
        ]

    def violations(
        self, source_text: str, target_text: str, source: str | None, target: str
    ) -> list[GlossaryEntry]:
        """Entries whose term is in the source but whose rendering is missing from the target."""
        lowered = target_text.casefold()
        missing: dict[str, GlossaryEntry] = {}
        for match in self.matches(source_text, source, target):
            if match.entry.rendering.casefold() not in lowered:
                missing[match.entry.source_term] = match.entry
        return list(missing.values())
