"""Publications as IPTC ninjs 3.1 items, the event-log cursor, and the reads partners make."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVarTuple

import nh3
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from workflow import metadata
from workflow.db import as_id
from workflow.errors import Forbidden, InvalidInput, NotFound
from workflow.models import Article, FeedEvent, Publication
from workflow.partners.cursors import CursorError, open_cursor, seal
from workflow.publishing import partner_text

_Row = TypeVarTuple("_Row")  # a query's row type, kept by the category filter
SCHEMA_URI = "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json"
MAX_LIMIT = 200
TOMBSTONE_DAYS = 30  # a killed item stays announced this long after its kill (feed time)
TOMBSTONE_LIMIT = 100  # and at most this many kill events are announced per feed


def item_uri(article_id: int, language: str) -> str:
    """The persistent ninjs uri of one language edition of an article (stable across versions)."""
    return f"urn:audarma:item:{article_id}:{language}"


def parse_item_uri(uri: str) -> tuple[int, str] | None:
    """(article id, language) from an item uri, or None if it is not one of ours."""
    parts = uri.split(":")
    if len(parts) != 5 or parts[:3] != ["urn", "audarma", "item"] or as_id(parts[3]) is None:
        return None
    return int(parts[3]), parts[4]


class BadCursor(InvalidInput):
    """A ``since`` value this API never handed out (400: the request itself is malformed)."""

    code = "bad_cursor"
    status = 400


def encode_cursor(seq: int, key: bytes) -> str:
    """An opaque cursor for "everything after event ``seq``" (workflow.partners.cursors)."""
    return seal(seq, key)


def decode_cursor(token: str | None, key: bytes) -> int:
    """The seq inside a cursor (0 for none); a malformed cursor is a 400, not a silent restart."""
    if not token:
        return 0
    try:
        return open_cursor(token, key)
    except CursorError:
        raise BadCursor("The cursor is not one this API handed out.") from None


def iso(moment: datetime | None) -> str | None:
    """RFC 3339 UTC timestamp with a Z, as ninjs, JSON Feed and Atom want."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def body_with_notes(publication: Publication) -> str:
    """Body HTML as partners show it: kill notice, correction note and disclosure made visible,
    each in the edition's language."""
    parts = []
    if publication.status == "canceled":
        parts.append(f'<p class="audarma-kill">{_escape(_kill_notice(publication))}</p>')
    else:
        parts.append(publication.body_html)
    if publication.correction_note:
        note = _escape(partner_text.correction_line(publication.language,
                                                    publication.correction_note))
        parts.append(f'<p class="audarma-correction">{note}</p>')
    if publication.disclosure:
        parts.append(f'<p class="audarma-disclosure">{_escape(publication.disclosure)}</p>')
    return "\n".join(parts)


def _kill_notice(publication: Publication) -> str:
    return partner_text.withdrawal(publication.language, publication.kill_reason)


_LEAD = re.compile(r'<p class="lead">(.*?)</p>', re.S)
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)


def summary_of(publication: Publication) -> str:
    """The teaser partners show: the edition's lead (else its first paragraph, else the
    headline); a killed item's teaser is its withdrawal notice."""
    if publication.status == "canceled":
        return _kill_notice(publication)
    found = _LEAD.search(publication.body_html) or _PARAGRAPH.search(publication.body_html)
    text = html.unescape(nh3.clean(found.group(1), tags=set())).strip() if found else ""
    return " ".join(text.split()) or publication.headline


def metadata_of(publication: Publication, article: Article) -> dict[str, Any]:
    """The metadata frozen when this version was published (older versions: the article's)."""
    return (publication.payload or {}).get("meta") or metadata.snapshot(article)


def _subjects(meta: dict[str, Any]) -> list[dict[str, Any]]:
    subjects: list[dict[str, Any]] = []
    if meta.get("category"):
        subjects.append({"name": meta["category"], "rel": "category",
                         "literal": meta["category"]})
    for subject in meta.get("subjects") or []:
        entry = {"name": subject["name"], "rel": "about", "literal": subject["code"]}
        uri = metadata.subject_uri(subject["code"])
        if uri:
            entry["uri"] = uri
        subjects.append(entry)
    subjects.extend({"name": keyword, "rel": "keyword", "literal": keyword}
                    for keyword in meta.get("keywords") or [])
    return subjects


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def siblings(session: Session, article_ids: set[int],
             languages: list[str] | None = None) -> dict[int, list[Publication]]:
    """Currently usable publications of the given articles, by article (cross-language links).

    ``languages`` is the reader's scope: a partner never learns anything of an edition in a
    language its key may not read, not even that it exists (None: every language).
    """
    if not article_ids:
        return {}
    query = select(Publication).where(Publication.article_id.in_(article_ids),
                                      Publication.status == "usable")
    if languages is not None:
        query = query.where(Publication.language.in_(languages))
    rows = session.scalars(query.order_by(Publication.language)).all()
    out: dict[int, list[Publication]] = {}
    for row in rows:
        out.setdefault(row.article_id, []).append(row)
    return out


