"""Pasted plain text (e.g. copied from a news site) to a structured article.

Rules, in order: the first line is the headline unless a title is given; blank lines (or single
lines that end a sentence) separate paragraphs, hard-wrapped lines are re-joined; a short line
without final punctuation followed by more text is a sub-heading; a line wrapped in quotation
marks is a quote; direct speech with its attribution («…», – деді …; «…», — сказал …;
"…," he said) is one paragraph, its punctuation as written; only where the paste lost the space
between a quotation and its attribution ("...step forward,Toqayev said, ...") is the quotation
split into a quote block and a paragraph holding the attribution, each kept character for
character; "cover Photo: X" is a caption and sets the photo credit; "Original Author: X",
"By X", "Автор: X" are bylines; navigation lines ("Latest news", "view all", "Read more", ...)
are dropped and listed in `removed`, and after a tail marker such as "Latest news" everything
else is the site's list of other stories and is dropped too. Plain text is never read as
markup, but <script>/<style>/<iframe> elements pasted by accident are removed and reported.
"""

from __future__ import annotations

import re

from workflow.ingest.article import BlockKind, IngestError, ParsedArticle, ParsedBlock
from workflow.ingest.decoding import clean_text
from workflow.ingest.limits import MAX_HEADING_CHARS, MAX_HEADING_WORDS, MAX_TEXT_CHARS
from workflow.ingest.structure import (
    TAIL_MARKERS,
    finish_article,
    furniture_key,
    is_furniture,
    match_byline,
    match_photo_credit,
)

_ACTIVE_MARKUP = re.compile(
    r"<(script|style|iframe|object|embed|template)\b[^>]*>.*?</\1\s*>|<(?:script|iframe)\b[^>]*>",
    re.IGNORECASE | re.DOTALL,
)
_QUOTE_PAIRS = {"“": "”", "«": "»", '"': '"', "„": "“”", "‘": "’", "‹": "›"}
_UPPER = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІ"
_SPEECH = (
    r"said|says|added|noted|told|stated|explained|wrote|asked|warned|argued|insisted|"
    r"concluded|continued|remarked|replied|сказал[аи]?|заявил[аи]?|отметил[аи]?|добавил[аи]?|"
    r"подчеркнул[аи]?|пояснил[аи]?|сообщил[аи]?|деді|айтты|мәлімдеді|атап өтті|қосты"
)
# A quotation whose marks and following space were lost in the paste: "...forward,Toqayev said,
# ..." (a capital straight after the punctuation, which no sentence does when typed).
_RUN_IN = re.compile(
    rf"^(?P<quote>.{{12,}}?[.!?…,])(?=[{_UPPER}])"
    rf"(?P<attr>(?:[{_UPPER}][\w’'.\-]*\s+){{0,3}}[{_UPPER}][\w’'\-]*\s+(?:{_SPEECH})\b.*)$"
)
_SENTENCE_END = tuple(".!?…:;,")
# A full stop after a word of 4+ letters, then a capital: two sentences, so not a heading
# ("Trump vs. Biden" stays a heading).
_INNER_SENTENCE = re.compile(rf"\w{{4}}[.!?…]\s+[{_UPPER}]")


def _units(text: str) -> list[str]:
    """Split into paragraph-sized units, re-joining hard-wrapped lines."""
    units: list[str] = []
    current: list[str] = []
    for raw in text.split("\n") + [""]:
        line = " ".join(raw.split())
        if not line:
            if current:
                units.append(" ".join(current))
                current = []
            continue
        joins = current and not current[-1].endswith((*_SENTENCE_END, "»", "”", '"'))
        if joins and line[:1].islower():
            current.append(line)
            continue
        if current:
            units.append(" ".join(current))
        current = [line]
    return units


def _is_heading(unit: str) -> bool:
    """A short capitalised line without final punctuation."""
    return (
        len(unit) <= MAX_HEADING_CHARS
        and len(unit.split()) <= MAX_HEADING_WORDS
        and not unit.endswith((*_SENTENCE_END, "»", "”", '"', ")"))
        and (unit[0].isupper() or unit[0].isdigit())
        and not _INNER_SENTENCE.search(unit)
    )


def _quote_blocks(unit: str) -> list[ParsedBlock] | None:
    """A quote block if the whole unit is a quotation, quote + attribution for the paste
    artefact, else None (direct speech with its attribution stays a paragraph, as written)."""
    closers = _QUOTE_PAIRS.get(unit[0])
    if closers:
        end = max(unit.rfind(c) for c in closers)
        rest = unit[end + 1 :].strip()
        if end > 1 and (not rest or rest in (".", "!", "?", "…")):
            return [ParsedBlock("quote", unit[1:end].strip())]
        return None
    m = _RUN_IN.match(unit)
    if m:
        quote = m.group("quote").strip()
        return [ParsedBlock("quote", quote), ParsedBlock("paragraph", m.group("attr"))]
    return None


def parse_text(text: str, *, title: str | None = None) -> ParsedArticle:
    """Parse pasted plain text (headline first, blank-line paragraphs) into an article."""
    if len(text) > MAX_TEXT_CHARS:
        raise IngestError("too_large", f"The text is longer than {MAX_TEXT_CHARS:,} characters.",
                          reason="text", limit=MAX_TEXT_CHARS)
    if not text or not text.strip():
        raise IngestError("empty", "The article text is empty.")
    warnings: list[str] = []
    removed: list[str] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n")

    def _drop_markup(m: re.Match[str]) -> str:
        removed.append(m.group(0)[:200])
        return " "

    text = _ACTIVE_MARKUP.sub(_drop_markup, text)
    if removed:
        warnings.append("Script or style markup was found in the text and removed.")
    units = _units(text)
    if not units:
        raise IngestError("empty", "The article text is empty.")
    if title is None:
        title = units.pop(0)
    elif units[0].casefold() == " ".join(title.split()).casefold():
        units.pop(0)
    title, title_warnings = clean_text(" ".join(title.split()))
    warnings.extend(title_warnings)
    blocks: list[ParsedBlock] = [ParsedBlock("title", title)] if title else []
    for i, unit in enumerate(units):
        if furniture_key(unit) in TAIL_MARKERS and len(blocks) > 1:
            removed.extend(units[i:])
            break
        if is_furniture(unit):
            removed.append(unit)
            continue
        if match_byline(unit):
            blocks.append(ParsedBlock("paragraph", unit))  # finish_article makes it a byline
            continue
        if credit := match_photo_credit(unit):
            caption = re.sub(r"^cover\s+", "", unit, flags=re.IGNORECASE)
            blocks.append(ParsedBlock("caption", caption))
            continue
        quoted = _quote_blocks(unit)
        if quoted:
            if len(quoted) > 1:
                warnings.append("A quotation run into its attribution was split into two blocks.")
            blocks.extend(quoted)
            continue
        has_more = any(not is_furniture(u) for u in units[i + 1 :])
        kind: BlockKind = "heading" if has_more and _is_heading(unit) else "paragraph"
        blocks.append(ParsedBlock(kind, unit))
    cleaned: list[ParsedBlock] = []
    for block in blocks:
        body, block_warnings = clean_text(block.text)
        warnings.extend(block_warnings)
        cleaned.append(ParsedBlock(block.kind, body))
    credit = next((match_photo_credit(b.text) for b in cleaned if b.kind == "caption"), None)
    return finish_article(
        title=title or None,
        blocks=cleaned,
        source_format="text",
        photo_credit=credit,
        warnings=warnings,
        removed=removed,
    )
