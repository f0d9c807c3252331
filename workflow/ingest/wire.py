"""Wire updates: a changed copy of a story under a known external id or feed guid.

Agencies re-send a story under the same id with an added sentence, a new priority or new
metadata. That is a source update of the same article, done through ``update_source`` (so it has
every effect of a source edit: only changed sentences are translated again, editions go back to
review, published editions are flagged for correction), never a silent duplicate. A copy the
wire already sent is a duplicate even if the desk edited the article since: the comparison is
with the last wire copy (``Article.wire_hash``), so re-polling a feed never undoes a desk edit.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.ingest.article import ParsedArticle
from workflow.ingest.source_edit import update_source
from workflow.ingest.store import IngestResult
from workflow.metadata import ArticleMetadata
from workflow.models import Article, AuditEvent, TranslationJob
from workflow.states import JobState


def _reprioritise(session: Session, article: Article, priority: str) -> None:
    """Move the article and its still-queued jobs to ``priority`` (wakes the right queue)."""
    article.priority = priority
    for job in session.scalars(select(TranslationJob).where(
            TranslationJob.article_id == article.id,
            TranslationJob.state == JobState.QUEUED.value)):
        if job.priority != priority:
            job.priority = priority
            job.needs_dispatch = True


def apply_wire_update(session: Session, article: Article, parsed: ParsedArticle, digest: str, *,
                      priority: str | None, metadata: ArticleMetadata | None,
                      user_id: int | None) -> IngestResult:
    """Apply a re-sent wire copy to ``article``; a duplicate result if nothing changed."""
    changes: list[str] = []
    if priority is not None and priority != article.priority:
        changes.append("priority")
        _reprioritise(session, article, priority)
    if metadata is not None and metadata.apply(article):
        changes.append("metadata")
    jobs: list[TranslationJob] = []
    if digest != (article.wire_hash or article.content_hash):
        changes.append("text")
        edit = update_source(session, article.id, parsed, user_id)
        jobs = edit.jobs
        article.wire_hash = digest
    if not changes:
        return IngestResult(article, article.id, [], [])
    session.add(AuditEvent(actor_id=user_id, action="wire_update", article_id=article.id,
                           detail={"revision": article.revision, "changed": changes,
                                   "priority": article.priority}))
    session.flush()
    return IngestResult(article, None, jobs, list(article.warnings or []), updated=True)
