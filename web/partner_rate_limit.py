"""A partner key's own rate limit: one fixed-window bucket per key, shared by every feed and API
endpoint, counted with the ``limits`` library in Flask-Limiter's storage.

Flask-Limiter limits a route by a key function it calls before the view; a partner's limit
belongs to the key's partner (``Partner.rate_limit``), known only once the key is looked up.
``partner_pull`` (``web/partner_access.py``) therefore counts each pull here, once, after the
look-up, and writes the ``X-RateLimit-*`` headers itself.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import lru_cache

from flask import Response
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, Storage
from limits.strategies import FixedWindowRateLimiter

from web.extensions import limiter
from workflow.partners.admin import PartnerKey

log = logging.getLogger(__name__)
SCOPE = "partner-pulls"


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
    """Counts pulls per key in Flask-Limiter's storage (Redis in production: every worker counts
    in the same key); the key's partner sets the limit.

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
