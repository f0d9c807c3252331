"""The routes part of the OpenAPI document, generated from the app's URL map.

Every ``/api/v1`` and ``/feeds`` route is described: an operation written by hand in
``web.openapi`` (with its schemas) is kept as it is; any other gets an operation built from the
route itself — path parameters from its converters, the summary from the view's docstring, the
key it needs from its ``api_key_required`` decorator — so a new endpoint is never undocumented.
"""

from __future__ import annotations

import re

from flask import Flask
from werkzeug.routing import Rule
from werkzeug.routing.converters import AnyConverter, NumberConverter

PARTNER_PREFIXES = ("/api/v1", "/feeds")
_VARIABLE = re.compile(r"<(?:[^:<>]+:)?(\w+)>")
FEED_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml",
              "json": "application/feed+json"}


def openapi_path(rule: Rule) -> str:
    """``/feeds/<language>.<fmt>`` → ``/feeds/{language}.{fmt}``."""
    return _VARIABLE.sub(r"{\1}", rule.rule)


def _parameter(rule: Rule, name: str, languages: list[str]) -> dict:
    converter = rule._converters.get(name)  # noqa: SLF001 - werkzeug keeps no public accessor
    schema: dict = {"type": "string"}
    if isinstance(converter, NumberConverter):
        schema = {"type": "integer", "minimum": 1}
    elif isinstance(converter, AnyConverter):
        schema = {"type": "string", "enum": sorted(converter.items)}
    elif name == "language":
        schema = {"type": "string", "enum": languages}
    elif name == "fmt":
        schema = {"type": "string", "enum": sorted(FEED_TYPES)}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _operation(app: Flask, rule: Rule, method: str, languages: list[str]) -> dict:
    view = app.view_functions[rule.endpoint]
    summary = ((view.__doc__ or "").strip().splitlines() or [rule.endpoint])[0]
    kind = getattr(view, "api_key_kind", None)
    security = ([{"bearer": []}, {"keyParam": []}] if kind == "partner" or
                rule.rule.startswith("/feeds") else [{"bearer": []}] if kind else [])
    ok: dict = {"description": "OK."}
    if rule.rule.startswith("/feeds"):
        ok["content"] = {media: {"schema": {"type": "string"}} for media in FEED_TYPES.values()}
        ok["headers"] = {"ETag": {"schema": {"type": "string"}}}
    responses: dict = {"200": ok}
    if security:
        responses["401"] = {"description": "Missing, unknown or revoked API key.",
                            "content": {"application/json": {"schema": {
                                "$ref": "#/components/schemas/Error"}}}}
    if rule.arguments:
        responses["404"] = {"description": "Not found.", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Error"}}}}
    operation = {"operationId": rule.endpoint.replace(".", "_"), "summary": summary,
                 "security": security, "responses": responses}
    parameters = [_parameter(rule, name, languages) for name in sorted(rule.arguments)]
    if parameters:
        operation["parameters"] = parameters
    if method == "post":
        operation["requestBody"] = {"content": {"*/*": {"schema": {}}}}
    return operation


def complete(document: dict, app: Flask, languages: list[str]) -> dict:
    """Add an operation for every partner or API route the hand-written paths leave out."""
    paths = document.setdefault("paths", {})
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(PARTNER_PREFIXES):
            continue
        path = openapi_path(rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            operations = paths.setdefault(path, {})
            operations.setdefault(method.lower(), _operation(app, rule, method.lower(),
                                                             languages))
    return document