def build_item(publication: Publication, article: Article,
               others: list[Publication] | None = None, *,
               provenance: bool = False) -> dict[str, Any]:
    """One ninjs 3.1 item for one published version (canceled versions carry the kill notice).

    ``provenance``: the partner asked to be told which machine-translation models were used
    (``infoSources`` role machineTranslation and the digitalSourceType name); others are told
    only that the text was machine-translated and reviewed by a person.
    """
    canceled = publication.status == "canceled"
    meta = metadata_of(publication, article)
    item: dict[str, Any] = {
        "standard": {"name": "ninjs", "version": "3.1", "schema": SCHEMA_URI},
        "uri": item_uri(publication.article_id, publication.language),
        "type": "text",
        "representationType": "full",
        "version": str(publication.version),
        "firstCreated": iso(publication.first_published_at or publication.published_at),
        "versionCreated": iso(publication.published_at),
        "contentCreated": iso(article.created_at),
        "pubStatus": "canceled" if canceled else "usable",
        "language": publication.language,
        "headlines": [{"role": "main", "contentType": "text/plain",
                       "value": publication.headline}],
        "bodies": [{"role": "main", "contentType": "text/html",
                    "value": body_with_notes(publication)}],
        "descriptions": [{"role": "disclosure", "contentType": "text/plain",
                          "value": publication.disclosure or ""},
                         {"role": "summary", "contentType": "text/plain",
                          "value": summary_of(publication)}],
    }
    if publication.embargo_until is not None:
        item["embargoedUntil"] = iso(publication.embargo_until)
    if publication.byline:
        item["by"] = publication.byline
    if meta.get("dateline"):
        item["located"] = meta["dateline"]
    for name, key in (("copyrightHolder", "copyright_holder"),
                      ("copyrightNotice", "copyright_notice"), ("usageTerms", "usage_terms")):
        if meta.get(key):
            item[name] = meta[key]
    sources = []
    if meta.get("photo_credit"):
        sources.append({"name": meta["photo_credit"], "role": "photographer"})
    if publication.route_label:
        item["digitalSourceType"] = {
            "literal": "machineTranslatedHumanReviewed",
            "name": "Machine translation, human-reviewed"}
        if provenance:
            item["digitalSourceType"]["name"] += f": {publication.route_label}"
            sources += [{"name": label, "role": "machineTranslation"}
                        for label in (publication.payload or {}).get("routes", [])]
    if sources:
        item["infoSources"] = sources
    if publication.correction_note:
        item["descriptions"].append({"role": "correction", "contentType": "text/plain",
                                     "value": publication.correction_note})
        item["edNote"] = partner_text.correction_line(publication.language,
                                                      publication.correction_note)
    if canceled:
        item["edNote"] = _kill_notice(publication)
    subjects = _subjects(meta)
    if subjects:
        item["subjects"] = subjects
    links = [
        {"name": f"edition-{other.language}",
         "rel": "original" if other.language == article.source_language else "translation",
         "uri": item_uri(other.article_id, other.language), "type": "text",
         "language": other.language, "version": str(other.version), "pubStatus": "usable"}
        for other in others or [] if other.language != publication.language
    ]
    if links:
        item["associations"] = links
    return item


@dataclass(frozen=True)
class ItemsPage:
    """One page of the event stream: items in seq order and the cursor to ask for next."""

    items: list[dict[str, Any]]
    next_cursor: str
    has_more: bool


def _category_filter(query: Select[*_Row], categories: list[str]) -> Select[*_Row]:
    if categories:
        query = query.join(Article, Publication.article_id == Article.id).where(
            Article.category.in_(categories))
    return query


def items_page(session: Session, languages: list[str], since: int, limit: int,
               categories: list[str] | None = None, *, cursor_key: bytes,
               scope: list[str] | None = None, provenance: bool = False) -> ItemsPage:
    """Events after ``since`` in the given languages, each rendered as the version it created."""
    limit = max(1, min(limit, MAX_LIMIT))
    query = (select(FeedEvent, Publication)
             .join(Publication, FeedEvent.publication_id == Publication.id)
             .where(FeedEvent.seq > since, FeedEvent.language.in_(languages))
             .order_by(FeedEvent.seq).limit(limit + 1))
    rows = session.execute(_category_filter(query, categories or [])).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    articles = {a.id: a for a in session.scalars(
        select(Article).where(Article.id.in_({p.article_id for _e, p in rows})))}
    others = siblings(session, set(articles), scope or languages)
    items = [build_item(pub, articles[pub.article_id], others.get(pub.article_id),
                        provenance=provenance) for _event, pub in rows]
    last = rows[-1][0].seq if rows else since
    return ItemsPage(items=items, next_cursor=encode_cursor(last, cursor_key), has_more=has_more)


