"""What every partner pull shares: key → partner, a per-key rate limit, and an access-log row."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from flask import g, request

from web.auth import api_key_required, db_session
from web.errors import error_response
from web.extensions import limiter
from workflow.errors import DomainError
from workflow.partners import Reader, reader_for_key, record_access


def _rate_limit_value() -> str:
    partner = g.get("api_partner")  # loaded with the key by api_key_required("partner")
    return partner.rate_limit if partner is not None else "60/minute"


def _rate_limit_key() -> str:
    key = getattr(g, "api_key", None)
    return f"partner-key:{key.id}:{key.prefix}" if key is not None else "partner-key:none"


# One bucket per API key, shared by every feed and API endpoint, sized by the partner's limit.
# Flask-Limiter may also evaluate it in its before-request hook, before the key is known:
# exempt there, counted once inside the view wrapper where ``g.api_key`` is set.
per_key_limit = limiter.shared_limit(_rate_limit_value, scope="partner-pulls",
                                     key_func=_rate_limit_key,
                                     exempt_when=lambda: getattr(g, "api_key", None) is None)


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
        session = db_session()
        reader: Reader | None = None
        try:
            reader = reader_for_key(session, g.api_key)
            g.reader = reader
            response, status, items = view(*args, **kwargs)
        except DomainError as exc:
            session.rollback()
            response, status, items = (
                error_response(exc.status, exc.code, exc.message)[0], exc.status, 0)
        if reader is not None:
            record_access(session, reader, logged_path(), status, items)
        session.commit()
        return response, status

    return api_key_required("partner")(per_key_limit(limited))
