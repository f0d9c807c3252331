"""Post-edit effort: how far people moved machine output, and how long it took them."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import Levenshtein
from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.models import Article, Edition, EditionSnapshot


def edit_distance(machine: str | None, final: str | None) -> float | None:
    """Character-level Levenshtein distance normalised to 0..1 (0 = machine output kept as is)."""
    if machine is None or final is None:
        return None
    return round(Levenshtein.normalized_distance(machine, final), 4)


@dataclass
class Effort:
    """Aggregated effort over a group of approved segments."""

    key: str
    editions: set[int] = field(default_factory=set)
    segments: int = 0
    distance_sum: float = 0.0
    untouched: int = 0
    time_ms: int = 0
    # (model confidence, edit distance) of each approved machine segment the model scored
    scored: list[tuple[float, float]] = field(default_factory=list)

    def add(self, edition_id: int, segment: dict[str, Any]) -> None:
        """Count one approved segment."""
        distance = segment.get("distance")
        if distance is None:
            return
        self.editions.add(edition_id)
        self.segments += 1
        self.distance_sum += distance
        self.untouched += distance == 0
        self.time_ms += int(segment.get("time_spent_ms") or 0)
        confidence = segment.get("confidence")
        if confidence is not None:
            self.scored.append((float(confidence), float(distance)))

    @property
    def mean_confidence(self) -> float | None:
        """The model's mean per-token probability over the scored segments (0..1), or None."""
        if not self.scored:
            return None
        return math.exp(statistics.fmean(c for c, _d in self.scored))

    @property
    def confidence_correlation(self) -> float | None:
        """Pearson's r between the model's confidence and the edit distance people made: near
        -1 when the model knew which segments were weak (the edited ones scored low); None
        below 3 scored segments or when either side never varies."""
        if len(self.scored) < 3:
            return None
        try:
            return statistics.correlation([c for c, _d in self.scored],
                                          [d for _c, d in self.scored])
        except statistics.StatisticsError:  # constant input: no correlation to speak of
            return None

    @property
    def mean_distance(self) -> float:
        """Mean normalised edit distance (0..1)."""
        return self.distance_sum / self.segments if self.segments else 0.0

    @property
    def seconds_per_segment(self) -> float:
        """Mean time spent per segment, in seconds."""
        return self.time_ms / 1000 / self.segments if self.segments else 0.0


@dataclass
class EditionEffort:
    """Effort on one approved edition."""

    edition_id: int
    article_title: str
    direction: str
    effort: Effort


@dataclass
class EffortReport:
    """Effort per language direction, per model version, and for recent editions."""

    by_direction: list[Effort]
    by_model: list[Effort]
    editions: list[EditionEffort]


def latest_approvals(session: Session) -> list[tuple[EditionSnapshot, Edition, Article]]:
    """Each edition's most recent approved snapshot, newest first."""
    rows = session.execute(
        select(EditionSnapshot, Edition, Article)
        .join(Edition, Edition.id == EditionSnapshot.edition_id)
        .join(Article, Article.id == Edition.article_id)
        .where(EditionSnapshot.kind == "approved", Edition.is_source.is_(False))
        .order_by(EditionSnapshot.created_at.desc(), EditionSnapshot.id.desc())
    ).all()
    seen: set[int] = set()
    latest = []
    for snapshot, edition, article in rows:
        if edition.id not in seen:
            seen.add(edition.id)
            latest.append((snapshot, edition, article))
    return latest


def post_edit_effort(session: Session, recent: int = 20) -> EffortReport:
    """Aggregate approved snapshots per direction (e.g. en→kk) and per model route."""
    by_direction: dict[str, Effort] = defaultdict(lambda: Effort(""))
    by_model: dict[str, Effort] = defaultdict(lambda: Effort(""))
    editions: list[EditionEffort] = []
    for snapshot, edition, article in latest_approvals(session):
        direction = f"{article.source_language}→{edition.language}"
        own = Effort(direction)
        for segment in snapshot.segments:
            by_direction[direction].add(edition.id, segment)
            by_model[segment.get("route") or "—"].add(edition.id, segment)
            own.add(edition.id, segment)
        if len(editions) < recent:
            editions.append(EditionEffort(edition.id, article.title, direction, own))
    for table in (by_direction, by_model):
        for key, effort in table.items():
            effort.key = key
    return EffortReport(by_direction=sorted(by_direction.values(), key=lambda e: e.key),
                        by_model=sorted(by_model.values(), key=lambda e: e.key),
                        editions=editions)
