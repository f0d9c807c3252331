"""Gunicorn access log without secrets: ``?key=`` values and Authorization headers are redacted.

Feeds accept a partner key as ``?key=`` (for feed readers that cannot send headers), and
gunicorn's default access line logs the whole request line. Procfile and ``audarma run`` start
gunicorn with ``--logger-class web.access_log.RedactingLogger``.

A parameter's name is judged the way the app reads it: percent- and plus-decoded (``%6Bey`` and
``ke%79`` are ``key`` to Werkzeug), case-folded and Unicode-normalised; any name containing
``key``, ``token``, ``password``, ``passwd``, ``secret`` or ``signature`` has its value replaced.
"""

from __future__ import annotations

import unicodedata
from typing import Any
from urllib.parse import unquote_plus

from gunicorn.glogging import Logger

REDACTED = "[redacted]"
_SECRET_WORDS = ("key", "token", "password", "passwd", "secret", "signature")
_SECRET_HEADERS = ("{authorization}i", "{cookie}i", "{set-cookie}o", "{http_authorization}e",
                   "{http_cookie}e")


def is_secret_name(name: str) -> bool:
    """True if a query parameter called ``name`` (raw or decoded) may carry a secret."""
    for _ in range(3):  # a name encoded twice ("%256Bey") is still judged by its final spelling
        decoded = unquote_plus(name)
        if decoded == name:
            break
        name = decoded
    folded = unicodedata.normalize("NFKC", name).casefold()
    return any(word in folded for word in _SECRET_WORDS)


def _redact_query(query: str) -> str:
    parts = []
    for part in query.split("&"):
        name, equals, _value = part.partition("=")
        parts.append(name + "=" + REDACTED if equals and is_secret_name(name) else part)
    return "&".join(parts)


def redact(text: str) -> str:
    """``text`` (a URL, query string or request line) with secret query values replaced."""
    head, mark, rest = text.partition("?")
    if not mark:
        head, rest = "", text  # a bare query string (gunicorn's ``q`` atom)
    query, space, tail = rest.partition(" ")  # a request line ends with " HTTP/1.1"
    return head + mark + _redact_query(query) + space + tail


class RedactingLogger(Logger):
    """Gunicorn's logger, with every access-log atom that can carry a secret redacted."""

    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        for name, value in atoms.items():
            if isinstance(value, str) and "=" in value:
                atoms[name] = redact(value)
        for name in _SECRET_HEADERS:
            if atoms.get(name):
                atoms[name] = REDACTED
        return atoms
