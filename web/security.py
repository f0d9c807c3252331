"""Security headers on every response: strict CSP (no inline script), nosniff, no framing.

Also two input guards every route shares: ``<int:…>`` URL parts beyond the largest database id
are a 404 (not a database overflow), and JSON nested past Python's recursion limit is invalid
JSON (a 400), not a RecursionError (a 500).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Request, Response
from flask.json.provider import DefaultJSONProvider
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from werkzeug.routing import IntegerConverter

from workflow.db import MAX_ID

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)


class IdConverter(IntegerConverter):
    """``<int:…>`` that matches only 0 … MAX_ID, so a huge id is a plain 404."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002
                 max: int | None = MAX_ID, signed: bool = False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits, min, max, signed)


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, where too deeply nested input is a ValueError like any other bad JSON."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("The JSON is nested too deeply.") from None


class CookieFirstSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, but a request without a session cookie (every partner
    pull, every API call) gets an empty session without building the cookie's signer first."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def _bounded_json(app: Flask) -> BoundedJSONProvider:
    provider = BoundedJSONProvider(app)
    for name in ("ensure_ascii", "sort_keys", "compact", "mimetype"):
        setattr(provider, name, getattr(app.json, name))
    return provider


def init_app(app: Flask) -> None:
    """Add the headers after every request; install the id converter and bounded JSON."""
    app.url_map.converters["int"] = IdConverter
    app.json = _bounded_json(app)
    app.session_interface = CookieFirstSessionInterface()

    headers = security_headers(app)

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in headers:
            response.headers.setdefault(name, value)
        return response


def security_headers(app: Flask) -> list[tuple[str, str]]:
    """The headers every answer carries (also those answered before Flask, see web.health)."""
    headers = [("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"),
               ("X-Frame-Options", "DENY"), ("Referrer-Policy", "same-origin")]
    if app.config.get("SESSION_COOKIE_SECURE"):
        headers.append(("Strict-Transport-Security", "max-age=31536000"))
    return headers
