"""The publishing desk at an agency's volume: one row per article with its editions, paged and
filtered by edition state, language, date, category and title search.

One query per page whatever the archive holds: the page of articles (newest first, an ``EXISTS``
on their editions answered from the ``(article_id, state, language)`` index) joined to all their
editions and the latest version of each; Core rows, no ORM objects, the statement built once per
combination of filters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache

from sqlalchemy import Select, bindparam, exists, func, select
from sqlalchemy.orm import Session

from workflow.errors import InvalidInput
from workflow.models import Article, Edition, Publication
from workflow.models.articles import fold_title
from workflow.publishing.actions import actions_for
from workflow.states import EditionState, PublicationStatus
from workflow.vocabulary import PUBLISHED_LANGUAGES

DESK_STATES = (EditionState.APPROVED.value, EditionState.SCHEDULED.value,
               EditionState.PUBLISHED.value, EditionState.WITHDRAWN.value)
PAGE_SIZE = 25


@dataclass(frozen=True)
class DeskQuery:
    """The desk's filters as the page, the API and the CLI pass them."""

    state: str = ""
    language: str = ""
    day_from: date | None = None
    day_to: date | None = None
    category: str = ""
    q: str = ""
    page: int = 1
    per_page: int = PAGE_SIZE
    zone: tzinfo = UTC  # the reader's zone: a day filter means that day on their clock

    def __post_init__(self) -> None:
        if self.state and self.state not in DESK_STATES:
            raise InvalidInput(f"Unknown state {self.state!r}; use one of "
                               f"{', '.join(DESK_STATES)}.", code="bad_filter", field="state")
        if self.language and self.language not in PUBLISHED_LANGUAGES:
            raise InvalidInput(f"Unknown language {self.language!r}.", code="bad_filter",
                               field="language")
        if self.page < 1 or not 1 <= self.per_page <= 100:
            raise InvalidInput("Pages start at 1 and hold 1 to 100 articles.",
                               code="bad_filter", field="page")


def parse_day(raw: str | None, field_name: str) -> date | None:
    """A ``YYYY-MM-DD`` filter value, or None when empty."""
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("A date filter is written YYYY-MM-DD.", code="bad_filter",
                           field=field_name) from None


@dataclass(frozen=True)
class EditionLine:
    """The columns of an edition the desk shows (a row, not a loaded ORM object)."""

    id: int
    article_id: int
    language: str
    is_source: bool
    state: str
    needs_correction: str | None = None  # why a sibling correction or source edit flagged it


@dataclass(frozen=True)
class VersionLine:
    """The latest version of an edition: its number, status and times."""

    version: int
    status: str
    embargo_until: datetime | None
    published_at: datetime | None
    warnings: tuple[str, ...] = ()  # repairs made while rendering (shown to the editor)

    def past_embargo(self, now: datetime) -> bool:
        """Still scheduled though its embargo has passed: the release task is stopped, or it
        holds the version back (a model licence not allowed now; "release now" says which)."""
        return (self.status == PublicationStatus.SCHEDULED.value
                and self.embargo_until is not None and self.embargo_until <= now)


@dataclass
class DeskEdition:
    """One edition on the desk with its latest version and the actions its state offers."""

    edition: EditionLine
    latest: VersionLine | None
    actions: list[str]


@dataclass(frozen=True)
class ArticleLine:
    """The columns of an article the desk shows (a row, not a loaded ORM object)."""

    id: int
    title: str
    category: str | None
    created_at: datetime


@dataclass
class DeskArticle:
    """One article on the desk: its title, category and every edition."""

    article: ArticleLine
    editions: list[DeskEdition] = field(default_factory=list)


@dataclass
class DeskPage:
    """One page of the desk and whether another follows."""

    rows: list[DeskArticle]
    page: int
    has_next: bool


