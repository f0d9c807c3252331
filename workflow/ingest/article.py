"""The structured article every way in produces, and the typed error every way in raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["title", "lead", "heading", "paragraph", "quote", "caption", "byline"]
MarkKind = Literal["em", "strong", "link", "code"]
BLOCK_KINDS: frozenset[str] = frozenset(
    {"title", "lead", "heading", "paragraph", "quote", "caption", "byline"}
)
SAFE_SCHEMES = ("http://", "https://", "mailto:")


@dataclass(frozen=True)
class Mark:
    """An inline span (emphasis, strong, link, code) over a block's plain text."""

    start: int
    end: int
    kind: MarkKind
    href: str | None = None


@dataclass(frozen=True)
class ParsedBlock:
    """One ordered piece of an article: plain text plus its inline marks."""

    kind: BlockKind
    text: str
    marks: list[Mark] = field(default_factory=list)


@dataclass(frozen=True)
class ParsedArticle:
    """An article as parsed from one input, before language detection and segmentation."""

    title: str
    byline: str | None
    photo_credit: str | None
    blocks: list[ParsedBlock]
    source_format: str
    warnings: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


class IngestError(Exception):
    """Input that cannot become an article; `code` is stable, `message` is for the newsroom.

    ``reason`` tells apart refusals that share a code (an empty paste, an empty Word file) and
    ``detail`` carries the figures the message names, so that the desk can say it in the
    reader's language.
    """

    def __init__(self, code: str, message: str, *, reason: str | None = None,
                 **detail: object) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.detail: dict[str, object] = {"reason": reason, **detail} if reason else detail

    def to_dict(self) -> dict[str, str]:
        """The JSON shape the API and CLI return."""
        return {"code": self.code, "message": self.message}


def safe_href(href: str | None) -> str | None:
    """Keep only http(s) and mailto links; javascript:, data: and relative junk are dropped."""
    if not href:
        return None
    cleaned = "".join(ch for ch in href.strip() if ch.isprintable() and not ch.isspace())
    if cleaned.lower().startswith(SAFE_SCHEMES) and len(cleaned) <= 2048:
        return cleaned
    return None
