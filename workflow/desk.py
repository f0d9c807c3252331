"""What the desk shows: articles with their editions' status, and a translator's own work."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.elements import ColumnElement

from translations.glossary import GlossaryEntry
from workflow import latin_edition
from workflow.approval import active_translations
from workflow.db import as_id
from workflow.errors import NotFound
from workflow.memory import glossary_for
from workflow.models import (
    Article,
    Block,
    Comment,
    Edition,
    Segment,
    SegmentTranslation,
    TranslationJob,
    User,
)
from workflow.models.articles import fold_title
from workflow.permissions import Action, allowed
from workflow.states import EditionState
from workflow.vocabulary import (
    LANGUAGES,
    LIVE_JOB_STATES,
    OPEN_EDITION_STATES,
    PUBLISHED_LANGUAGES,
    SHOWN_JOB_STATES,
    TRANSLATOR,
)

PAGE_SIZE = 25


@dataclass(frozen=True)
class DeskFilters:
    """Dashboard filters as given in the query string (empty means any)."""

    state: str = ""
    language: str = ""
    assignee: str = ""  # "", "me", "none" or a user id
    priority: str = ""
    q: str = ""
    page: int = 1


@dataclass(frozen=True)
class DeskCell:
    """One language column of a row, resolved once so the template only prints it."""

    language: str
    edition: Edition | None
    job: TranslationJob | None  # only while queued, translating, waiting or failed
    assignee: User | None
    reviewer: User | None


@dataclass(frozen=True)
class DeskRow:
    """One article and a cell per desk language."""

    article: Article
    cells: tuple[DeskCell, ...]


@dataclass
class DeskPage:
    """One page of articles with their jobs, keyed by (article id, language), and its rows."""

    articles: list[Article]
    jobs: dict[tuple[int, str], TranslationJob]
    people: dict[int, User]
    page: int
    pages: int
    total: int
    live: bool = False
    languages: tuple[str, ...] = field(default=LANGUAGES)
    rows: list[DeskRow] = field(default_factory=list)
    translators: list[User] = field(default_factory=list)  # only when asked for


def desk_rows(page: DeskPage) -> list[DeskRow]:
    """Per article, per language: its (first) edition, the job worth showing and the people."""
    rows = []
    for article in page.articles:
        by_language: dict[str, Edition] = {}
        for edition in article.editions:
            by_language.setdefault(edition.language, edition)
        cells = []
        for language in page.languages:
            shown = by_language.get(language)
            job = page.jobs.get((article.id, language)) if shown is not None else None
            cells.append(DeskCell(
                language, shown,
                job if job is not None and job.state in SHOWN_JOB_STATES else None,
                page.people.get(shown.assignee_id) if shown and shown.assignee_id else None,
                page.people.get(shown.reviewer_id) if shown and shown.reviewer_id else None))
        rows.append(DeskRow(article, tuple(cells)))
    return rows


def _edition_filter(filters: DeskFilters, user_id: int | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Edition.article_id == Article.id]
    if filters.language in PUBLISHED_LANGUAGES:
        conditions.append(Edition.language == filters.language)
    if filters.state in {s.value for s in EditionState}:
        conditions.append(Edition.state == filters.state)
    if filters.assignee == "me" and user_id:
        conditions.append(Edition.assignee_id == user_id)
    elif filters.assignee == "none":
        conditions.append(Edition.assignee_id.is_(None))
    elif as_id(filters.assignee) is not None:
        conditions.append(Edition.assignee_id == int(filters.assignee))
    return conditions


def list_articles(session: Session, filters: DeskFilters, user_id: int | None = None, *,
                  with_translators: bool = False) -> DeskPage:
    """Articles newest first, filtered by edition state/language/assignee, priority and title.

    ``with_translators`` also fills ``translators``: the active users who can be assigned
    editions, by name (the assignee filter's list), from the same query as the page's people.
    """
    query = select(Article)
    if filters.priority:
        query = query.where(Article.priority == filters.priority)
    if filters.q.strip():
        query = query.where(Article.title_folded.contains(fold_title(filters.q.strip()),
                                                          autoescape=True))
    if filters.state or filters.language or filters.assignee:
        query = query.where(exists().where(*_edition_filter(filters, user_id)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(filters.page, 1), pages)
    articles = list(session.scalars(
        query.options(selectinload(Article.editions))
        .order_by(Article.created_at.desc(), Article.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ))
    ids = [a.id for a in articles]
    jobs = {}
    if ids:
        for job in session.scalars(select(TranslationJob)
                                   .where(TranslationJob.article_id.in_(ids))):
            jobs[(job.article_id, job.target_language)] = job
    people_ids = {e.assignee_id for a in articles for e in a.editions} | {
        e.reviewer_id for a in articles for e in a.editions}
    people_ids.discard(None)
    people: dict[int, User] = {}
    assignable: list[User] = []
    if people_ids or with_translators:
        wanted: ColumnElement[bool] = User.id.in_(people_ids)
        if with_translators:
            wanted = or_(wanted, User.is_active.is_(True))
        for user in session.scalars(select(User).where(wanted).order_by(User.name)):
            if user.id in people_ids:
                people[user.id] = user
            if with_translators and user.is_active and user.has_role("translator"):
                assignable.append(user)
    live = any(job.state in LIVE_JOB_STATES for job in jobs.values())
    result = DeskPage(articles=articles, jobs=jobs, people=people, page=page, pages=pages,
                      total=total, live=live, translators=assignable,
                      languages=latin_edition.published_languages())
    result.rows = desk_rows(result)
    return result


def my_work(session: Session, user_id: int) -> list[Edition]:
    """Editions in the user's languages being translated or edited, theirs or free to take."""
    user = session.get(User, user_id)
    if user is None:
        return []
    query = (
        select(Edition).join(Article, Article.id == Edition.article_id)
        .options(selectinload(Edition.article))
        .where(Edition.is_source.is_(False),
               Edition.state.in_(OPEN_EDITION_STATES),
               or_(Edition.assignee_id == user.id, Edition.assignee_id.is_(None)))
        .order_by((Article.priority == "breaking").desc(), Article.created_at.desc(),
                  Edition.id)
        .limit(200)
    )
    if user.languages:
        query = query.where(Edition.language.in_(user.languages))
    return list(session.scalars(query))


@dataclass
class SegmentView:
    """Everything the editor shows for one segment."""

    row: SegmentTranslation
    segment: Segment
    matches: list[tuple[str, str, float]]
    terms: list[GlossaryEntry]
    comments: list[Comment]
    distance: float | None
    probability: float | None = None  # the model's mean per-token probability, 0..1
    low_confidence: bool = False  # below the instance's threshold: reviewers look twice


@dataclass
class BlockView:
    """A source block (title, heading, paragraph, quote...) with its segments."""

    block: Block
    segments: list[SegmentView]


@dataclass
class EditionView:
    """The segment editor's data for one edition and one viewer."""

    edition: Edition
    article: Article
    blocks: list[BlockView]
    comments: list[Comment]
    people: dict[int, User]
    ready: object
    can_edit: bool
    can_approve: bool
    own_work: bool
    can_credit: bool = False
    translators: list[User] = field(default_factory=list)
    low_confidence: list[SegmentView] = field(default_factory=list)  # in reading order
    only_low_confidence: bool = False  # the blocks hold only the low-confidence segments


def edition_view(session: Session, edition_id: int, user_id: int, *,
                 low_confidence: float = 0.0, only_low_confidence: bool = False) -> EditionView:
    """Load an edition with memory matches, glossary terms, checks and comments per segment.

    Machine segments whose confidence is below ``low_confidence`` (a per-token probability,
    ``AUDARMA_LOW_CONFIDENCE``) are marked and listed; ``only_low_confidence`` keeps just them.
    """
    from translations.confidence import as_probability, is_low
    from workflow import review
    from workflow.memory import DatabaseMemory
    from workflow.metrics import edit_distance

    edition = session.get(Edition, edition_id)
    if edition is None:
        raise NotFound(f"No edition {edition_id}.")
    user = session.get(User, user_id)
    article = edition.article
    rows = active_translations(session, edition.id)
    # The article's blocks in one query: segment.block below is then found in the identity map.
    article_blocks = list(session.scalars(select(Block).where(Block.article_id == article.id)))
    memory = DatabaseMemory(session, article.source_language, edition.language)
    memory.preload([r.segment.source_text for r in rows])
    glossary = glossary_for(session, article.source_language, edition.language)
    comments = list(session.scalars(select(Comment).where(Comment.edition_id == edition.id)
                                    .order_by(Comment.id)))
    by_row: dict[int | None, list[Comment]] = {}
    for comment in comments:
        by_row.setdefault(comment.translation_id, []).append(comment)
    blocks: dict[int, BlockView] = {}
    flagged: list[SegmentView] = []
    for row in rows:
        low = is_low(row.machine_confidence, low_confidence)
        if only_low_confidence and not low:
            continue
        segment = row.segment
        terms = [m.entry for m in glossary.matches(segment.source_text, article.source_language,
                                                   edition.language)]
        view = SegmentView(row=row, segment=segment, matches=memory.fuzzy(segment.source_text),
                           terms=list(dict.fromkeys(terms)), comments=by_row.get(row.id, []),
                           distance=edit_distance(row.machine_text, row.text),
                           probability=None if row.machine_confidence is None
                           else as_probability(row.machine_confidence),
                           low_confidence=low)
        if low:
            flagged.append(view)
        blocks.setdefault(segment.block_id, BlockView(segment.block, [])).segments.append(view)
    del article_blocks
    ids = {c.user_id for c in comments} | {edition.assignee_id, edition.reviewer_id,
                                            edition.approved_by_id}
    ids.discard(None)
    people = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids \
        else {}
    own = user is not None and user.id in review.editors_of(session, edition.id)
    derived = latin_edition.is_derived(edition)  # written from the Kazakh edition, never typed
    return EditionView(
        edition=edition, article=article,
        blocks=sorted(blocks.values(), key=lambda b: b.block.position),
        comments=by_row.get(None, []), people=people,
        ready=review.readiness(session, edition.id),
        can_edit=bool(allowed(user, Action.SUBMIT_SOURCE if edition.is_source else Action.SUBMIT,
                              edition.language)
                      and edition.state == EditionState.EDITING.value and not derived),
        can_credit=allowed(user, Action.EDIT_BYLINE, edition.language) and not derived,
        can_approve=bool(allowed(user, Action.APPROVE, edition.language)
                         and edition.state == EditionState.SUBMITTED.value),
        own_work=own,
        translators=translators_for(session, edition.language) if user and user.has_role(
            "editor") else [],
        low_confidence=flagged, only_low_confidence=only_low_confidence,
    )


def translators_for(session: Session, language: str) -> list[User]:
    """Active people who hold the translator role and work in ``language`` (for assignment)."""
    people = session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.name))
    return [u for u in people if TRANSLATOR in u.roles and u.works_in(language)]
