"""Error pages and JSON errors: users see a clear message, never a stack trace."""

from __future__ import annotations

from flask import Flask, jsonify, render_template_string, request
from flask_babel import gettext as _
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

PAGE = """<!doctype html><html lang="{{ current_locale() }}"><head><meta charset="utf-8">
<title>{{ code }} — Audarma</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main class="error"><h1>{{ code }} {{ name }}</h1><p>{{ message }}</p>
<p><a href="/">{{ _("Back to the desk") }}</a></p></main></body></html>"""


# Shown while the database is away: plain text, because translating it would need the signed-in
# user's locale, which needs the database.
UNAVAILABLE = ("The database is briefly unavailable (restart or failover). "
               "Please try again in a few seconds.")
UNAVAILABLE_PAGE = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                    "<title>503 — Audarma</title><link rel=\"stylesheet\" href=\"/static/app.css\">"
                    "</head><body><main class=\"error\"><h1>503 Service unavailable</h1>"
                    f"<p>{UNAVAILABLE}</p></main></body></html>")
RETRY_AFTER_SECONDS = 5


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

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database_unavailable(exc: Exception):
        """The database is down or restarting: 503 with Retry-After instead of a 500."""
        app.logger.warning("database unavailable on %s %s: %s", request.method, request.path,
                           str(exc).splitlines()[0][:300])
        try:
            app.extensions["audarma.db"].session.rollback()
        except Exception:  # the connection is gone; teardown discards the session anyway
            pass
        if wants_json():
            response, status = error_response(503, "service_unavailable", UNAVAILABLE)
        else:
            response, status = app.response_class(UNAVAILABLE_PAGE, mimetype="text/html"), 503
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response, status

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        message = _("Something went wrong on our side. The error was logged; please try again.")
        if wants_json():
            return error_response(500, "internal_error", message)
        return render_template_string(PAGE, code=500, name=_("Server error"), message=message), 500
