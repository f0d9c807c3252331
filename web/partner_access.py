"""What every partner pull shares: key → partner, a per-key rate limit, and an access-log row.

The rate limit is ``web/partner_rate_limit.py``; the access-log rows go through
``workflow/partners/access_log_buffer.py`` when ``ACCESS_LOG_FLUSH_SECONDS`` is set.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from flask import current_app, g, request

from web.access_log import is_secret_name
from web.auth import api_key_required
from web.boundary import api_error
from web.errors import error_response
from web.partner_rate_limit import RATE_LIMIT
from workflow.errors import DomainError
from workflow.partners.access_log_buffer import AccessLogBuffer
from workflow.partners.admin import Reader, access_row, reader_for_key, record_access

_BUFFER: AccessLogBuffer | None = None
_BUFFER_LOCK = threading.Lock()



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
        database.commit()  # sends nothing when the pull never touched the database (a 304)
        if verdict is not None:
            response = current_app.make_response(response)
            verdict.apply(response)
        return response, status

    return api_key_required("partner")(limited)
