"""The ninjs items API for machine partners: an event stream with an opaque cursor, and items."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, jsonify, request

from web.auth import db_session
from web.partner_access import partner_pull
from workflow.errors import Forbidden, InvalidInput
from workflow.partners.cursors import cursor_key
from workflow.publishing import newsml
from workflow.publishing.ninjs import MAX_LIMIT, decode_cursor, find_item, get_item, items_page

bp = Blueprint("api_items", __name__, url_prefix="/api/v1")
csrf_exempt = True
DEFAULT_LIMIT = 50


def _limit() -> int:
    raw = request.args.get("limit", str(DEFAULT_LIMIT))
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_LIMIT:
        raise InvalidInput(f"limit must be a whole number from 1 to {MAX_LIMIT}.",
                           code="bad_limit")
    return int(raw)


def _languages() -> list[str]:
    raw = request.args.get("language")
    if raw is None:
        return g.reader.languages
    if raw not in g.reader.languages:
        raise Forbidden(f"Your key may not read {raw!r}.", code="language_not_allowed")
    return [raw]


@bp.get("/items")
@partner_pull
def list_items():
    """Items created after ``since`` (publish, correct, kill), oldest first; ``next`` to resume."""
    key = cursor_key(current_app.config["SECRET_KEY"])
    page = items_page(db_session(), _languages(), decode_cursor(request.args.get("since"), key),
                      _limit(), g.reader.categories, cursor_key=key, scope=g.reader.languages,
                      provenance=g.reader.provenance)
    body = {"items": page.items, "next": page.next_cursor, "has_more": page.has_more}
    return jsonify(body), 200, len(page.items)


@bp.get("/items/<path:uri>")
@partner_pull
def show_item(uri: str):
    """The latest visible version of one item (usable, or canceled after a kill); as NewsML-G2
    for ``<uri>.xml`` or ``Accept: application/vnd.iptc.g2.newsitem+xml``, else ninjs."""
    as_newsml = uri.endswith(".xml") or request.accept_mimetypes.best == newsml.MEDIA_TYPE
    uri = uri.removesuffix(".xml")
    if as_newsml:
        found = find_item(db_session(), uri, g.reader.languages, g.reader.categories)
        return Response(newsml.news_item(*found), mimetype=newsml.MEDIA_TYPE), 200, 1
    item = get_item(db_session(), uri, g.reader.languages, g.reader.categories,
                    provenance=g.reader.provenance)
    return jsonify(item), 200, 1
