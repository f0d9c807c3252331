"""An article's source written back as Markdown, so an editor can change it without losing marks."""

from __future__ import annotations

import re

from workflow.models import Article

_SPECIAL = set("\\`*_[]<>")
_LINE_START = re.compile(r"^(#|>|[-+=]|\d+[.)])")
_OPEN = {"em": "*", "strong": "**", "code": "`", "link": "["}


def _close(mark: dict) -> str:
    if mark["kind"] == "link":
        href = (mark.get("href") or "").replace(")", "%29").replace(" ", "%20")
        return f"]({href})"
    return _OPEN.get(mark["kind"], "")


def inline_markdown(text: str, marks: list[dict]) -> str:
    """Block text with its marks as Markdown emphasis, links and code; specials escaped."""
    ordered = sorted((m for m in marks if m.get("end", 0) > m.get("start", 0)),
                     key=lambda m: (m["start"], -m["end"]))
    opens: dict[int, list[str]] = {}
    closes: dict[int, list[str]] = {}
    code_until = -1
    for mark in ordered:
        opens.setdefault(mark["start"], []).append(_OPEN.get(mark["kind"], ""))
        closes.setdefault(mark["end"], []).insert(0, _close(mark))
    out = []
    for pos in range(len(text) + 1):
        out.extend(closes.get(pos, []))
        for mark in ordered:
            if mark["start"] == pos and mark["kind"] == "code":
                code_until = mark["end"]
        out.extend(opens.get(pos, []))
        if pos < len(text):
            ch = text[pos]
            out.append("\\" + ch if ch in _SPECIAL and pos >= code_until else ch)
    line = "".join(out).replace("\n", " ")
    return _LINE_START.sub(lambda m: "\\" + m.group(0) if not m.group(0)[0].isdigit()
                           else m.group(0)[:-1] + "\\" + m.group(0)[-1], line)


def article_markdown(article: Article) -> str:
    """The active blocks as Markdown: ``# title``, ``## heading``, ``> quote``, paragraphs."""
    parts = []
    for block in sorted((b for b in article.blocks if b.active), key=lambda b: b.position):
        text = inline_markdown(block.text, block.marks or [])
        prefix = {"title": "# ", "heading": "## ", "quote": "> "}.get(block.kind, "")
        parts.append(prefix + text)
    return "\n\n".join(parts) + "\n"
