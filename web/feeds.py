"""Per-language feeds for partners: RSS 2.0, Atom (with hreflang alternates) and JSON Feed 1.1."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import html
import json
import logging
from datetime import UTC, datetime

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, current_app, g, request
from lxml import etree

from web.auth import db_session
from web.partner_access import has_credentials, partner_pull
from workflow.errors import Forbidden, NotFound
from workflow.latin_edition import published_languages
from workflow.metadata import MEDIATOPIC_URI
from workflow.models import Publication
from workflow.publishing.feed_cache import BodyCache, CachedFeed, latest_change
from workflow.publishing.ninjs import (
    FeedSnapshot,
    Tombstone,
    body_with_notes,
    feed_snapshot,
    iso,
    item_uri,
    metadata_of,
    summary_of,
)
from workflow.publishing.partner_text import text as partner_text
from workflow.publishing.render import xml_safe
from workflow.vocabulary import NATIVE_NAMES, feed_slug, published_language

bp = Blueprint("feeds", __name__)
log = logging.getLogger(__name__)
csrf_exempt = True

NS = "urn:audarma:syndication:1"
TOMBSTONES_NS = "http://purl.org/atompub/tombstones/1.0"  # RFC 6721
FORMATS = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
LANGUAGE_NAMES = NATIVE_NAMES
EMPTY_FEED_TIME = datetime(2000, 1, 1, tzinfo=UTC)
BODIES = BodyCache()  # rendered bodies per process, keyed by the newest feed event's seq


class AudarmaExtension(BaseExtension):
    """Declares the ``audarma:`` namespace on the feed."""

    def extend_ns(self) -> dict[str, str]:
        return {"audarma": NS}


class TombstoneExtension(BaseExtension):
    """Atom only: one RFC 6721 ``at:deleted-entry`` per recently killed item.

    feedgen runs this before it appends the entries, so tombstones come first (RFC 6721 lets
    them appear anywhere among the feed's children).
    """

    def __init__(self) -> None:
        self.tombstones: list[Tombstone] = []

    def extend_ns(self) -> dict[str, str]:
        return {"at": TOMBSTONES_NS}

    def extend_atom(self, feed):
        for tombstone in self.tombstones:
            deleted = etree.SubElement(feed, f"{{{TOMBSTONES_NS}}}deleted-entry",
                                       ref=tombstone.uri, when=iso(tombstone.killed_at))
            if tombstone.reason:
                comment = etree.SubElement(deleted, f"{{{TOMBSTONES_NS}}}comment")
                comment.text = xml_safe(tombstone.reason)
        return feed


class AudarmaEntryExtension(BaseEntryExtension):
    """Per item: version, disclosure (with the MT route) and correction note as elements.

    It also writes the Atom ``link`` elements: feedgen 1.0 drops rel/type/hreflang from entry
    links (it reuses the loop variable), so hreflang alternates are added here.
    """

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.links: list[dict[str, str]] = []

    def set(self, links: list[dict[str, str]] | None = None, **fields: str | None) -> None:
        """Remember the fields to write (None values are skipped) and the Atom links."""
        self.fields = {k: v for k, v in fields.items() if v}
        self.links = links or []

    def extend_rss(self, element):
        for name, value in self.fields.items():
            etree.SubElement(element, f"{{{NS}}}{name}").text = value
        return element

    def extend_atom(self, element):
        for link in self.links:
            etree.SubElement(element, "link", link)  # like feedgen: default (Atom) namespace
        return self.extend_rss(element)


def item_url(publication: Publication) -> str:
    """Where the machine-readable version of an item lives."""
    base = current_app.config["BASE_URL"].rstrip("/")
    return f"{base}/api/v1/items/{item_uri(publication.article_id, publication.language)}"


def page_url(publication: Publication) -> str:
    """The edition's public HTML page (``AUDARMA_PUBLIC_BASE_URL`` when the newsroom sets it)."""
    from web.permalinks import public_url
    from workflow.publishing.permalinks import path_for

    return public_url(path_for(publication))


def _feed_url(language: str, fmt: str) -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    return f"{base}/feeds/{feed_slug(language)}.{fmt}"


def _feed_language(slug: str) -> str:
    """The edition language of a feed path ("kk-latn" is kk-Latn); NotFound if this instance
    publishes no such feed."""
    language = published_language(slug)
    if language is None or language not in published_languages():
        names = ",".join(feed_slug(code) for code in published_languages())
        raise NotFound(f"No such feed. Feeds are /feeds/{{{names}}}.{{rss,atom,json}}.")
    return language


def _x(text: str | None) -> str | None:
    """Text for RSS/Atom without what XML 1.0 cannot carry: a vertical tab pasted into a
    headline must not make lxml refuse the whole feed (every partner would get a 500)."""
    return xml_safe(text) if text else text


def _categories(meta: dict) -> list[dict[str, str]]:
    """RSS/Atom categories: the category, IPTC subjects (with their scheme), keywords."""
    out = [{"term": meta["category"]}] if meta.get("category") else []
    for subject in meta.get("subjects") or []:
        scheme = MEDIATOPIC_URI if subject["code"].startswith("medtop:") else None
        out.append({"term": subject["code"], "label": subject["name"],
                    **({"scheme": scheme} if scheme else {})})
    out += [{"term": keyword} for keyword in meta.get("keywords") or []]
    return out


def _xml_feed(snapshot: FeedSnapshot, language: str, fmt: str) -> bytes:
    """The RSS or Atom document; an item the feed writer refuses is left out (and logged), so
    one bad item never turns the whole feed into a 500 for every partner."""
    try:
        return _xml_document(snapshot, language, fmt, set())
    except ValueError:
        refused = _refused_items(snapshot, language, fmt)
        for pub in snapshot.publications:
            if pub.id in refused:
                log.warning("feed %s.%s: publication %s (article %s) left out: the feed writer "
                            "refuses it", language, fmt, pub.id, pub.article_id)
        return _xml_document(snapshot, language, fmt, refused)


def _refused_items(snapshot: FeedSnapshot, language: str, fmt: str) -> set[int]:
    """Ids of the publications whose entries feedgen refuses to write, tried one at a time."""
    refused = set()
    for pub in snapshot.publications:
        alone = dataclasses.replace(snapshot, publications=[pub], tombstones=[])
        try:
            _xml_document(alone, language, fmt, set())
        except ValueError:
            refused.add(pub.id)
    return refused


def _xml_document(snapshot: FeedSnapshot, language: str, fmt: str, leave_out: set[int]) -> bytes:
    fg = FeedGenerator()
    fg.register_extension("audarma", AudarmaExtension, AudarmaEntryExtension)
    fg.register_extension("tombstones", TombstoneExtension, rss=False)
    fg.tombstones.tombstones = snapshot.tombstones
    fg.id(_feed_url(language, "atom"))
    fg.title(f"Audarma — {LANGUAGE_NAMES[language]}")
    fg.description(partner_text(language, "feed_description"))
    fg.author({"name": "Audarma newsroom"})
    fg.link(href=_feed_url(language, fmt), rel="self")
    fg.link(href=current_app.config["BASE_URL"], rel="alternate")
    fg.language(language)
    fg.updated(snapshot.last_modified or EMPTY_FEED_TIME)
    fg.lastBuildDate(snapshot.last_modified or EMPTY_FEED_TIME)
    for pub in snapshot.publications:
        article = snapshot.articles[pub.article_id]
        # a version stored with an empty headline gets its article's title; without any title,
        # the item is left out (feedgen refuses an untitled Atom entry: a 500 for everyone)
        title = (_x(pub.headline) or "").strip() or (_x(article.title) or "").strip()
        if pub.id in leave_out or not title:
            if not title:
                log.warning("feed %s.%s: publication %s (article %s) left out: no headline",
                            language, fmt, pub.id, pub.article_id)
            continue
        entry = fg.add_entry(order="append")
        entry.id(item_uri(pub.article_id, pub.language))
        entry.guid(item_uri(pub.article_id, pub.language), permalink=False)
        entry.title(title)
        others = [o for o in snapshot.others.get(pub.article_id, []) if o.language != language]
        links = [{"rel": "alternate", "type": "text/html", "hreflang": pub.language,
                  "href": page_url(pub)}]
        links += [{"rel": "alternate", "type": "application/json", "hreflang": o.language,
                   "href": item_url(o), "title": _x(o.headline)} for o in [pub, *others]]
        meta = metadata_of(pub, article)
        if fmt == "rss":
            entry.link(href=page_url(pub))
            entry.content(_x(body_with_notes(pub)), type="CDATA")
            # RSS readers render description as HTML: the plain-text lead goes in escaped
            entry.description(_x(html.escape(summary_of(pub), quote=False)))
        else:
            entry.content(_x(body_with_notes(pub)), type="html")
            entry.summary(_x(summary_of(pub)))
            if meta.get("copyright_notice") or meta.get("copyright_holder"):
                entry.rights(_x(meta.get("copyright_notice") or meta["copyright_holder"]))
        entry.published(pub.first_published_at or pub.published_at)
        entry.updated(pub.published_at)
        if pub.byline:
            entry.author({"name": _x(pub.byline)})
        for category in _categories(meta):
            entry.category(**{k: _x(v) for k, v in category.items()})
        entry.audarma.set(links=links if fmt == "atom" else None, version=str(pub.version),
                          disclosure=_x(pub.disclosure), correction=_x(pub.correction_note),
                          dateline=_x(meta.get("dateline")),
                          copyrightHolder=_x(meta.get("copyright_holder")),
                          copyrightNotice=_x(meta.get("copyright_notice")),
                          usageTerms=_x(meta.get("usage_terms")),
                          photoCredit=_x(meta.get("photo_credit")))
    return fg.atom_str(pretty=True) if fmt == "atom" else fg.rss_str(pretty=True)


def _json_feed(snapshot: FeedSnapshot, language: str) -> bytes:
    items = []
    for pub in snapshot.publications:
        article = snapshot.articles[pub.article_id]
        others = [o for o in snapshot.others.get(pub.article_id, []) if o.language != language]
        meta = metadata_of(pub, article)
        item = {
            "id": item_uri(pub.article_id, pub.language),
            "url": page_url(pub),
            "title": pub.headline,
            "content_html": body_with_notes(pub),
            "summary": summary_of(pub),
            "date_published": iso(pub.first_published_at or pub.published_at),
            "date_modified": iso(pub.published_at),
            "language": pub.language,
            "_audarma": {
                "api_url": item_url(pub),
                "version": pub.version, "disclosure": pub.disclosure,
                "correction_note": pub.correction_note,
                "dateline": meta.get("dateline"),
                "subjects": meta.get("subjects") or [],
                "copyright_holder": meta.get("copyright_holder"),
                "copyright_notice": meta.get("copyright_notice"),
                "usage_terms": meta.get("usage_terms"),
                "photo_credit": meta.get("photo_credit"),
                "alternates": [{"language": o.language, "id": item_uri(o.article_id, o.language),
                                "url": item_url(o)} for o in others],
            },
        }
        if pub.byline:
            item["authors"] = [{"name": pub.byline}]
        tags = [c["label"] if "label" in c else c["term"] for c in _categories(meta)]
        if tags:
            item["tags"] = tags
        items.append(item)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"Audarma — {LANGUAGE_NAMES[language]}",
        "home_page_url": current_app.config["BASE_URL"],
        "feed_url": _feed_url(language, "json"),
        "language": language,
        "authors": [{"name": "Audarma newsroom"}],
        "items": items,
        "_audarma": {"deleted": [{"id": t.uri, "deleted_at": iso(t.killed_at),
                                  "reason": t.reason} for t in snapshot.tombstones]},
    }
    return json.dumps(feed, ensure_ascii=False, indent=1).encode("utf-8")


