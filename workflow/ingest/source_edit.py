"""Source edits: re-segment an article so that only new or changed sentences are re-translated.

Unchanged segments keep their rows and translations. New or changed ones get fresh rows (the
old rows become inactive) with pending translations, and the jobs are queued again. A
translation a person already edited is never overwritten: its text moves to the new segment
marked ``source_changed``, with the source it was written for kept beside it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow import corrections
from workflow.approval import ReturnReason, return_to_editing
from workflow.errors import NotFound
from workflow.ingest.article import ParsedArticle
from workflow.ingest.segments import (
    BlockDraft,
    SegmentDraft,
    clean_blocks,
    content_hash,
    segment_blocks,
)
from workflow.ingest.store import add_block, parse_body, require_text
from workflow.jobs.queue import create_jobs
from workflow.models import (
    Article,
    AuditEvent,
    Block,
    Segment,
    SegmentTranslation,
    TranslationJob,
    User,
)
from workflow.permissions import Action, require
from workflow.states import JobState, SegmentState

_HUMAN = (SegmentState.DRAFT.value, SegmentState.CONFIRMED.value, SegmentState.SOURCE_CHANGED.value)


@dataclass
class SourceEditResult:
    """What a source edit changed."""

    article: Article
    kept: int = 0
    added: int = 0
    retired: int = 0
    source_changed: int = 0
    jobs: list[TranslationJob] = field(default_factory=list)
    returned: list[str] = field(default_factory=list)  # editions sent back to editing

    @property
    def changed(self) -> bool:
        """True when any segment was added or retired."""
        return bool(self.added or self.retired)


def _match_segments(old: list[Segment], new: list[SegmentDraft]) -> tuple[dict[int, Segment],
                                                                           dict[int, Segment]]:
    """Align old and new sentences: new index → kept old row, and new index → replaced old row."""
    matcher = difflib.SequenceMatcher(None, [s.source_hash for s in old],
                                      [d.source_hash for d in new], autojunk=False)
    kept: dict[int, Segment] = {}
    replaced: dict[int, Segment] = {}
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            kept.update({j1 + k: old[i1 + k] for k in range(i2 - i1)})
        elif op == "replace":
            replaced.update({j1 + k: old[i1 + k] for k in range(min(i2 - i1, j2 - j1))})
    return kept, replaced


def _match_blocks(old: list[Block], new: list[BlockDraft]) -> dict[int, Block]:
    """New block index → unchanged old block row (same kind and text)."""
    matcher = difflib.SequenceMatcher(None, [(b.kind, b.text) for b in old],
                                      [(d.kind, d.text) for d in new], autojunk=False)
    kept: dict[int, Block] = {}
    for op, i1, i2, j1, _j2 in matcher.get_opcodes():
        if op == "equal":
            kept.update({j1 + k: old[i1 + k] for k in range(i2 - i1)})
    return kept


def _next_sid(session: Session, article_id: int) -> int:
    sids = session.scalars(select(Segment.sid).where(Segment.article_id == article_id)).all()
    return max((int(s[1:]) for s in sids if s[1:].isdigit()), default=0) + 1


def _carry_human_text(session: Session, article: Article, new_segment: Segment,
                      old_segment: Segment) -> int:
    """Move edited translations of a replaced sentence to its successor as ``source_changed``."""
    carried = 0
    old_rows = session.scalars(select(SegmentTranslation).where(
        SegmentTranslation.segment_id == old_segment.id)).all()
    for old in old_rows:
        if old.state not in _HUMAN:
            continue
        previous = old.previous_source_text if old.state == SegmentState.SOURCE_CHANGED.value \
            else old_segment.source_text
        session.add(SegmentTranslation(
            edition_id=old.edition_id, segment=new_segment,
            state=SegmentState.SOURCE_CHANGED.value, text=old.text, machine_text=old.machine_text,
            machine_origin=old.machine_origin, machine_route=old.machine_route,
            machine_source_hash=old.machine_source_hash, machine_at=old.machine_at,
            machine_confidence=old.machine_confidence,
            version=old.version, previous_source_text=previous, edited_by_id=old.edited_by_id,
            edited_at=old.edited_at, time_spent_ms=old.time_spent_ms))
        carried += 1
    return carried


def _active_segment_count(session: Session, article_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Segment).where(
        Segment.article_id == article_id, Segment.active.is_(True))) or 0


def _pending_count(session: Session, edition_id: int) -> int:
    return session.scalar(select(func.count()).select_from(SegmentTranslation).join(Segment).where(
        SegmentTranslation.edition_id == edition_id, Segment.active.is_(True),
        SegmentTranslation.state == SegmentState.PENDING.value)) or 0


def _requeue(session: Session, article: Article) -> list[TranslationJob]:
    """Queue again the jobs whose edition now lacks translations; refresh the others' progress."""
    session.expire(article, ["segments", "editions"])
    jobs = session.scalars(select(TranslationJob).where(TranslationJob.article_id == article.id)
                           .order_by(TranslationJob.id)).all()
    total = _active_segment_count(session, article.id)
    requeue = []
    for job in jobs:
        if job.state == JobState.CANCELLED.value:
            continue
        have = set(session.scalars(select(SegmentTranslation.segment_id).where(
            SegmentTranslation.edition_id == job.edition_id)).all())
        missing = any(s.id not in have for s in article.segments if s.active)
        if missing or _pending_count(session, job.edition_id):
            requeue.append(job.target_language)
        else:
            job.segments_total = total
            job.segments_done = total
    return create_jobs(session, article, requeue, article.priority) if requeue else []


