"""The OpenAPI 3.1 description of /api/v1 (items for partners, articles for the newsroom)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from workflow.vocabulary import LANGUAGES

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")
csrf_exempt = True

LANGS = list(LANGUAGES)


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


PARTNER_ERRORS = {
    "400": _error("Malformed cursor or parameter."),
    "401": _error("Missing, unknown or revoked API key."),
    "403": _error("The key's partner may not read this language, or is inactive."),
    "429": _error("Rate limit of the partner's key exceeded."),
}
USER_ERRORS = {"401": _error("Missing or unknown user API key.")}

NINJS_ITEM = {
    "type": "object",
    "description": "An IPTC ninjs 3.1 item (full schema: http://www.iptc.org/std/ninjs/"
                   "ninjs-schema_3.1.json, vendored as web/schemas/ninjs-3.1.json).",
    "required": ["uri", "version", "language", "pubStatus", "headlines", "bodies",
                 "versionCreated", "firstCreated", "descriptions"],
    "properties": {
        "uri": {"type": "string", "examples": ["urn:audarma:item:42:kk"]},
        "version": {"type": "string", "description": "1, 2, … — a correction or kill adds one."},
        "type": {"type": "string", "const": "text"},
        "language": {"type": "string", "enum": LANGS},
        "pubStatus": {"type": "string", "enum": ["usable", "canceled"]},
        "firstCreated": {"type": "string", "format": "date-time"},
        "versionCreated": {"type": "string", "format": "date-time"},
        "embargoedUntil": {"type": "string", "format": "date-time"},
        "headlines": {"type": "array", "items": {"type": "object"}},
        "bodies": {"type": "array", "items": {"type": "object"},
                   "description": "text/html body; correction note and disclosure appended."},
        "by": {"type": "string"},
        "descriptions": {"type": "array", "items": {"type": "object"},
                         "description": "role=disclosure (machine translation route and human "
                                        "review), role=correction on corrected versions."},
        "digitalSourceType": {"type": "object"},
        "associations": {"type": "array", "items": {"type": "object"},
                         "description": "The other language editions of the same article "
                                        "(rel original|translation)."},
    },
}

ARTICLE_IN = {
    "type": "object",
    "required": ["body"],
    "properties": {
        "body": {"type": "string", "description": "The article text, Markdown or HTML."},
        "format": {"type": "string", "enum": ["auto", "text", "markdown", "html"],
                   "default": "text",
                   "description": "auto recognises HTML documents and Markdown; an HTML "
                                  "document sent as text is read as HTML."},
        "title": {"type": "string"},
        "language": {"type": "string", "description": "Source language; detected if absent."},
        "source_url": {"type": "string", "description": "http(s) URL of the original."},
        "external_id": {"type": ["string", "integer"],
                        "description": "Your id; re-posting the same text under it returns the "
                                       "article, a changed text under it updates the article "
                                       "(a wire update: changed sentences are re-translated and "
                                       "the editions go back to review)."},
        "targets": {"oneOf": [{"type": "array", "items": {"type": "string"}},
                              {"type": "string"}],
                    "description": "Target languages (default: the other two)."},
        "priority": {"type": "string", "enum": ["normal", "breaking"], "default": "normal",
                     "description": "On an update, absent means unchanged."},
        "category": {"type": "string", "description": "One of the instance's categories "
                                                      "(case-insensitive)."},
        "subjects": {"oneOf": [{"type": "array", "items": {"type": "string"}},
                               {"type": "string"}],
                     "description": "Subject codes (e.g. medtop:11000000) or their names "
                                    "from the instance's subject list."},
        "keywords": {"oneOf": [{"type": "array", "items": {"type": "string"}},
                               {"type": "string"}], "description": "Free keywords (max 20)."},
        "dateline": {"type": "string", "examples": ["ASTANA. KAZINFORM"]},
        "copyright_holder": {"type": "string", "description": "Overrides the instance default."},
        "copyright_notice": {"type": "string", "description": "Overrides the instance default."},
        "usage_terms": {"type": "string", "description": "Overrides the instance default."},
    },
    "additionalProperties": False,
}

ARTICLE_OUT = {
    "type": "object",
    "required": ["id", "language", "title", "blocks", "segments"],
    "properties": {
        "id": {"type": "integer"},
        "language": {"type": "string"},
        "language_confidence": {"type": "number"},
        "title": {"type": "string"},
        "byline": {"type": ["string", "null"]},
        "blocks": {"type": "array", "items": {
            "type": "object", "properties": {"kind": {"type": "string"},
                                             "text": {"type": "string"}}}},
        "segments": {"type": "integer"},
        "duplicate_of": {"type": ["integer", "null"]},
        "updated": {"type": "boolean", "description": "A wire update changed the article."},
        "revision": {"type": "integer"},
        "priority": {"type": "string"},
        "category": {"type": ["string", "null"]},
        "subjects": {"type": "array", "items": {"type": "string"}},
        "keywords": {"type": "array", "items": {"type": "string"}},
        "dateline": {"type": ["string", "null"]},
        "warnings": {"type": "array", "items": {"type": "string"}},
        "editions": {"type": "array", "items": {"type": "object", "properties": {
            "language": {"type": "string"}, "source": {"type": "boolean"},
            "state": {"type": "string"}, "job_state": {"type": ["string", "null"]},
            "job_id": {"type": ["integer", "null"],
                       "description": "for POST /api/v1/jobs/{job_id}/retry"},
            "progress": {"type": "object", "properties": {"done": {"type": "integer"},
                                                          "total": {"type": "integer"}}}}}},
    },
}


def publishing_paths() -> dict:
    """The publishing desk's API paths, documented beside their views."""
    from web.api_publishing import OPENAPI_PATHS

    return OPENAPI_PATHS