def _not_modified(etag: str, last_modified: datetime | None) -> bool:
    if request.if_none_match:
        return request.if_none_match.contains_weak(etag)
    since = request.if_modified_since
    return bool(since and last_modified and last_modified.replace(microsecond=0) <= since)


def _serve(language: str, fmt: str, categories: list[str],
           readable: list[str]) -> tuple[Response, int, int]:
    """One feed for a reader of ``readable`` languages: nothing outside them is in it, and its
    ETag and Last-Modified move only with events in them (the ETag is a keyed hash, so it does
    not carry the global event number either)."""
    if fmt not in FORMATS:
        raise NotFound("No such feed format. Feeds are /feeds/<language>.{rss,atom,json}.")
    session = db_session()
    scope_languages = tuple(sorted(set(readable) & set(published_languages())))
    marker = latest_change(session, scope_languages)  # indexed rows: a 304 builds nothing
    scope = json.dumps([language, fmt, sorted(categories), scope_languages, marker.seq])
    etag = hmac.new(current_app.config["SECRET_KEY"].encode(), scope.encode(),
                    hashlib.sha256).hexdigest()[:32]
    if _not_modified(etag, marker.at):
        response = Response(status=304)
        status, count = 304, 0
    else:
        def build() -> CachedFeed:
            snapshot = feed_snapshot(session, language, categories, scope=list(scope_languages))
            body = _json_feed(snapshot, language) if fmt == "json" else _xml_feed(
                snapshot, language, fmt)
            return CachedFeed(body, len(snapshot.publications))

        key = (current_app.config["DATABASE_URL"], current_app.config["BASE_URL"], language,
               fmt, tuple(sorted(categories)), scope_languages, marker.seq)
        cached = BODIES.get_or_build(key, build)
        response = Response(cached.body, mimetype=FORMATS[fmt].split(";")[0],
                            content_type=FORMATS[fmt])
        status, count = 200, cached.items
    response.set_etag(etag, weak=True)
    if marker.at:
        response.last_modified = marker.at
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Authorization")
    return response, status, count


@partner_pull
def _partner_feed(slug: str, fmt: str):
    language = _feed_language(slug)
    if language not in g.reader.languages:
        raise Forbidden(f"Your key may not read {language!r}.", code="language_not_allowed")
    return _serve(language, fmt, g.reader.categories, g.reader.languages)


@bp.get("/feeds/<language>.<fmt>")
def feed(language: str, fmt: str):
    """A language feed: partner key (Bearer or ?key=), or no key if PUBLIC_FEEDS is on."""
    if not has_credentials() and current_app.config.get("PUBLIC_FEEDS"):
        response, status, _count = _serve(_feed_language(language), fmt, [],
                                          list(published_languages()))
        return response, status
    return _partner_feed(language, fmt)
