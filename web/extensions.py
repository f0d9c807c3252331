"""Flask extensions shared by the blueprints, initialised in ``create_app``."""

from __future__ import annotations

import threading
import time

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from limits.storage import RedisStorage

from web import rate_limit_storage  # noqa: F401  (registers the audarma+sqlite:// storage)

login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


class OneTripRedisStorage(RedisStorage):
    """Redis storage for the rate limits where a hit and its headers cost one round trip.

    Flask-Limiter counts a hit (a script: INCRBY, EXPIRE on the first) and then reads the count
    (GET) and the window's TTL for the ``X-RateLimit-*`` headers: three round trips a request.
    Here the hit's script returns the count and the TTL together, and the same thread's reads
    of that key within a second (the headers of the same request) are answered from them. The
    limit is still decided by the count the hit returns, in Redis, shared by every worker.
    """

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


def init_app(app: Flask) -> None:
    """Bind the extensions to ``app``."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    if app.config["RATELIMIT_STORAGE_URI"].startswith("memory://") and not app.testing:
        # counts per process: a limit of N lets N x workers through; one process only
        app.logger.warning("RATELIMIT_STORAGE_URI=memory:// counts in each process separately; "
                           "run a single web process (WEB_CONCURRENCY=1) or use Redis or the "
                           "default SQLite storage so limits hold across processes")
    if app.config["RATELIMIT_STORAGE_URI"].startswith(("redis://", "rediss://")):
        app.config["RATELIMIT_STORAGE_URI"] = "audarma+" + app.config["RATELIMIT_STORAGE_URI"]
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    # Redis (the limits' storage) restarting must not turn sign-in or feeds into 500s: count in
    # memory meanwhile, and let a request through rather than fail it.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    limiter.init_app(app)