def current_version(session: Session, article_id: int, language: str) -> Publication:
    """The latest version partners can see (usable or canceled) of one item, or NotFound."""
    publication = session.scalar(select(Publication).where(
        Publication.article_id == article_id, Publication.language == language,
        Publication.status.in_(("usable", "canceled")))
        .order_by(Publication.version.desc()).limit(1))
    if publication is None:
        raise NotFound("No such item.")
    return publication


def find_item(session: Session, uri: str, languages: list[str],
              categories: list[str] | None = None
              ) -> tuple[Publication, Article, list[Publication]]:
    """The latest visible version of one item, its article, and the sibling editions the
    partner may read (another language's edition never shows to a partner not allowed it)."""
    parsed = parse_item_uri(uri)
    if parsed is None:
        raise NotFound("No such item.")
    article_id, language = parsed
    if language not in languages:
        raise Forbidden(f"Your key may not read {language!r}.", code="language_not_allowed")
    publication = current_version(session, article_id, language)
    article = session.get(Article, article_id)
    if article is None or categories and article.category not in categories:
        raise NotFound("No such item.")
    return publication, article, siblings(session, {article_id}, languages).get(article_id, [])


def get_item(session: Session, uri: str, languages: list[str],
             categories: list[str] | None = None, *, provenance: bool = False) -> dict[str, Any]:
    """One item by uri, as its latest visible version, for a partner reading ``languages``."""
    return build_item(*find_item(session, uri, languages, categories), provenance=provenance)


@dataclass(frozen=True)
class Tombstone:
    """A killed item a feed still announces: its former uri, when it was killed, and why."""

    uri: str
    killed_at: datetime
    reason: str | None


def tombstones(session: Session, language: str, categories: list[str] | None,
               until: datetime | None, days: int = TOMBSTONE_DAYS,
               limit: int = TOMBSTONE_LIMIT) -> list[Tombstone]:
    """Items killed in the ``days`` before ``until`` and not live again, newest kill first.

    ``until`` is the feed's newest event, not the clock, so a feed's content depends on the
    event log alone and its ETag (keyed on the newest event) stays exact.
    """
    if until is None:
        return []
    query = (select(FeedEvent.at, Publication)
             .join(Publication, FeedEvent.publication_id == Publication.id)
             .where(FeedEvent.language == language, FeedEvent.kind == "kill",
                    FeedEvent.at >= until - timedelta(days=days))
             .order_by(FeedEvent.seq.desc()).limit(limit))
    rows = session.execute(_category_filter(query, categories or [])).all()
    live = set(session.scalars(select(Publication.article_id).where(
        Publication.article_id.in_({p.article_id for _at, p in rows}),
        Publication.language == language, Publication.status == "usable")))
    out: list[Tombstone] = []
    for killed_at, publication in rows:
        if publication.article_id in live:
            continue  # republished since: the entry is back, no tombstone
        live.add(publication.article_id)  # one tombstone per item: its newest kill
        out.append(Tombstone(item_uri(publication.article_id, language), killed_at,
                             publication.kill_reason))
    return out


@dataclass(frozen=True)
class FeedSnapshot:
    """What one language feed shows now: usable versions newest first, recent kills, marker."""

    publications: list[Publication]
    articles: dict[int, Article]
    others: dict[int, list[Publication]]
    last_seq: int
    last_modified: datetime | None
    tombstones: list[Tombstone] = field(default_factory=list)


def feed_snapshot(session: Session, language: str, categories: list[str] | None = None,
                  limit: int = 50, scope: list[str] | None = None) -> FeedSnapshot:
    """The current feed of one language (killed and scheduled versions are not in it).

    Items killed recently come as tombstones instead (see ``tombstones``).
    """
    categories = categories or []
    marker = select(func.max(FeedEvent.seq), func.max(FeedEvent.at)).where(
        FeedEvent.language == language)
    if categories:
        marker = (marker.join(Publication, FeedEvent.publication_id == Publication.id)
                  .join(Article, Publication.article_id == Article.id)
                  .where(Article.category.in_(categories)))
    last_seq, last_at = session.execute(marker).one()
    query = (select(Publication).where(Publication.language == language,
                                       Publication.status == "usable")
             .order_by(Publication.published_at.desc(), Publication.id.desc()).limit(limit))
    publications = list(session.scalars(_category_filter(query, categories)))
    ids = {p.article_id for p in publications}
    articles = {a.id: a for a in session.scalars(select(Article).where(Article.id.in_(ids)))}
    return FeedSnapshot(publications, articles, siblings(session, ids, scope), last_seq or 0,
                        last_at,
                        tombstones(session, language, categories, last_at))
