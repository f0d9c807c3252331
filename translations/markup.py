"""Protect inline tags (<1>…</1>, <2/>) and glossary terms with placeholders around MT."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

TAG_PATTERN = re.compile(r"</?\d+>|<\d+/>")
# Weblate-style placeholders: ASCII letters and digits that MT models tend to copy verbatim.
PLACEHOLDER = "[X{}X]"
PLACEHOLDER_PATTERN = re.compile(r"\[\s*[Xx]\s*(\d+)\s*[Xx]\s*\]")


@dataclass(frozen=True)
class Span:
    """A stretch of source text to hide from the model and what to put back in its place."""

    start: int
    end: int
    replacement: str
    kind: str  # "tag" or "term"


@dataclass(frozen=True)
class Protected:
    """Source text with placeholders, and the original pieces keyed by placeholder number."""

    text: str
    pieces: tuple[tuple[int, str, str], ...]  # (number, replacement, kind)


@dataclass(frozen=True)
class Restored:
    """Target text with placeholders replaced; what had to be re-attached or was unknown."""

    text: str
    reattached: tuple[tuple[str, str], ...]  # (replacement, kind), appended at the end
    unknown: tuple[str, ...]  # placeholders the model invented


def tag_spans(text: str) -> list[Span]:
    """Every inline tag in the text, in order."""
    return [Span(m.start(), m.end(), m.group(0), "tag") for m in TAG_PATTERN.finditer(text)]


def protect(text: str, spans: Sequence[Span]) -> Protected:
    """Replace each span (non-overlapping, earlier spans win) with a numbered placeholder."""
    chosen: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if chosen and span.start < chosen[-1].end:
            continue
        chosen.append(span)
    parts, pieces, cursor = [], [], 0
    for number, span in enumerate(chosen, start=1):
        parts.append(text[cursor : span.start])
        parts.append(PLACEHOLDER.format(number))
        pieces.append((number, span.replacement, span.kind))
        cursor = span.end
    parts.append(text[cursor:])
    return Protected("".join(parts), tuple(pieces))


def restore(output: str, protected: Protected) -> Restored:
    """Put the original pieces back; append any the model lost, so nothing silently disappears."""
    by_number = {number: (replacement, kind) for number, replacement, kind in protected.pieces}
    seen: set[int] = set()
    unknown: list[str] = []

    def substitute(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if number not in by_number:
            unknown.append(match.group(0))
            return ""
        seen.add(number)
        return by_number[number][0]

    text = PLACEHOLDER_PATTERN.sub(substitute, output)
    lost = [(by_number[n][0], by_number[n][1]) for n in sorted(by_number) if n not in seen]
    if lost:
        text = text.rstrip() + " " + "".join(replacement for replacement, _ in lost)
        text = text.strip()
    return Restored(re.sub(r"[ \t]{2,}", " ", text), tuple(lost), tuple(unknown))
