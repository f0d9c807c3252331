"""Public HTML pages of published editions: what an RSS reader or a partner's editor opens."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request
from flask_babel import force_locale, format_datetime
from markupsafe import Markup

from web.auth import db_session
from workflow.errors import NotFound
from workflow.latin_edition import published_languages
from workflow.publishing.ninjs import body_with_notes
from workflow.publishing.permalinks import path_for, public_page
from workflow.vocabulary import NATIVE_NAMES as LANGUAGE_NAMES
from workflow.vocabulary import base_language

bp = Blueprint("permalinks", __name__)


def public_url(path: str) -> str:
    """An absolute public address: ``AUDARMA_PUBLIC_BASE_URL`` when set, else the desk's."""
    base = current_app.config.get("PUBLIC_BASE_URL") or current_app.config["BASE_URL"]
    return base.rstrip("/") + path


@bp.get("/<language>/<int(fixed_digits=4):year>/<int(fixed_digits=2):month>/<slug_id>")
def item(language: str, year: int, month: int, slug_id: str):
    """The current version of one edition, in the edition's language; 410 after a kill."""
    _slug, _, raw_id = slug_id.rpartition("-")
    if language not in published_languages() or not (raw_id.isascii() and raw_id.isdigit()):
        abort(404)
    if len(raw_id) > 18:
        abort(404)
    try:
        page = public_page(db_session(), language, int(raw_id))
    except NotFound:
        abort(404)
    canonical = path_for(page.publication)
    if request.path != canonical:
        return redirect(canonical, code=301)
    if request.if_none_match.contains(page.etag.strip('"')):
        return "", 304, {"ETag": page.etag}
    with force_locale(base_language(language)):  # kk-Latn: the page's words in Kazakh
        body = render_template("permalinks/item.html", page=page, canonical=public_url(canonical),
                               alternates=[(o.language, public_url(path_for(o)))
                                           for o in page.others],
                               # rendered at publication by workflow.publishing.render (nh3-cleaned)
                               body_html=Markup(body_with_notes(page.publication)),  # noqa: S704
                               names=LANGUAGE_NAMES, format_datetime=format_datetime)
    headers = {"ETag": page.etag, "Cache-Control": "public, max-age=60",
               "Content-Language": language}
    return body, 410 if page.gone else 200, headers
