"""Translation memory lookup: the protocol the engine consults and a simple in-memory store."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

FUZZY_THRESHOLD = 0.75


def normalise_for_memory(text: str) -> str:
    """The key under which a source segment is remembered: NFC, typographic quotes and spaces
    unified, whitespace collapsed; case is kept because it changes meaning (names)."""
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_QUOTES)
    return " ".join(text.split())


_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
    }
)


@dataclass(frozen=True)
class MemorySuggestion:
    """An approved translation of a similar source segment, offered to the reviewer."""

    source_text: str
    target_text: str
    similarity: float  # 0..1

    def to_json(self) -> dict[str, object]:
        """JSON form stored with the segment."""
        return {
            "source_text": self.source_text,
            "target_text": self.target_text,
            "similarity": round(self.similarity, 3),
        }


@runtime_checkable
class MemoryLookup(Protocol):
    """Approved translations for one language pair; implementations normalise with
    `normalise_for_memory`. workflow/ provides the database-backed one."""

    def exact(self, source_text: str) -> str | None:
        """The approved translation of an identical (normalised) source segment, if any."""
        ...

    def fuzzy(self, source_text: str, limit: int) -> list[tuple[str, str, float]]:
        """Up to limit (source, target, similarity 0..1) matches, most similar first."""
        ...


class InMemoryTranslationMemory:
    """A MemoryLookup over a list of (source, target) pairs, for tests and scripts."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._entries: dict[str, tuple[str, str]] = {}
        for source_text, target_text in pairs:
            self.add(source_text, target_text)

    def add(self, source_text: str, target_text: str) -> None:
        """Remember an approved translation (a later one replaces an earlier one)."""
        self._entries[normalise_for_memory(source_text)] = (source_text, target_text)

    def exact(self, source_text: str) -> str | None:
        """The approved translation of an identical normalised source, if any."""
        hit = self._entries.get(normalise_for_memory(source_text))
        return hit[1] if hit else None

    def fuzzy(self, source_text: str, limit: int) -> list[tuple[str, str, float]]:
        """The most similar remembered segments by rapidfuzz ratio (0..1)."""
        from rapidfuzz import fuzz, process

        found = process.extract(
            normalise_for_memory(source_text),
            list(self._entries),
            scorer=fuzz.ratio,
            limit=limit,
        )
        return [
            (self._entries[key][0], self._entries[key][1], score / 100) for key, score, _ in found
        ]