def _day_start(day: date, zone: tzinfo = UTC) -> datetime:
    """Midnight of ``day`` in ``zone``, in UTC (a day on the reader's clock, not London's)."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def _like_contains(text: str) -> str:
    """A ``LIKE … ESCAPE '/'`` pattern matching ``text`` anywhere (``%`` and ``_`` literal)."""
    escaped = text.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


@lru_cache(maxsize=64)
def _page_statement(language: bool, category: bool, search: bool, day_from: bool,
                    day_to: bool) -> Select:
    """The desk's one query for a combination of filters, built once per process: the page of
    articles (``LIMIT`` in a CTE, newest first) joined to all their editions and each edition's
    latest version. Values are bound at execution; Core columns, no ORM objects."""
    articles, editions = Article.__table__, Edition.__table__
    publications, other = Publication.__table__, Publication.__table__.alias("latest")
    matching = [editions.c.article_id == articles.c.id,
                editions.c.state.in_(bindparam("states", expanding=True))]
    if language:
        matching.append(editions.c.language == bindparam("language"))
    page = (select(articles.c.id, articles.c.title, articles.c.category, articles.c.created_at)
            .where(exists().where(*matching)))
    if category:
        page = page.where(articles.c.category == bindparam("category"))
    if search:
        page = page.where(articles.c.title_folded.like(bindparam("pattern"), escape="/"))
    if day_from:
        page = page.where(articles.c.created_at >= bindparam("day_from"))
    if day_to:
        page = page.where(articles.c.created_at < bindparam("day_to"))
    chosen = (page.order_by(articles.c.created_at.desc(), articles.c.id.desc())
              .limit(bindparam("limit")).offset(bindparam("offset")).cte("desk_page"))
    latest_version = (select(func.max(other.c.version))
                      .where(other.c.edition_id == editions.c.id).scalar_subquery())
    return (
        select(chosen.c.id.label("article_id"), chosen.c.title, chosen.c.category,
               chosen.c.created_at, editions.c.id, editions.c.language, editions.c.is_source,
               editions.c.state, editions.c.needs_correction_at,
               editions.c.needs_correction_note, publications.c.version, publications.c.status,
               publications.c.embargo_until, publications.c.published_at,
               publications.c.payload["warnings"].label("warnings"))
        .select_from(chosen.join(editions, editions.c.article_id == chosen.c.id)
                     .outerjoin(publications, (publications.c.edition_id == editions.c.id)
                                & (publications.c.version == latest_version)))
        .order_by(chosen.c.created_at.desc(), chosen.c.id.desc(), editions.c.language))


def list_desk(session: Session, query: DeskQuery) -> DeskPage:
    """Articles with at least one edition matching the filters, newest first."""
    q = query.q.strip()
    params: dict[str, object] = {
        "states": [query.state] if query.state else list(DESK_STATES),
        "limit": query.per_page + 1, "offset": (query.page - 1) * query.per_page}
    if query.language:
        params["language"] = query.language
    if query.category:
        params["category"] = query.category
    if q:
        params["pattern"] = _like_contains(fold_title(q))
    if query.day_from:
        params["day_from"] = _day_start(query.day_from, query.zone)
    if query.day_to:
        params["day_to"] = _day_start(query.day_to + timedelta(days=1), query.zone)
    stmt = _page_statement(bool(query.language), bool(query.category), bool(q),
                           bool(query.day_from), bool(query.day_to))
    rows: dict[int, DeskArticle] = {}
    for r in session.execute(stmt, params):
        row = rows.get(r.article_id)
        if row is None:
            row = rows[r.article_id] = DeskArticle(
                ArticleLine(r.article_id, r.title, r.category, r.created_at))
        latest = None if r.version is None else VersionLine(
            r.version, r.status, r.embargo_until, r.published_at,
            tuple(r.warnings) if isinstance(r.warnings, list) else ())
        row.editions.append(DeskEdition(
            EditionLine(r.id, r.article_id, r.language, r.is_source, r.state,
                        (r.needs_correction_note or "—") if r.needs_correction_at else None),
            latest, actions_for(r.state)))
    found = list(rows.values())
    return DeskPage(found[:query.per_page], query.page, len(found) > query.per_page)
