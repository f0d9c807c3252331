"""gunicorn configuration for bench/partner_path.py: the Procfile's, with partner-path speed-ups
replaced by the plain way of doing the same thing (the four the product keeps; the two it no
longer has, a request filter for Flask-Limiter and skipping the COMMIT of a pull that wrote
nothing, were measured with this file as of commit 2b3a9fc).

``AUDARMA_BENCH_WITHOUT`` names the speed-ups to take out (comma-separated, see ``PLAIN``); each
is swapped in every worker right after the fork, before the app is imported. Benchmark only:
nothing in the product imports this file.
"""

from __future__ import annotations

import os
from typing import Any

from web.gunicorn_conf import *  # noqa: F403  (the Procfile's settings and hooks)
from web.gunicorn_conf import on_starting  # noqa: F401  (named, so a reader sees it is kept)


def _plain_key_lookup() -> None:
    """The partner key found through SQLAlchemy's Core path, not a prepared psycopg statement."""
    import web.auth
    from workflow.db import autocommit_connection
    from workflow.partners import admin

    def look_up(engine: Any, secret: str) -> Any:
        if not secret or not secret.startswith("ak_"):
            return None
        with autocommit_connection(engine) as connection:
            return admin.find_partner_key(connection, secret)

    web.auth.look_up_partner_key = look_up


def _plain_redis_storage() -> None:
    """limits' own RedisStorage: a hit, then a GET and a TTL for the headers (three trips)."""
    from limits.storage import RedisStorage

    from web.redis_rate_limit import OneTripRedisStorage

    OneTripRedisStorage.__init__ = lambda self, uri, **options: RedisStorage.__init__(  # type: ignore[method-assign]
        self, uri.removeprefix("audarma+"), **options)
    for name in ("incr", "get", "get_expiry"):
        setattr(OneTripRedisStorage, name, getattr(RedisStorage, name))


def _pre_ping() -> None:
    """SQLAlchemy's ``pool_pre_ping`` (a round trip at every checkout), not the socket poll."""
    import workflow.db

    make_engine = workflow.db.make_engine

    def with_pre_ping(url: str, **kwargs: object) -> Any:
        if not url.startswith("sqlite"):
            kwargs["pool_pre_ping"] = True
        return make_engine(url, **kwargs)

    workflow.db.make_engine = with_pre_ping


PLAIN = {
    "key_lookup": _plain_key_lookup,
    "redis_storage": _plain_redis_storage,
    "liveness": _pre_ping,
    # a setting: bench/partner_path.py sets AUDARMA_ACCESS_LOG_FLUSH_SECONDS=0 for this one
    "access_log_buffer": lambda: None,
}


def post_fork(server: Any, worker: Any) -> None:  # noqa: ARG001 (gunicorn's hook signature)
    for name in filter(None, os.environ.get("AUDARMA_BENCH_WITHOUT", "").split(",")):
        PLAIN[name]()  # an unknown name stops the worker: a typo must not measure the product
        worker.log.info("partner-path bench: %s swapped for the plain way", name)
