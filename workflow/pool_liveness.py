"""Speed-up: dead pooled connections replaced at checkout without a round trip on every request.

SQLAlchemy's ``pool_pre_ping`` sends a statement before every checkout; taken out for it alone
(``bench/partner_path.py``, docs/benchmarks.md "Partner-path speed-ups") a cached feed pull costs
about 2 % more CPU (an items page 5 %). Here a connection is pinged only if the server wrote to
it while it sat in the pool (PostgreSQL terminates its backends and closes their sockets when it
restarts: a poll of the socket sees it) or if it idled longer than ``IDLE_PING_SECONDS`` (a
connection dropped silently on the way). A failed ping makes the pool reconnect, so the request
after a restart gets a fresh connection; while the server is down, the connect error is the
usual 503. ``tests/foundation/test_connection_liveness.py`` holds both halves.
"""

from __future__ import annotations

import select
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

IDLE_PING_SECONDS = 5.0  # a pooled connection idle longer than this is pinged before use
_IDLE_SINCE = "audarma.idle_since"


def _server_wrote(dbapi_connection: Any) -> bool:
    """True if an idle connection's socket is readable: PostgreSQL's goodbye (or EOF), usually."""
    try:
        fd = dbapi_connection.fileno()
    except Exception:  # already closed or broken
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))  # POLLHUP/POLLERR are always reported too


def watch_connections(engine: Engine, idle_ping: float = IDLE_PING_SECONDS) -> None:
    """Ping a pooled connection at checkout only when it is suspect (see the module's text)."""

    @event.listens_for(engine, "checkin")
    def _idle_from_now(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _check_alive(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is None:  # connected for this checkout
            return
        if time.monotonic() - idle_since < idle_ping and not _server_wrote(dbapi_connection):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(f"pooled connection is dead: {exc}") from exc
