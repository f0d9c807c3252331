"""Speed-up: Redis rate-limit storage where a hit and its headers cost one round trip.

Flask-Limiter counts a hit (a script: INCRBY, EXPIRE on the first) and then reads the count
(GET) and the window's TTL for the ``X-RateLimit-*`` headers: three round trips a request. Here
the hit's script returns the count and the TTL together, and the same thread's reads of that key
within a second (the headers of the same request) are answered from them. The limit is still
decided by the count the hit returns, in Redis, shared by every worker. Taken out alone
(``bench/partner_path.py``, docs/benchmarks.md "Partner-path speed-ups") a cached feed pull costs
about 6 % more CPU (an items page 2 %). ``redis://`` and ``rediss://`` storage addresses are
served by it (``web/extensions.py``).
"""

from __future__ import annotations

import threading
import time

from limits.storage import RedisStorage


class OneTripRedisStorage(RedisStorage):
    """limits' ``RedisStorage`` with the hit's count and TTL returned in one trip."""

    STORAGE_SCHEME = ["audarma+redis", "audarma+rediss"]
    SCRIPT_INCR_TTL = """
    local current = redis.call("incrby", KEYS[1], ARGV[2])
    if tonumber(current) == tonumber(ARGV[2]) then
        redis.call("expire", KEYS[1], ARGV[1])
    end
    return {current, redis.call("ttl", KEYS[1])}
    """
    FRESH_SECONDS = 1.0

    def __init__(self, uri: str, **options: object) -> None:
        super().__init__(uri.removeprefix("audarma+"), **options)
        self.lua_incr_ttl = self.get_connection().register_script(self.SCRIPT_INCR_TTL)
        self._last = threading.local()

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        count, ttl = self.lua_incr_ttl([self.prefixed_key(key)], [expiry, amount])
        self._last.hit = (key, int(count), time.time() + max(int(ttl), 0), time.monotonic())
        return int(count)

    def _just_hit(self, key: str) -> tuple[str, int, float, float] | None:
        hit = getattr(self._last, "hit", None)
        if hit and hit[0] == key and time.monotonic() - hit[3] < self.FRESH_SECONDS:
            return hit
        return None

    def get(self, key: str) -> int:
        hit = self._just_hit(key)
        return hit[1] if hit else super().get(key)

    def get_expiry(self, key: str) -> float:
        hit = self._just_hit(key)
        if hit is None:
            return super().get_expiry(key)
        self._last.hit = None  # the headers read the count, then the expiry: used up
        return hit[2]
