"""Parsed blocks to cleaned text and sentence segments with inline marks as numbered tags."""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from translations.segmentation import split_sentences
from translations.textnorm import clean_text
from workflow.ingest.article import Mark, ParsedArticle, ParsedBlock
from workflow.memory import source_hash

_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class SegmentDraft:
    """One sentence of a block, ready to become a Segment row."""

    source_text: str  # with <1>…</1> tags where inline marks were
    marks: list[dict]  # marks[n-1] = {"kind", "href"} for tag n
    start: int
    end: int
    source_hash: str


@dataclass
class BlockDraft:
    """One cleaned block; its sentences are filled in once the language is known."""

    kind: str
    text: str
    marks: list[Mark]
    segments: list[SegmentDraft] = field(default_factory=list)

    @property
    def marks_json(self) -> list[dict]:
        """The block's marks as stored in Block.marks."""
        return [{"start": m.start, "end": m.end, "kind": m.kind, "href": m.href}
                for m in self.marks]


def _remap(old: str, new: str, marks: Sequence[Mark]) -> list[Mark]:
    """Move mark offsets from ``old`` to ``new`` (the same text after cleaning)."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    blocks = matcher.get_matching_blocks()

    def where(offset: int) -> int:
        for a, b, size in blocks:
            if a <= offset <= a + size:
                return b + (offset - a)
            if a > offset:
                return b
        return len(new)

    moved = []
    for m in marks:
        start, end = where(m.start), where(m.end)
        if end > start:
            moved.append(Mark(start, end, m.kind, m.href))
    return moved


def clean_block(block: ParsedBlock) -> tuple[str, list[Mark], list[str]]:
    """NFC, invisible characters and odd spaces cleaned; marks follow the text; warnings."""
    result = clean_text(block.text)
    text = result.text
    marks = list(block.marks)
    if text != block.text and marks:
        marks = _remap(block.text, text, marks)
    return text, marks, [w.message for w in result.warnings]


def tag_segment(text: str, start: int, end: int, marks: Sequence[Mark]) -> tuple[str, list[dict]]:
    """The sentence ``text[start:end]`` with overlapping marks as ``<n>…</n>`` tags."""
    clipped = []
    for m in marks:
        s, e = max(m.start, start), min(m.end, end)
        if e > s:
            clipped.append((s, e, m))
    clipped.sort(key=lambda c: (c[0], -c[1]))
    opens: dict[int, list[int]] = {}
    closes: dict[int, list[int]] = {}
    info = []
    for number, (s, e, m) in enumerate(clipped, start=1):
        opens.setdefault(s, []).append(number)
        closes.setdefault(e, []).insert(0, number)
        info.append({"kind": m.kind, "href": m.href})
    out = []
    for pos in range(start, end + 1):
        for number in closes.get(pos, []):
            out.append(f"</{number}>")
        for number in opens.get(pos, []):
            out.append(f"<{number}>")
        if pos < end:
            out.append(text[pos])
    return "".join(out), info


UNSEGMENTED_KINDS = ("byline",)


def segment_block(text: str, marks: Sequence[Mark], language: str) -> list[SegmentDraft]:
    """Split a block's text into sentences, carrying its marks into each as tags."""
    drafts = []
    for sentence in split_sentences(text, language):
        tagged, info = tag_segment(text, sentence.start, sentence.end, marks)
        drafts.append(SegmentDraft(tagged, info, sentence.start, sentence.end,
                                   source_hash(tagged)))
    return drafts


def clean_blocks(parsed: ParsedArticle) -> tuple[list[BlockDraft], list[str]]:
    """Clean every block of a parsed article; returns drafts and text-hygiene warnings."""
    drafts: list[BlockDraft] = []
    warnings: list[str] = []
    for block in parsed.blocks:
        text, marks, block_warnings = clean_block(block)
        warnings.extend(block_warnings)
        if text.strip():
            drafts.append(BlockDraft(block.kind, text, marks))
    return drafts, warnings


def segment_blocks(drafts: Sequence[BlockDraft], language: str) -> None:
    """Split every draft block into sentence segments in ``language``.

    A byline block gets none: credits are the article's metadata (``Article.byline``), shown per
    edition and never machine-translated.
    """
    for draft in drafts:
        draft.segments = ([] if draft.kind in UNSEGMENTED_KINDS
                          else segment_block(draft.text, draft.marks, language))


def content_hash(title: str, blocks: Sequence[BlockDraft | ParsedBlock]) -> str:
    """A fingerprint of an article's words (whitespace and case folded) to spot re-submissions."""
    parts = [_WS.sub(" ", title).strip().casefold()]
    parts += [_WS.sub(" ", b.text).strip().casefold() for b in blocks
              if b.kind != "title"]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
