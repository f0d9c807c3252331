"""Cheap change markers for partner feeds, and a small cache of rendered feed bodies.

A feed event (publish, correct, kill) can change a language feed: the item itself, or the
hreflang alternates that name other languages' versions the reader may read. So the marker is the
newest event in the reader's languages; a feed's ETag and its cached body are keyed by it, and an
unchanged feed is answered without being built.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from weakref import WeakKeyDictionary

from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from workflow.models import FeedEvent


@dataclass(frozen=True)
class Marker:
    """The newest feed event: its seq (0 for an empty log) and time."""

    seq: int
    at: datetime | None


MARKER_MAX_AGE = 1.0  # seconds a worker reuses the marker it read (other processes' events)
_markers: WeakKeyDictionary[Engine, dict[tuple[str, ...] | None, tuple[float, Marker]]] = (
    WeakKeyDictionary())
_markers_lock = threading.Lock()


def latest_change(session: Session, languages: tuple[str, ...] | None = None,
                  max_age: float = MARKER_MAX_AGE) -> Marker:
    """The newest feed event in ``languages`` (None: any), reused for ``max_age`` seconds.

    A partner's feed depends only on events in the languages its key may read (the item and
    its alternates), so its marker ignores the others: a ru kill neither changes a kk-only
    partner's ETag nor its Last-Modified. One index lookup per language.

    A feed event written by this process forgets the memo at once (``forget_markers``); one
    written by another worker or the Celery worker shows within ``max_age`` seconds, so a feed
    may answer 304 (or the previous body) for at most that long after a publication.
    """
    engine = session.get_bind().engine
    now = time.monotonic()
    with _markers_lock:
        found = _markers.get(engine, {}).get(languages)
    if found is not None and now - found[0] < max_age:
        return found[1]
    marker = Marker(0, None)
    for language in languages or (None,):
        query = select(FeedEvent.seq, FeedEvent.at).order_by(FeedEvent.seq.desc()).limit(1)
        if language is not None:
            query = query.where(FeedEvent.language == language)
        row = session.execute(query).first()
        if row and row.seq > marker.seq:
            marker = Marker(row.seq, row.at)
    if max_age > 0:
        with _markers_lock:
            _markers.setdefault(engine, {})[languages] = (now, marker)
    return marker


def forget_markers(*_args: object) -> None:
    """Drop every memoised marker (the next pull reads the newest event again)."""
    with _markers_lock:
        _markers.clear()


event.listen(FeedEvent, "after_insert", forget_markers)


@dataclass(frozen=True)
class CachedFeed:
    """A rendered feed body and how many items it holds."""

    body: bytes
    items: int


class BodyCache:
    """A bounded, thread-safe LRU of rendered feed bodies; keys must include the marker's seq."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, CachedFeed] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_build(self, key: Hashable, build: Callable[[], CachedFeed]) -> CachedFeed:
        """The cached body for ``key``, or build, remember and return it."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        built = build()
        with self._lock:
            self._items[key] = built
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return built

    def clear(self) -> None:
        """Forget every body."""
        with self._lock:
            self._items.clear()
