"""Feed polling: fetch a configured RSS/Atom source politely and ingest its new entries."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urljoin

import urllib3
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from workflow.db import Database, utcnow
from workflow.errors import Conflict, DomainError, InvalidInput
from workflow.ingest.article import IngestError
from workflow.ingest.feeds import FeedEntry, entry_to_article, parse_feed
from workflow.ingest.language import normalise_language
from workflow.ingest.limits import FEED_MAX_BYTES
from workflow.jobs.queue import parse_targets
from workflow.models import FeedSource
from workflow.partners.targets import (
    BlockedTarget,
    Target,
    UnresolvedTarget,
    pinned_pool,
    resolve_target,
)

log = logging.getLogger(__name__)

USER_AGENT = "Audarma feed poller (+https://github.com/)"
FETCH_TIMEOUT = 20
MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)
UNREACHABLE = "The feed server could not be reached."


class FetchError(Exception):
    """The feed could not be downloaded (network, HTTP status, size)."""


@dataclass(frozen=True)
class Fetched:
    """One HTTP answer: ``data`` is None when the server said 304 Not Modified."""

    data: bytes | None
    etag: str | None
    last_modified: str | None


@dataclass
class PollReport:
    """What one poll of one feed did."""

    feed_id: int
    status: str = "fetched"  # fetched | not_modified | error
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)  # wire updates of known guids
    duplicates: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (guid, reason)
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (guid, code, message)
    error: str | None = None

    def to_json(self) -> dict[str, object]:
        """A JSON-serialisable summary for task results and the CLI."""
        return {"feed_id": self.feed_id, "status": self.status, "created": self.created,
                "updated": self.updated, "duplicates": self.duplicates,
                "skipped": [list(s) for s in self.skipped],
                "failed": [list(f) for f in self.failed], "error": self.error}


def fetch_feed(url: str, etag: str | None = None, last_modified: str | None = None,
               timeout: float = FETCH_TIMEOUT, *, allow_private: bool = False) -> Fetched:
    """GET a feed with conditional headers, refusing anything larger than the feed limit.

    Every hop, redirects included, is checked with the webhook rules before any connection:
    the host must be, and resolve to, public addresses (unless ``allow_private``), and the
    connection goes only to the addresses just checked. Errors say what happened in general
    terms: a poller's error must not tell staff which internal ports answer.
    """
    headers = {"User-Agent": USER_AGENT, "Accept": "application/rss+xml, application/atom+xml, "
               "application/xml;q=0.9, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    for _hop in range(MAX_REDIRECTS + 1):
        target = _checked(url, allow_private)
        response = _get(target, headers, timeout)
        try:
            if response.status in REDIRECTS:
                location = response.headers.get("Location", "").strip()
                if not location:
                    raise FetchError(f"HTTP {response.status} from the feed server, "
                                     "without a new address.")
                url = urljoin(url, location)
                continue
            if response.status == 304:
                return Fetched(None, etag, last_modified)
            if not 200 <= response.status < 300:
                raise FetchError(f"HTTP {response.status} from the feed server.")
            try:
                data = response.read(FEED_MAX_BYTES + 1)
            except urllib3.exceptions.HTTPError:
                raise FetchError(UNREACHABLE) from None
            if len(data) > FEED_MAX_BYTES:
                raise FetchError("The feed is larger than the feed size limit.")
            return Fetched(data, response.headers.get("ETag"),
                           response.headers.get("Last-Modified"))
        finally:
            response.release_conn()
    raise FetchError(f"The feed redirects more than {MAX_REDIRECTS} times.")


def _checked(url: str, allow_private: bool) -> Target:
    """The checked target of one hop; FetchError (nothing connected) when it may not be polled."""
    try:
        return resolve_target(url, allow_private=allow_private)
    except UnresolvedTarget:
        raise FetchError("The feed server's name does not resolve.") from None
    except BlockedTarget:
        raise FetchError("The feed address is not a public internet address, so it is not "
                         "polled.") from None
    except InvalidInput:
        raise FetchError("Only http(s) feeds without a user name or password can be "
                         "polled.") from None


def _get(target: Target, headers: dict[str, str], timeout: float) -> urllib3.BaseHTTPResponse:
    """GET from the checked addresses only; redirects are returned, never followed here."""
    for address in target.addresses:
        pool = pinned_pool(target, address, timeout)
        try:
            return pool.urlopen("GET", target.path, headers={**headers, "Host": target.netloc},
                                redirect=False, retries=False, assert_same_host=False,
                                preload_content=False)
        except (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError):
            continue  # try the next checked address
        except urllib3.exceptions.HTTPError:
            break
    raise FetchError(UNREACHABLE)


def add_feed(session: Session, url: str, *, name: str | None = None, language: str | None = None,
             targets: Iterable[str] | str | None = None, interval_seconds: int = 300) -> FeedSource:
    """Register a feed to poll; language and targets are validated now, not at poll time."""
    url = (url or "").strip()
    if not url.lower().startswith(("http://", "https://")):
        raise InvalidInput("A feed URL must start with http:// or https://.", code="invalid_url")
    if session.scalar(select(FeedSource).where(FeedSource.url == url)) is not None:
        raise Conflict("This feed is already configured.", code="duplicate_feed")
    language = normalise_language(language)
    wanted = parse_targets(language or "", targets) if targets else []
    feed = FeedSource(name=name or url, url=url, language=language, targets=wanted,
                      interval_seconds=max(60, int(interval_seconds)), active=True)
    session.add(feed)
    session.flush()
    return feed


def due_feeds(session: Session) -> list[int]:
    """Active feeds whose interval has passed since their last poll."""
    now = utcnow()
    feeds = session.scalars(select(FeedSource).where(FeedSource.active.is_(True)).where(
        or_(FeedSource.last_polled_at.is_(None), FeedSource.last_polled_at < now))).all()
    return [f.id for f in feeds if f.last_polled_at is None
            or f.last_polled_at + timedelta(seconds=f.interval_seconds) <= now]


def _entry_language(feed_language: str | None, entry: FeedEntry) -> str | None:
    if feed_language:
        return feed_language
    try:
        return normalise_language(entry.language)
    except InvalidInput:
        return None  # the feed says "de-DE" or similar: let detection decide and explain


def _ingest_entry(session: Session, feed: FeedSource, entry: FeedEntry, report: PollReport) -> None:
    from workflow.ingest.service import ingest, rejected
    from workflow.metadata import from_feed_categories

    source = f"feed:{feed.id}"
    try:
        parsed = entry_to_article(entry)
    except IngestError as exc:
        if exc.code == "no_text":
            report.skipped.append((entry.guid, "headline only, no text"))
            log.info("feed %s: entry %s skipped: headline only", feed.id, entry.guid)
            return
        raise rejected(exc) from None
    result = ingest(session, parsed, source=source, source_url=entry.link,
                    external_id=entry.guid, language=_entry_language(feed.language, entry),
                    targets=feed.targets or None, feed_source_id=feed.id,
                    metadata=from_feed_categories(entry.categories))
    if result.is_duplicate:
        report.duplicates += 1
    elif result.updated:
        report.updated.append(result.article.id)
    else:
        report.created.append(result.article.id)


def _feed(session: Session, feed_id: int) -> FeedSource:
    feed = session.get(FeedSource, feed_id)
    if feed is None:
        raise InvalidInput(f"No feed {feed_id}.", code="not_found")
    return feed


def poll_feed(database: Database, feed_id: int, fetch: Callable[..., Fetched] | None = None, *,
              allow_private: bool = False) -> PollReport:
    """Fetch one feed (outside any transaction) and ingest each new entry in its own transaction.

    ``allow_private`` (setting ``FEED_ALLOW_PRIVATE``) lets the poller reach loopback and
    private addresses, e.g. a wire server inside the newsroom's network; off by default.
    """
    fetch = fetch or functools.partial(fetch_feed, allow_private=allow_private)
    report = PollReport(feed_id)
    with database.transaction() as session:
        feed = _feed(session, feed_id)
        url, etag, last_modified = feed.url, feed.etag, feed.last_modified
    entries: list[FeedEntry] = []
    try:
        fetched = fetch(url, etag, last_modified)
        if fetched.data is None:
            report.status = "not_modified"
        else:
            entries = parse_feed(fetched.data, url=url)
    except (FetchError, IngestError) as exc:
        report.status = "error"
        report.error = exc.message if isinstance(exc, IngestError) else str(exc)
        log.warning("feed %s (%s): %s", feed_id, url, report.error)
        fetched = None
    for entry in reversed(entries):  # oldest first, so article ids follow publication order
        try:
            with database.unit() as session:  # its jobs are dispatched after this commit
                _ingest_entry(session, _feed(session, feed_id), entry, report)
        except DomainError as exc:
            report.failed.append((entry.guid, exc.code, exc.message))
            log.warning("feed %s: entry %s not ingested: %s", feed_id, entry.guid, exc.message)
    with database.transaction() as session:
        feed = _feed(session, feed_id)
        feed.last_polled_at = utcnow()
        if fetched is not None and report.status == "fetched":
            feed.etag, feed.last_modified = fetched.etag, fetched.last_modified
        problems = [report.error] if report.error else []
        problems += [f"{guid}: {message}" for guid, _code, message in report.failed[:5]]
        feed.last_error = "\n".join(problems) or None
    return report