def update_source(session: Session, article_id: int, parsed_or_text: ParsedArticle | str,
                  user_id: int | None = None, *, fmt: str | None = None) -> SourceEditResult:
    """Replace an article's source text; only new or changed segments are translated again.

    Every submitted, approved, scheduled or published edition goes back to editing (reason
    ``source_edited``), and ``user_id`` counts as an editor of each for the four-eyes rule.
    ``user_id`` None is the system (a wire update); a person must hold ``edit_source``.
    """

    article = session.get(Article, article_id)
    if article is None:
        raise NotFound(f"No article {article_id}.")
    if user_id is not None:
        require(session.get(User, user_id), Action.EDIT_SOURCE)
    if isinstance(parsed_or_text, str):
        default = "markdown" if article.source_format == "markdown" else "text"
        parsed = parse_body(parsed_or_text, fmt or default)
    else:
        parsed = parsed_or_text
    drafts, hygiene = clean_blocks(parsed)
    require_text(drafts)
    segment_blocks(drafts, article.source_language)
    result = SourceEditResult(article)

    old_blocks = sorted((b for b in article.blocks if b.active), key=lambda b: b.position)
    old_segments = sorted((s for s in article.segments if s.active), key=lambda s: s.position)
    flat = [(index, seg) for index, draft in enumerate(drafts) for seg in draft.segments]
    kept, replaced = _match_segments(old_segments, [seg for _i, seg in flat])
    kept_blocks = _match_blocks(old_blocks, drafts)
    if len(kept) == len(flat) == len(old_segments) and len(kept_blocks) == len(drafts) \
            == len(old_blocks) and parsed.title == article.title:
        result.kept = len(kept)
        return result

    sid = _next_sid(session, article.id)
    block_rows: dict[int, Block] = {}
    for index, draft in enumerate(drafts):
        block = kept_blocks.get(index)
        if block is None:
            block, _ = add_block(session, article, BlockDraft(draft.kind, draft.text, draft.marks),
                                 index, sid, 0)
        block.position = index
        block.marks = draft.marks_json
        block_rows[index] = block
    for block in old_blocks:
        if block not in block_rows.values():
            block.active = False

    survivors = set()
    for position, (index, seg) in enumerate(flat):
        row = kept.get(position)
        if row is not None:
            row.block = block_rows[index]
            row.position, row.start_offset, row.end_offset = position, seg.start, seg.end
            survivors.add(row.id)
            result.kept += 1
            continue
        row = Segment(article=article, block=block_rows[index], sid=f"s{sid}", position=position,
                      start_offset=seg.start, end_offset=seg.end, source_text=seg.source_text,
                      source_hash=seg.source_hash, marks=seg.marks)
        sid += 1
        session.add(row)
        session.flush()
        result.added += 1
        if position in replaced:
            result.source_changed += _carry_human_text(session, article, row, replaced[position])
    for segment in old_segments:
        if segment.id not in survivors:
            segment.active = False
            result.retired += 1

    article.title = parsed.title
    article.byline = parsed.byline
    article.photo_credit = parsed.photo_credit
    article.source_format = parsed.source_format
    article.content_hash = content_hash(parsed.title, drafts)
    article.warnings = list(dict.fromkeys(list(parsed.warnings) + hygiene))
    article.revision += 1
    for edition in article.editions:
        if edition.is_source:
            edition.title = parsed.title
    session.flush()
    # The author of a source edit is an editor of every edition for the four-eyes rule
    # (review.editors_of reads this event), and no decision about the old text stands.
    session.add(AuditEvent(actor_id=user_id, action="source_edited", article_id=article.id,
                           detail={"revision": article.revision, "kept": result.kept,
                                   "added": result.added, "retired": result.retired,
                                   "source_changed": result.source_changed}))
    corrections.after_source_edit(session, article, user_id)  # live versions are flagged too
    for edition in article.editions:
        if return_to_editing(session, edition, ReturnReason.SOURCE_EDITED, user_id,
                             revision=article.revision):
            result.returned.append(edition.language)
    session.flush()
    result.jobs = _requeue(session, article)
    return result
