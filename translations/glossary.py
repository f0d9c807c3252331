"""Per-language-pair glossary: forced translations and do-not-translate terms.

Terms match case-insensitively and in their inflected forms (Астана in Астанада, Астане,
АСТАНА; Министерство иностранных дел in Министерства иностранных дел), on both sides: a target
that has the required rendering in any grammatical case passes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from translations.markup import Span
from translations.morphology import forms_match, words


@dataclass(frozen=True)
class GlossaryEntry:
    """A source term and its required rendering (None = keep the term as it is)."""

    source_term: str
    target_term: str | None
    source_language: str
    target_language: str
    must_use: bool = False
    variants: tuple[str, ...] = ()  # other accepted target forms, e.g. irregular inflections

    @property
    def blocking(self) -> bool:
        """A missing rendering blocks submit for do-not-translate and must-use terms only."""
        return self.target_term is None or self.must_use

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

    def matches(
        self, text: str, source: str | None, target: str, *, inflected: bool = True
    ) -> list[TermMatch]:
        """Non-overlapping occurrences of the pair's terms in text order (inflected forms too)."""
        tokens = words(text)
        taken: list[TermMatch] = []
        for entry in self.for_pair(source, target):
            for start, end in find_term(entry.source_term, tokens, entry.source_language,
                                        inflected=inflected):
                if all(end <= t.start or start >= t.end for t in taken):
                    taken.append(TermMatch(start, end, entry))
        return sorted(taken, key=lambda t: t.start)

    def spans(self, text: str, source: str, target: str) -> list[Span]:
        """Placeholder spans that swap each term for its required rendering."""
        return [
            Span(m.start, m.end, m.entry.rendering, "term")
            for m in self.matches(text, source, target, inflected=False)
        ]

    def violations(
        self, source_text: str, target_text: str, source: str | None, target: str
    ) -> list[GlossaryEntry]:
        """Entries whose term is in the source but whose rendering (any form) is not in target."""
        tokens = words(target_text)
        missing: dict[str, GlossaryEntry] = {}
        for match in self.matches(source_text, source, target):
            entry = match.entry
            wanted = (entry.rendering, *entry.variants)
            if not any(find_term(w, tokens, entry.target_language) for w in wanted):
                missing[entry.source_term] = entry
        return list(missing.values())


def find_term(
    term: str, tokens: list[tuple[int, int, str]], language: str, *, inflected: bool = True
) -> list[tuple[int, int]]:
    """(start, end) of every run of text words that spells term, word by word."""
    term_words = [w for _, _, w in words(term)]
    if not term_words:
        return []
    found = []
    size = len(term_words)
    for i in range(len(tokens) - size + 1):
        run = tokens[i:i + size]
        if all(
            word == wanted or (inflected and forms_match(wanted, word, language))
            for (_, _, word), wanted in zip(run, term_words, strict=True)
        ):
            found.append((run[0][0], run[-1][1]))
    return found
