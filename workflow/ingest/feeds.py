"""RSS/Atom bytes to feed entries (feedparser): real-world quirks tolerated, DTDs refused."""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser

from workflow.ingest.article import IngestError, ParsedArticle, safe_href
from workflow.ingest.html_page import parse_html_fragment
from workflow.ingest.limits import FEED_MAX_BYTES, FEED_MAX_ENTRIES
from workflow.ingest.xml_guard import declares_dtd

_LEADING_JUNK = re.compile(rb"^(?:\xef\xbb\xbf)?[\s\x00]+")


class FeedError(IngestError):
    """A feed that cannot be read; `code` is stable (empty, too_large, unsafe_xml, malformed)."""


@dataclass(frozen=True)
class FeedEntry:
    """One feed item, with its HTML left as the publisher sent it (feedparser-sanitised)."""

    guid: str
    title: str
    link: str | None
    published_at: datetime | None
    summary_html: str
    content_html: str
    language: str | None
    author: str | None
    categories: tuple[str, ...] = ()  # the entry's <category> terms (labels where given)


def _prepare(data: bytes) -> bytes:
    """Check size and DTDs; drop whitespace before the XML declaration (a real-world quirk)."""
    if not data or not data.strip():
        raise FeedError("empty", "The feed is empty.")
    if len(data) > FEED_MAX_BYTES:
        raise FeedError("too_large", "The feed is larger than the feed size limit.")
    if declares_dtd(data):
        # Feeds never need a DTD; entity declarations are how billion-laughs and XXE attacks work.
        raise FeedError("unsafe_xml", "The feed declares a DTD or entities, which is not allowed.")
    head = data[:4].decode("latin-1")
    if head.startswith(("\xff\xfe", "\xfe\xff")):
        return data
    return _LEADING_JUNK.sub(b"", data, count=1)


_MONTHS = {
    **dict.fromkeys(("jan", "janv", "янв", "қаң"), 1),
    **dict.fromkeys(("feb", "fev", "fév", "фев", "ақп"), 2),
    **dict.fromkeys(("mar", "mär", "mrz", "мар", "нау"), 3),
    **dict.fromkeys(("apr", "abr", "avr", "апр", "сәу"), 4),
    **dict.fromkeys(("may", "mai", "mag", "мая", "май", "мам"), 5),
    **dict.fromkeys(("jun", "juin", "июн", "мау"), 6),
    **dict.fromkeys(("jul", "juil", "июл", "шіл"), 7),
    **dict.fromkeys(("aug", "ago", "août", "авг", "там"), 8),
    **dict.fromkeys(("sep", "set", "sept", "сен", "қыр"), 9),
    **dict.fromkeys(("oct", "out", "okt", "окт", "қаз"), 10),
    **dict.fromkeys(("nov", "ноя", "қар"), 11),
    **dict.fromkeys(("dec", "dez", "déc", "дек", "жел"), 12),
}
_LOCAL_DATE = re.compile(
    r"(\d{1,2})\s+([^\W\d_]+)\.?\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4})?"
)


def _local_date(value: str | None) -> datetime | None:
    """RFC 822 dates with non-English month names ("Seg, 24 Set 2018 19:42:40 -0300")."""
    m = _LOCAL_DATE.search(value or "")
    month = (
        _MONTHS.get(m.group(2).lower()[:4]) or _MONTHS.get(m.group(2).lower()[:3]) if m else None
    )
    if not m or not month:
        return None
    day, year, hour, minute = int(m.group(1)), int(m.group(3)), int(m.group(4)), int(m.group(5))
    offset = m.group(7) or "+0000"
    sign = -1 if offset[0] == "-" else 1
    delta = timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5])) * sign
    try:
        local = datetime(year, month, day, hour, minute, int(m.group(6) or 0), tzinfo=UTC)
    except ValueError:
        return None
    return local - delta


def _utc(parsed: Any) -> datetime | None:
    """feedparser's UTC struct_time to an aware datetime."""
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (OverflowError, ValueError, TypeError):
        return None


def _language(value: str | None) -> str | None:
    """'ru-RU' / 'en-gb' / '' to 'ru-ru' / 'en-gb' / None."""
    value = (value or "").strip().lower().replace("_", "-")
    return value or None


def _own(raw: Any, key: str) -> Any:
    """A key the entry really has (feedparser maps updated->published with a warning)."""
    return dict.get(raw, key)


def _entry(raw: Any, feed_language: str | None) -> FeedEntry:
    """One feedparser entry to a FeedEntry."""
    title = " ".join((raw.get("title") or "").split())
    link = safe_href(raw.get("link"))
    content_parts = raw.get("content") or []
    content_html = "\n".join(part.get("value", "") for part in content_parts)
    language = next(
        (_language(p.get("language")) for p in content_parts if p.get("language")), None
    )
    summary_html = raw.get("summary") or ""
    guid = raw.get("id") or raw.get("guid") or link
    if not guid:
        digest = hashlib.sha256(f"{title}\n{summary_html}".encode()).hexdigest()[:32]
        guid = f"sha256:{digest}"
    return FeedEntry(
        guid=str(guid).strip(),
        title=title,
        link=link,
        published_at=_utc(raw.get("published_parsed") or _own(raw, "updated_parsed"))
        or _local_date(raw.get("published") or _own(raw, "updated")),
        summary_html=summary_html,
        content_html=content_html,
        language=language or feed_language,
        author=" ".join((raw.get("author") or "").split()) or None,
        categories=_categories(raw),
    )


def _categories(raw: Any) -> tuple[str, ...]:
    """An entry's <category> terms (RSS text, Atom term), each once, at most 50."""
    terms = []
    for tag in raw.get("tags") or []:
        term = " ".join(str(tag.get("term") or tag.get("label") or "").split())
        if term:
            terms.append(term)
    return tuple(dict.fromkeys(terms))[:50]


def parse_feed(data: bytes, *, url: str | None = None) -> list[FeedEntry]:
    """Parse RSS 0.9x/2.0 or Atom bytes into entries, newest order as published."""
    data = _prepare(data)
    parsed = feedparser.parse(data, response_headers={"content-location": url} if url else None)
    if not parsed.get("version") and not parsed.entries:
        raise FeedError("malformed", "This is not an RSS or Atom feed.")
    feed_language = _language(parsed.feed.get("language"))
    entries = [_entry(raw, feed_language) for raw in parsed.entries[:FEED_MAX_ENTRIES]]
    return [e for e in entries if e.title or e.summary_html or e.content_html]


def entry_to_article(entry: FeedEntry) -> ParsedArticle:
    """A feed entry as an article: its full content if present, else its summary."""
    html = entry.content_html or entry.summary_html
    if not html.strip():
        raise IngestError("no_text", "This feed entry has a headline but no text.")
    article = parse_html_fragment(
        html,
        title=entry.title or None,
        source_format="feed",
        byline=entry.author,
        base_url=entry.link,
    )
    return article
