"""The one JSON shape of an article that the API, the CLI and tests share."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.models import Article, TranslationJob


def article_summary(session: Session, article: Article, *, duplicate_of: int | None = None,
                    editions: bool = True) -> dict:
    """``{id, language, language_confidence, title, byline, blocks, segments, duplicate_of}``
    plus ``editions`` with state and progress when asked."""
    active = [s for s in article.segments if s.active]
    data: dict = {
        "id": article.id,
        "language": article.source_language,
        "language_confidence": round(article.language_confidence, 4),
        "title": article.title,
        "byline": article.byline,
        "blocks": [{"kind": b.kind, "text": b.text} for b in article.blocks if b.active],
        "segments": len(active),
        "duplicate_of": duplicate_of,
        "revision": article.revision,
        "priority": article.priority,
        "category": article.category,
        "subjects": list(article.subjects or []),
        "keywords": list(article.keywords or []),
        "dateline": article.dateline,
    }
    if editions:
        jobs = {j.target_language: j for j in session.scalars(
            select(TranslationJob).where(TranslationJob.article_id == article.id))}
        data["editions"] = []
        for edition in article.editions:
            job = jobs.get(edition.language)
            done, total = (job.segments_done, job.segments_total) if job else (len(active),
                                                                            len(active))
            data["editions"].append({
                "language": edition.language, "source": edition.is_source, "state": edition.state,
                "job_state": job.state if job else None,
                "job_id": job.id if job else None,
                "progress": {"done": done, "total": total},
            })
    return data
