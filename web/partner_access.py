"""What every partner pull shares: key → partner, a per-key rate limit, and an access-log row."""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from flask import current_app, g, request
from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

from web.auth import api_key_required
from web.errors import error_response
from web.extensions import limiter
from workflow.errors import DomainError
from workflow.partners import (
    AccessLogBuffer,
    Reader,
    access_row,
    reader_for_key,
    record_access,
)

_BUFFER: AccessLogBuffer | None = None
_BUFFER_LOCK = threading.Lock()


def _rate_limit_value() -> str:
    key = g.get("api_key")  # api_key_required("partner") read the partner's limit with the key
    return key.rate_limit if key is not None else "60/minute"


def _rate_limit_key() -> str:
    key = getattr(g, "api_key", None)
    return f"partner-key:{key.key_id}:{key.prefix}" if key is not None else "partner-key:none"


# One bucket per API key, shared by every feed and API endpoint, sized by the partner's limit.
# Flask-Limiter may also evaluate it in its before-request hook, before the key is known:
# exempt there, counted once inside the view wrapper where ``g.api_key`` is set.
per_key_limit = limiter.shared_limit(_rate_limit_value, scope="partner-pulls",
                                     key_func=_rate_limit_key,
                                     exempt_when=lambda: getattr(g, "api_key", None) is None)


def _buffer() -> AccessLogBuffer | None:
    """The process's access-log buffer if ``ACCESS_LOG_FLUSH_SECONDS`` > 0 (default: none).

    Set in the app config or as ``AUDARMA_ACCESS_LOG_FLUSH_SECONDS``; see ``AccessLogBuffer``
    for what a crash can lose.
    """
    global _BUFFER
    if _BUFFER is None:
        raw = current_app.config.get("ACCESS_LOG_FLUSH_SECONDS",
                                     os.environ.get("AUDARMA_ACCESS_LOG_FLUSH_SECONDS", "0"))
        seconds = float(raw or 0)
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
    """The request path and query with any ``key=`` secret removed."""
    query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "key"])
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
        buffer = _buffer()
        reader: Reader | None = None
        try:
            reader = reader_for_key(g.api_key)
            g.reader = reader
            response, status, items = view(*args, **kwargs)
        except DomainError as exc:
            database.session.rollback()
            response, status, items = (
                error_response(exc.status, exc.code, exc.message)[0], exc.status, 0)
        if reader is not None:
            row = access_row(reader, logged_path(), status, items)
            if buffer is not None:
                buffer.add(database.engine, row)
            else:
                record_access(database.session, row)
        if buffer is None or _wrote(database.session):
            database.session.commit()  # a buffered pull usually has nothing to write: no COMMIT
        return response, status

    return api_key_required("partner")(per_key_limit(limited))
