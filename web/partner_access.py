"""What every partner pull shares: key → partner, a per-key rate limit, and an access-log row."""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any
from urllib.parse import urlencode

from flask import Response, current_app, g, request
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, Storage
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

from web.access_log import is_secret_name
from web.auth import api_key_required
from web.boundary import api_error
from web.errors import error_response
from web.extensions import limiter
from workflow.errors import DomainError
from workflow.partners.admin import (
    AccessLogBuffer,
    PartnerKey,
    Reader,
    access_row,
    reader_for_key,
    record_access,
)

_BUFFER: AccessLogBuffer | None = None
_BUFFER_LOCK = threading.Lock()


log = logging.getLogger(__name__)
PARTNER_BLUEPRINTS = frozenset({"feeds", "api_items"})
SCOPE = "partner-pulls"


@limiter.request_filter
def _counted_by_partner_pull() -> bool:
    """Flask-Limiter passes over feeds and the items API: ``partner_pull`` counts each pull once,
    per key, itself (Flask-Limiter's generic before- and after-request passes cost a cached
    pull a fifth of its time and cannot know the key before the view runs)."""
    return request.blueprint in PARTNER_BLUEPRINTS


@lru_cache(maxsize=256)
def _parsed(rate_limit: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(rate_limit))


@dataclass(frozen=True)
class Verdict:
    """One pull against its key's limits: allowed or not, and the ``X-RateLimit-*`` figures."""

    allowed: bool
    limit: str
    amount: int
    remaining: int
    reset_at: int  # epoch seconds when the window ends

    def apply(self, response: Response) -> Response:
        """Write the rate-limit headers (and ``Retry-After`` on a refusal) onto ``response``."""
        response.headers["X-RateLimit-Limit"] = str(self.amount)
        response.headers["X-RateLimit-Remaining"] = str(self.remaining)
        response.headers["X-RateLimit-Reset"] = str(self.reset_at)
        if not self.allowed:
            response.headers["Retry-After"] = str(max(1, self.reset_at - int(time.time())))
        return response


class PartnerRateLimit:
    """One fixed-window bucket per API key, shared by every feed and API endpoint, counted in
    Flask-Limiter's storage (Redis in production: every worker counts in the same key) with the
    ``limits`` library Flask-Limiter itself uses; the key's partner sets the limit.

    While the storage is unreachable, pulls are counted in this process's memory (and let
    through rather than failed) and the storage is tried again after ``RETRY_SECONDS``.
    """

    RETRY_SECONDS = 5.0

    def __init__(self) -> None:
        self._shared: FixedWindowRateLimiter | None = None
        self._memory = FixedWindowRateLimiter(MemoryStorage())
        self._down_until = 0.0

    def _strategy(self, storage: Storage) -> FixedWindowRateLimiter:
        strategy = self._shared  # Flask-Limiter's storage, set by the app's init_app
        if strategy is None or strategy.storage is not storage:
            strategy = self._shared = FixedWindowRateLimiter(storage)
        return strategy

    @staticmethod
    def _evaluate(strategy: FixedWindowRateLimiter, items: tuple[RateLimitItem, ...],
                  ids: tuple[str, str]) -> Verdict:
        verdicts = []
        for item in items:
            allowed = strategy.hit(item, *ids)
            reset_at, remaining = strategy.get_window_stats(item, *ids)
            verdicts.append(Verdict(allowed, str(item), item.amount, remaining, int(reset_at)))
        refused = [v for v in verdicts if not v.allowed]
        return min(refused or verdicts, key=lambda v: (v.remaining, -v.reset_at))

    def check(self, key: PartnerKey) -> Verdict | None:
        """Count one pull of ``key``; None if rate limiting is off."""
        if not limiter.enabled:
            return None
        items = _parsed(key.rate_limit or "60/minute")
        ids = (f"partner-key:{key.key_id}:{key.prefix}", SCOPE)
        if time.monotonic() >= self._down_until:
            try:
                return self._evaluate(self._strategy(limiter.storage), items, ids)
            except Exception as exc:  # noqa: BLE001 - Redis restarting must not fail pulls
                self._down_until = time.monotonic() + self.RETRY_SECONDS
                log.warning("rate-limit storage unreachable (%s): counting in memory for %.0f s",
                            exc, self.RETRY_SECONDS)
        return self._evaluate(self._memory, items, ids)


RATE_LIMIT = PartnerRateLimit()


def _buffer() -> AccessLogBuffer | None:
    """The process's access-log buffer if ``ACCESS_LOG_FLUSH_SECONDS`` > 0 (default: none).

    A setting (``AUDARMA_ACCESS_LOG_FLUSH_SECONDS``; web/wsgi.py makes it 1); see
    ``AccessLogBuffer`` for what a crash can lose.
    """
    global _BUFFER
    if _BUFFER is None:
        seconds = float(current_app.config.get("ACCESS_LOG_FLUSH_SECONDS") or 0)
        if seconds <= 0:
            return None
        with _BUFFER_LOCK:
            if _BUFFER is None:
                _BUFFER = AccessLogBuffer(max_age=seconds)
                atexit.register(_BUFFER.flush)  # gunicorn's SIGTERM exits cleanly: rows written
    return _BUFFER


FLUSHED = "audarma.flushed"


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context: object) -> None:
    session.info[FLUSHED] = True


def _wrote(sessions: scoped_session) -> bool:
    """True if the pull changed anything (e.g. the key's ``last_used_at``), flushed or not."""
    if not sessions.registry.has():  # a cached feed hit never opens the request's session
        return False
    session = sessions()
    return bool(session.info.get(FLUSHED) or session.new or session.dirty or session.deleted)


def has_credentials() -> bool:
    """True if the request carries a key (header or ``?key=``)."""
    return bool(request.headers.get("Authorization") or request.args.get("key"))


def logged_path() -> str:
    """The request path and query without any parameter that may carry a secret."""
    query = urlencode([(k, v) for k, v in request.args.items(multi=True)
                       if not is_secret_name(k)])
    return request.path + (f"?{query}" if query else "")


def partner_pull(view: Callable) -> Callable:
    """Require a live partner key, rate-limit per key, hand the view ``g.reader``, log the pull.

    The view returns ``(response, status, items)``; domain errors become JSON errors and are
    logged too.
    """

    @wraps(view)
    def limited(*args: Any, **kwargs: Any):
        database = current_app.extensions["audarma.db"]
        if database.session.registry.has():
            database.session().info[FLUSHED] = False
        verdict = RATE_LIMIT.check(g.api_key)
        if verdict is not None and not verdict.allowed:
            response = error_response(429, "rate_limited",
                                      f"Rate limit exceeded ({verdict.limit}).")[0]
            return verdict.apply(response), 429
        buffer = _buffer()
        reader: Reader | None = None
        try:
            reader = reader_for_key(g.api_key)
            g.reader = reader
            response, status, items = view(*args, **kwargs)
        except DomainError as exc:  # answered here so that the access log records the refusal
            database.rollback()
            response, status, items = api_error(exc)[0], exc.status, 0
        if reader is not None:
            row = access_row(reader, logged_path(), status, items)
            if buffer is not None:
                buffer.add(database.engine, row)
            else:
                record_access(database.session, row)
        if buffer is None or _wrote(database.session):
            database.commit()  # a buffered pull usually has nothing to write: no COMMIT
        if verdict is not None:
            response = current_app.make_response(response)
            verdict.apply(response)
        return response, status

    return api_key_required("partner")(limited)
