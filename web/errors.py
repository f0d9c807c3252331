"""Error pages and JSON errors: users see a clear message, never a stack trace."""

from __future__ import annotations

from flask import Flask, jsonify, render_template_string, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

PAGE = """<!doctype html><html lang="{{ current_locale() }}"><head><meta charset="utf-8">
<title>{{ code }} — Audarma</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main class="error"><h1>{{ code }} {{ name }}</h1><p>{{ message }}</p>
<p><a href="/">{{ _("Back to the desk") }}</a></p></main></body></html>"""


def wants_json() -> bool:
    """True for API and feed paths, and for clients that prefer JSON."""
    if request.path.startswith(("/api/", "/healthz")):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes[
        "text/html"
    ]


def error_response(status: int, code: str, message: str, **extra: object):
    """One error shape for the whole API: ``{"error": {"code", "message", ...}}``."""
    body = {"error": {"code": code, "message": message, **extra}}
    return jsonify(body), status


def init_app(app: Flask) -> None:
    """Register handlers so every error renders as a page or JSON, never a traceback."""

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        if wants_json():
            return error_response(exc.code or 500, code, exc.description or exc.name)
        html = render_template_string(
            PAGE, code=exc.code, name=exc.name, message=exc.description
        )
        return html, exc.code or 500

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        message = _("Something went wrong on our side. The error was logged; please try again.")
        if wants_json():
            return error_response(500, "internal_error", message)
        return render_template_string(PAGE, code=500, name=_("Server error"), message=message), 500
