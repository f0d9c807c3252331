"""Stored model evaluations: what ``audarma models evaluate`` measured, for the Metrics page."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from translations.evaluation import Score
from workflow.models import ModelEvaluation


def record(session: Session, scores: Sequence[Score], data: str) -> list[ModelEvaluation]:
    """Store one evaluation run (one row per direction)."""
    rows = [ModelEvaluation(source_language=s.source, target_language=s.target, route=s.route,
                            data=data[:200], sentences=s.sentences, chrf=s.chrf, bleu=s.bleu,
                            seconds=s.seconds) for s in scores]
    session.add_all(rows)
    session.flush()
    return rows


def latest(session: Session) -> list[ModelEvaluation]:
    """The newest evaluation of each direction and route, by direction."""
    rows = session.scalars(select(ModelEvaluation).order_by(ModelEvaluation.id.desc())).all()
    seen: set[tuple[str, str, str]] = set()
    newest = []
    for row in rows:
        key = (row.source_language, row.target_language, row.route)
        if key not in seen:
            seen.add(key)
            newest.append(row)
    return sorted(newest, key=lambda r: (r.source_language, r.target_language, r.route))
