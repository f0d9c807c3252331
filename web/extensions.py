"""Flask extensions shared by the blueprints, initialised in ``create_app``."""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from web import (
    rate_limit_storage,  # noqa: F401  (registers the audarma+sqlite:// storage)
    redis_rate_limit,  # noqa: F401  (registers audarma+redis://: web/redis_rate_limit.py)
)

login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


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
