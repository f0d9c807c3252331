"""Shared structure rules: inline-mark building, bylines, photo credits, furniture, lead, title."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from workflow.ingest.article import IngestError, Mark, MarkKind, ParsedArticle, ParsedBlock
from workflow.ingest.decoding import clean_text
from workflow.ingest.limits import MAX_BLOCKS, MAX_BYLINE_CHARS, MAX_TITLE_CHARS

_WS = re.compile(r"\s+")

BYLINE_RE = re.compile(
    r"^(?:original\s+author|authors?|written\s+by|by|автор(?:ы)?|авторлар|авторы\s+материала)"
    r"\s*(?::|：|—|-)?\s+(?P<name>\S.*)$",
    re.IGNORECASE,
)
PHOTO_RE = re.compile(
    r"^(?:cover\s+)?(?P<label>photo(?:\s+by)?|фото|сурет|фотосурет|image|credit)"
    r"\s*(?::|：|—|-|\s)\s*(?P<credit>\S.*)$",
    re.IGNORECASE,
)


def _phrases(block: str) -> frozenset[str]:
    """A set of phrases written one per line or separated by '|'."""
    return frozenset(p.strip() for p in block.replace("\n", "|").split("|") if p.strip())


# Whole lines that are site navigation, never article text (compared casefolded, punctuation off).
FURNITURE = _phrases(
    """
    latest news|view all|see all|read more|read also|share|share this|tweet|print|comments
    related|related articles|more news|top stories|advertisement|subscribe|follow us
    back to top|next article|последние новости|все новости|читайте также|читать далее
    поделиться|реклама|подписаться|смотреть все|новости по теме|комментарии
    соңғы жаңалықтар|барлық жаңалықтар|толығырақ|бөлісу|жарнама|тағы оқыңыз|оқи отырыңыз
    барлығын көру|жазылу|continue reading|читать дальше|далее|толығырақ оқу|подробнее
    """
)
# Furniture after which the rest of a paste is the site's list of other stories.
TAIL_MARKERS = _phrases(
    """
    latest news|view all|read also|related|related articles|more news|top stories
    последние новости|все новости|читайте также|новости по теме|соңғы жаңалықтар
    барлық жаңалықтар|тағы оқыңыз
    """
)
SUBSCRIBE_RE = re.compile(
    r"^(?:subscribe|sign up|follow us|подпис|подпиш|жазылыңыз|жазылу|бізге жазыл)",
    re.IGNORECASE,
)


def furniture_key(text: str) -> str:
    """Casefolded text without punctuation, for matching furniture phrases."""
    return _WS.sub(" ", re.sub(r"[^\w\s]", " ", text.casefold())).strip()


RELATED_RE = re.compile(
    r"^(?:related|read more|read also|see also|more|читайте также|читать также|по теме|"
    r"тағы оқыңыз|сондай-ақ оқыңыз)\s*:",
    re.IGNORECASE,
)


def is_furniture(text: str) -> bool:
    """True for a short line that is site navigation, a related-story link or a subscribe prompt."""
    text = text.strip()
    if len(text) > 200:
        return False
    if RELATED_RE.match(text):
        return True
    return len(text) <= 120 and (furniture_key(text) in FURNITURE or bool(SUBSCRIBE_RE.match(text)))


def match_byline(text: str) -> str | None:
    """The author name(s) if this short line is a byline ("By ...", "Автор: ..."), else None."""
    if len(text) > MAX_BYLINE_CHARS:
        return None
    m = BYLINE_RE.match(text.strip())
    if not m:
        return None
    name = m.group("name").strip()
    words = name.split()
    if not words or len(words) > 12 or name[-1] in ".!?" and not re.search(r"\b\w\.$", name):
        return None
    if text.strip().lower().startswith("by ") and not name[:1].isupper():
        return None  # "by the way ..." is a sentence, not a byline
    return name


def match_photo_credit(text: str) -> str | None:
    """The credit if this short line is a photo credit ("cover Photo: Aqorda"), else None."""
    if len(text) > MAX_BYLINE_CHARS:
        return None
    m = PHOTO_RE.match(text.strip())
    if not m:
        return None
    if m.group("label").lower() in ("image", "credit") and ":" not in text:
        return None
    return m.group("credit").strip()


@dataclass
class InlineText:
    """Accumulates text chunks and open/close marks into one block's plain text."""

    parts: list[str] = field(default_factory=list)
    length: int = 0
    pending_space: bool = False
    marks: list[Mark] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, raw: str) -> None:
        """Append a raw text chunk, collapsing whitespace the way a browser would."""
        if not raw:
            return
        if raw[0].isspace():
            self.pending_space = True
        text, warnings = clean_text(raw)
        self.warnings.extend(warnings)
        text = _WS.sub(" ", text).strip()
        if text:
            if self.pending_space and self.length:
                self.parts.append(" ")
                self.length += 1
            self.parts.append(text)
            self.length += len(text)
            self.pending_space = False
        if raw[-1].isspace():
            self.pending_space = True

    def open(self) -> int:
        """Position where a mark starts (trimmed of whitespace later)."""
        return self.length

    def close(self, start: int, kind: MarkKind, href: str | None = None) -> None:
        """Record a mark from `start` to the current end."""
        if self.length > start:
            self.marks.append(Mark(start, self.length, kind, href))

    @property
    def empty(self) -> bool:
        """True while no visible text was added."""
        return self.length == 0

    def build(self, kind: str) -> ParsedBlock | None:
        """The finished block, with marks trimmed to the text, or None if empty."""
        text = "".join(self.parts)
        if not text.strip():
            return None
        marks = []
        for m in self.marks:
            start, end = m.start, min(m.end, len(text))
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                marks.append(Mark(start, end, m.kind, m.href))
        return ParsedBlock(kind, text, _merge_marks(text, marks))  # type: ignore[arg-type]