def document(server_url: str = "/") -> dict:
    """The OpenAPI 3.1 document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Audarma API", "version": "1.0.0",
            "description": "Partners pull published editions as ninjs 3.1 items "
                           "(see docs/partners.md); newsroom tools post articles.",
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/api/v1/items": {"get": {
                "operationId": "listItems",
                "summary": "Items created after a cursor: publish, correct and kill events.",
                "description": "Oldest first. Each entry is the version one event created; a "
                               "killed edition appears once with pubStatus canceled. Keep "
                               "`next` and pass it as `since`.",
                "security": [{"bearer": []}, {"keyParam": []}],
                "parameters": [
                    {"name": "language", "in": "query", "required": False,
                     "schema": {"type": "string", "enum": LANGS},
                     "description": "Default: every language the key may read."},
                    {"name": "since", "in": "query", "required": False,
                     "schema": {"type": "string", "maxLength": 64},
                     "description": "Opaque cursor from a previous `next`; absent = start."},
                    {"name": "limit", "in": "query", "required": False,
                     "schema": {"type": "integer", "minimum": 1, "maximum": 200,
                                "default": 50}},
                ],
                "responses": {
                    "200": {"description": "A page of items.", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/ItemsPage"}}}},
                    "422": _error("limit out of range."),
                    **PARTNER_ERRORS,
                },
            }},
            "/api/v1/items/{uri}": {"get": {
                "operationId": "getItem",
                "summary": "The latest visible version of one item.",
                "security": [{"bearer": []}, {"keyParam": []}],
                "parameters": [{"name": "uri", "in": "path", "required": True,
                                "schema": {"type": "string"},
                                "example": "urn:audarma:item:42:kk"}],
                "responses": {
                    "200": {"description": "The item: ninjs, or NewsML-G2 for `<uri>.xml` or "
                                           "`Accept: application/vnd.iptc.g2.newsitem+xml`.",
                            "content": {"application/json": {
                                "schema": {"$ref": "#/components/schemas/NinjsItem"}},
                                "application/vnd.iptc.g2.newsitem+xml": {
                                    "schema": {"type": "string"}}}},
                    "404": _error("No such item (or not in the partner's categories)."),
                    **PARTNER_ERRORS,
                },
            }},
            "/api/v1/articles": {"post": {
                "operationId": "createArticle",
                "summary": "Ingest one article (user key).",
                "description": "201 with the new article and its editions; 200 with "
                               "`duplicate_of` when the same text or external_id came before, "
                               "or with `updated: true` when a changed text came under a known "
                               "external_id. Unknown fields are refused (422 unknown_field).",
                "security": [{"bearer": []}],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ArticleIn"}}}},
                "responses": {
                    "201": {"description": "Created.", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Article"}}}},
                    "200": {"description": "Already there.", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Article"}}}},
                    "400": _error("Body is not a JSON object."),
                    "413": _error("Body larger than the upload limit."),
                    "422": _error("A field is invalid or there is no article text."),
                    **USER_ERRORS,
                },
            }},
            "/api/v1/articles/{article_id}": {"get": {
                "operationId": "getArticle",
                "summary": "One article with its blocks and editions (user key).",
                "security": [{"bearer": []}],
                "parameters": [{"name": "article_id", "in": "path", "required": True,
                                "schema": {"type": "integer", "minimum": 1}}],
                "responses": {
                    "200": {"description": "The article.", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Article"}}}},
                    "404": _error("No such article."),
                    **USER_ERRORS,
                },
            }},
            "/api/v1/articles/{article_id}/cancel": {"post": {
                "operationId": "cancelArticleJobs",
                "summary": "Cancel an article's open translation jobs (user key).",
                "description": "Optional `language` (JSON body, form field or query) limits it "
                               "to one target language.",
                "security": [{"bearer": []}],
                "parameters": [{"name": "article_id", "in": "path", "required": True,
                                "schema": {"type": "integer", "minimum": 1}},
                               {"name": "language", "in": "query", "required": False,
                                "schema": {"type": "string", "enum": LANGS}}],
                "responses": {
                    "200": {"description": "What was cancelled, and every job of the article.",
                            "content": {"application/json": {"schema": {
                                "type": "object", "required": ["article_id", "cancelled", "jobs"],
                                "properties": {
                                    "article_id": {"type": "integer"},
                                    "cancelled": {},
                                    "jobs": {"type": "array", "items": {
                                        "$ref": "#/components/schemas/Job"}}}}}}},
                    "404": _error("No such article."),
                    "409": _error("Nothing to cancel in this state."),
                    "422": _error("language is not kk, ru or en."),
                    **USER_ERRORS,
                },
            }},
            "/api/v1/jobs/{job_id}/retry": {"post": {
                "operationId": "retryJob",
                "summary": "Send a failed or cancelled translation job back to the queue.",
                "security": [{"bearer": []}],
                "parameters": [{"name": "job_id", "in": "path", "required": True,
                                "schema": {"type": "integer", "minimum": 1}}],
                "responses": {
                    "200": {"description": "The job.", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Job"}}}},
                    "404": _error("No such job."),
                    "409": _error("The job is neither failed nor cancelled."),
                    **USER_ERRORS,
                },
            }},
            **publishing_paths(),
            "/api/v1/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This document.", "security": [],
                "responses": {"200": {"description": "OpenAPI 3.1 document.",
                                      "content": {"application/json": {
                                          "schema": {"type": "object"}}}}},
            }},
        },
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "Authorization: Bearer ak_… (partner key for items, "
                                          "user key for articles)."},
                "keyParam": {"type": "apiKey", "in": "query", "name": "key",
                             "description": "?key=ak_… for clients that cannot set headers."},
            },
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {
                    "error": {"type": "object", "required": ["code", "message"], "properties": {
                        "code": {"type": "string"}, "message": {"type": "string"}}}}},
                "NinjsItem": NINJS_ITEM,
                "ItemsPage": {"type": "object", "required": ["items", "next", "has_more"],
                              "properties": {
                                  "items": {"type": "array",
                                            "items": {"$ref": "#/components/schemas/NinjsItem"}},
                                  "next": {"type": "string"},
                                  "has_more": {"type": "boolean"}}},
                "Job": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "language": {"type": "string"},
                    "state": {"type": "string"}, "priority": {"type": "string"},
                    "segments_done": {"type": "integer"}, "segments_total": {"type": "integer"},
                    "attempts": {"type": "integer"}, "error": {"type": ["string", "null"]}}},
                "ArticleIn": ARTICLE_IN,
                "Article": ARTICLE_OUT,
            },
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    """Serve the document (no key needed), with every partner and API route in it."""
    from web.openapi_routes import complete

    return jsonify(complete(document(current_app.config.get("BASE_URL", "/")), current_app,
                            LANGS))
