"""The publishing desk at an agency's volume: one row per article with its editions, paged and
filtered by edition state, language, date, category and title search.

Two short queries per page whatever the archive holds: the page of articles (newest first, an
``EXISTS`` on their editions, the ``created_at`` index), then their editions joined to the latest
version of each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, aliased, load_only

from workflow.errors import InvalidInput
from workflow.models import Article, Edition, Publication
from workflow.models.articles import fold_title
from workflow.publishing_actions import actions_for
from workflow.states import EditionState
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


@dataclass
class DeskEdition:
    """One edition on the desk with its latest version and the actions its state offers."""

    edition: EditionLine
    latest: VersionLine | None
    actions: list[str]


@dataclass
class DeskArticle:
    """One article on the desk: its title, category and every edition."""

    article: Article
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


def list_desk(session: Session, query: DeskQuery) -> DeskPage:
    """Articles with at least one edition matching the filters, newest first."""
    states = [query.state] if query.state else list(DESK_STATES)
    matching = [Edition.article_id == Article.id, Edition.state.in_(states)]
    if query.language:
        matching.append(Edition.language == query.language)
    stmt = (select(Article).options(load_only(Article.id, Article.title, Article.category,
                                              Article.source_language, Article.created_at))
            .where(exists().where(*matching)))
    if query.category:
        stmt = stmt.where(Article.category == query.category)
    if query.q.strip():
        stmt = stmt.where(Article.title_folded.contains(fold_title(query.q.strip()),
                                                        autoescape=True))
    if query.day_from:
        stmt = stmt.where(Article.created_at >= _day_start(query.day_from, query.zone))
    if query.day_to:
        stmt = stmt.where(Article.created_at < _day_start(query.day_to + timedelta(days=1),
                                                          query.zone))
    stmt = (stmt.order_by(Article.created_at.desc(), Article.id.desc())
            .offset((query.page - 1) * query.per_page).limit(query.per_page + 1))
    articles = list(session.scalars(stmt))
    has_next = len(articles) > query.per_page
    articles = articles[:query.per_page]
    rows = {a.id: DeskArticle(a) for a in articles}
    if not rows:
        return DeskPage([], query.page, False)
    other = aliased(Publication)
    latest_version = (select(func.max(other.version)).where(other.edition_id == Edition.id)
                      .correlate(Edition).scalar_subquery())
    found = session.execute(
        select(Edition.id, Edition.article_id, Edition.language, Edition.is_source,
               Edition.state, Edition.needs_correction_at, Edition.needs_correction_note,
               Publication.version, Publication.status,
               Publication.embargo_until, Publication.published_at,
               Publication.payload["warnings"].label("warnings"))
        .outerjoin(Publication, (Publication.edition_id == Edition.id)
                   & (Publication.version == latest_version))
        .where(Edition.article_id.in_(rows)).order_by(Edition.article_id, Edition.language))
    for r in found:
        latest = None if r.version is None else VersionLine(
            r.version, r.status, r.embargo_until, r.published_at,
            tuple(r.warnings) if isinstance(r.warnings, list) else ())
        rows[r.article_id].editions.append(DeskEdition(
            EditionLine(r.id, r.article_id, r.language, r.is_source, r.state,
                        (r.needs_correction_note or "—") if r.needs_correction_at else None),
            latest,
            actions_for(r.state)))
    return DeskPage(list(rows.values()), query.page, has_next)


_CATEGORIES: dict[str, tuple[float, list[str]]] = {}
CATEGORIES_TTL = 300.0  # seconds: a new category shows in the filter within five minutes


def categories(session: Session) -> list[str]:
    """Categories in use, for the desk's filter (a scan of every article: kept per process)."""
    import time

    bind = session.get_bind()
    key = str(getattr(bind, "url", id(bind)))
    cached = _CATEGORIES.get(key)
    if cached is not None and time.monotonic() - cached[0] < CATEGORIES_TTL:
        return cached[1]
    found = sorted(c for c in session.scalars(
        select(Article.category).where(Article.category.is_not(None)).distinct()) if c)
    _CATEGORIES[key] = (time.monotonic(), found)
    return found