def _merge_marks(text: str, marks: list[Mark]) -> list[Mark]:
    """Join touching marks of the same kind (Word splits one bold phrase into many runs)."""
    merged: list[Mark] = []
    for m in sorted(marks, key=lambda m: (m.kind, m.href or "", m.start)):
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and (prev.kind, prev.href) == (m.kind, m.href)
            and m.start >= prev.start
            and not text[prev.end : m.start].strip()
        ):
            merged[-1] = Mark(prev.start, max(prev.end, m.end), m.kind, m.href)
        else:
            merged.append(m)
    return sorted(merged, key=lambda m: (m.start, -m.end))


def merge_counted(warnings: list[str]) -> list[str]:
    """One warning per kind: "removed 2 soft hyphen(s)" + "removed 3 ..." -> "removed 5 ..."."""
    totals: dict[str, int | None] = {}
    for warning in warnings:
        m = re.search(r"\d+", warning)
        key = warning[: m.start()] + "{n}" + warning[m.end() :] if m else warning
        if key not in totals:
            totals[key] = int(m.group()) if m else None
        elif m:
            totals[key] = (totals[key] or 0) + int(m.group())
    return [key if n is None else key.replace("{n}", str(n), 1) for key, n in totals.items()]


def guess_title(blocks: list[ParsedBlock]) -> str:
    """A headline from the first block's first sentence, cut to a sane length."""
    first = blocks[0].text
    sentence = re.split(r"(?<=[.!?…])\s", first, maxsplit=1)[0]
    if len(sentence) <= MAX_TITLE_CHARS:
        return sentence
    return sentence[:MAX_TITLE_CHARS].rsplit(" ", 1)[0] + "…"


def finish_article(
    *,
    title: str | None,
    blocks: list[ParsedBlock],
    source_format: str,
    byline: str | None = None,
    photo_credit: str | None = None,
    warnings: list[str] | None = None,
    removed: list[str] | None = None,
) -> ParsedArticle:
    """Apply the shared rules (bylines, credits, furniture, lead, title block) and validate."""
    warnings = list(warnings or [])
    removed = list(removed or [])
    body: list[ParsedBlock] = []
    for block in blocks:
        text = block.text.strip()
        if not text:
            continue
        if block.kind in ("paragraph", "heading") and is_furniture(text):
            removed.append(text)
            continue
        if block.kind == "paragraph" and (name := match_byline(text)):
            byline = byline or name
            body.append(ParsedBlock("byline", text, block.marks))
            continue
        if block.kind == "paragraph" and (credit := match_photo_credit(text)):
            photo_credit = photo_credit or credit
            body.append(ParsedBlock("caption", text, block.marks))
            continue
        body.append(block)
    text_blocks = [b for b in body if b.kind not in ("title", "byline", "caption")]
    if not text_blocks:
        raise IngestError("no_text", "No article text was found in this input.")
    if len(body) > MAX_BLOCKS:
        raise IngestError("too_large", f"This article has more than {MAX_BLOCKS} blocks.",
                          reason="blocks", limit=MAX_BLOCKS)
    title_block = next((b for b in body if b.kind == "title"), None)
    if title is None:
        title = title_block.text if title_block else None
    if not title:
        title = guess_title(text_blocks)
        warnings.append("No headline found; the first sentence was used. Please check it.")
        first = text_blocks[0]
        if first.kind == "paragraph" and first.text.strip() == title and len(text_blocks) > 1:
            body.remove(first)  # a headline-only first paragraph is the title, not also the lead
    title = _WS.sub(" ", title).strip()
    if title_block is not None:
        body.remove(title_block)
    if title_block is None or title_block.text != title:
        title_block = ParsedBlock("title", title)
    body.insert(0, title_block)
    if not any(b.kind == "lead" for b in body):
        for i, block in enumerate(body):
            if block.kind == "paragraph":
                body[i] = ParsedBlock("lead", block.text, block.marks)
                break
            if block.kind in ("heading", "quote"):
                break
    return ParsedArticle(
        title=title,
        byline=byline,
        photo_credit=photo_credit,
        blocks=body,
        source_format=source_format,
        warnings=merge_counted(warnings),
        removed=removed,
    )
