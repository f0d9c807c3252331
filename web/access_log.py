"""Gunicorn access log without secrets: ``?key=`` values and Authorization headers are redacted.

Feeds accept a partner key as ``?key=`` (for feed readers that cannot send headers), and
gunicorn's default access line logs the whole request line. Procfile and ``audarma run`` start
gunicorn with ``--logger-class web.access_log.RedactingLogger``.
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

REDACTED = "[redacted]"
_KEY_PARAM = re.compile(r"(?i)(^|[?&;])((?:key|api_key|token|password)=)[^&;\s\"]*")
_SECRET_HEADERS = ("{authorization}i", "{cookie}i", "{set-cookie}o", "{http_authorization}e",
                   "{http_cookie}e")


def redact(text: str) -> str:
    """``text`` (a URL, query string or request line) with secret query values replaced."""
    return _KEY_PARAM.sub(lambda m: m.group(1) + m.group(2) + REDACTED, text)


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
