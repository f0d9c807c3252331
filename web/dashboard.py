"""The desk's front page: articles newest first with a status cell per language, and "my work"."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_translations
from flask_babel import gettext as _
from flask_login import current_user

from translations.checks import CHECK_KINDS, SEVERITY_LABELS
from web.auth import db_session, permission_required
from web.boundary import commit
from workflow import desk, review
from workflow.db import as_id
from workflow.permissions import Action
from workflow.vocabulary import EDITION_STATES

bp = Blueprint("dashboard", __name__)


def _filters() -> desk.DeskFilters:
    args = request.args
    return desk.DeskFilters(state=args.get("state", ""), language=args.get("language", ""),
                            assignee=args.get("assignee", ""), priority=args.get("priority", ""),
                            q=args.get("q", "")[:200], page=args.get("page", 1, type=int) or 1)


def _desk_context(*, with_translators: bool) -> dict:
    filters = _filters()
    result = desk.list_articles(db_session(), filters, current_user.id,
                                with_translators=with_translators)
    return {"desk": result, "filters": filters, "people": result.translators,
            "query": {k: v for k, v in request.args.items() if k != "page" and v},
            "labels": _labels()}


@bp.get("/")
@permission_required(Action.VIEW)
def index():
    """Articles newest first, filtered, with each edition's state, progress and reviewer."""
    return render_template("dashboard/index.html", **_desk_context(with_translators=True))


@bp.get("/desk/matrix")
@permission_required(Action.VIEW)
def matrix():
    """The status matrix alone, polled every 2 s by htmx while something is translating (it
    has no filter form, so no translators list)."""
    return render_template("dashboard/_matrix.html", **_desk_context(with_translators=False))


@bp.get("/my-work")
@permission_required(Action.MY_WORK)
def my_work():
    """Editions in the translator's languages: assigned to them or free to take."""
    editions = desk.my_work(db_session(), current_user.id)
    return render_template("dashboard/my_work.html", editions=editions)


@bp.post("/editions/<int:edition_id>/take")
@permission_required(Action.TAKE)
def take(edition_id: int):
    """Take a free edition and open it in the editor."""
    session = db_session()
    review.take_edition(session, edition_id, current_user.id)
    commit()
    return redirect(url_for("editor.edition", edition_id=edition_id))


@bp.post("/editions/<int:edition_id>/assign")
@permission_required(Action.ASSIGN)
def assign(edition_id: int):
    """Assign an edition to a translator, or free it."""
    raw = request.form.get("assignee_id", "")
    session = db_session()
    review.assign_edition(session, edition_id, as_id(raw), current_user.id)
    commit()
    flash(_("Assignment saved."), "success")
    return redirect(url_for("editor.edition", edition_id=edition_id))


_LABELS: dict[int, tuple[object, dict[str, str]]] = {}


def _labels() -> dict[str, str]:
    """Every label in the request's interface language, built once per catalogue and process:
    the labels are gettext alone, and ~150 lookups cost ~1 ms a page. Keyed by the catalogue
    object Flask-Babel keeps per app and locale (held here, so its id is never reused)."""
    if not has_request_context():
        return _build_labels()
    cached = g.get("_audarma_labels")
    if cached is None:
        translations = get_translations()
        entry = _LABELS.get(id(translations))
        if entry is None or entry[0] is not translations:
            if len(_LABELS) > 32:  # a test that swaps catalogues per request
                _LABELS.clear()
            entry = _LABELS[id(translations)] = (translations, _build_labels())
        cached = g._audarma_labels = entry[1]
    return cached


def _build_labels() -> dict[str, str]:
    return {
        # edition, job and segment states
        "translating": _("Translating"), "editing": _("Editing"), "submitted": _("Submitted"),
        "approved": _("Approved"), "scheduled": _("Scheduled"), "published": _("Published"),
        "withdrawn": _("Withdrawn"), "cancelled": _("Cancelled"), "queued": _("Queued"),
        "waiting_for_model": _("Waiting for a model"), "in_review": _("In review"),
        "failed": _("Failed"), "pending": _("Pending"), "machine": _("Machine output"),
        "draft": _("Draft"), "confirmed": _("Confirmed"), "source_changed": _("Source changed"),
        # block kinds
        "title": _("Title"), "lead": _("Lead"), "heading": _("Heading"),
        "paragraph": _("Paragraph"), "quote": _("Quote"), "caption": _("Caption"),
        "byline": _("Byline"),
        # post-check codes and severities: one vocabulary, translations/checks.py
        **{code: _(kind.label) for code, kind in CHECK_KINDS.items()},
        **{severity: _(text) for severity, text in SEVERITY_LABELS.items()},
        # priorities and languages
        "breaking": _("Breaking"), "normal": _("Normal"),
        "kk": _("Kazakh"), "ru": _("Russian"), "en": _("English"),
        "kk-Latn": _("Kazakh (Latin)"),
        **_publishing_labels(),
    }


def _publishing_labels() -> dict[str, str]:
    """Versions partners hold, desk actions, roles, categories and audit actions."""
    return {
        # what partners hold of a version (Publication.status)
        "pub_scheduled": _("under embargo"), "pub_releasing": _("going live"),
        "pub_usable": _("live"), "pub_superseded": _("replaced by a newer version"),
        "pub_canceled": _("withdrawn (partners told)"),
        # publishing actions
        "act_publish": _("Publish"), "act_release_now": _("Release now"),
        "act_reschedule": _("Reschedule"), "act_cancel_schedule": _("Cancel the schedule"),
        "act_correct": _("Correct"), "act_kill": _("Withdraw (kill)"),
        "act_reopen": _("Reopen for re-release"),
        # roles
        "translator": _("Translator"), "editor": _("Editor"), "admin": _("Administrator"),
        # categories (workflow.metadata.DEFAULT_CATEGORIES; an instance's own show as named)
        "politics": _("Politics"), "economy": _("Economy"), "society": _("Society"),
        "world": _("World"), "regions": _("Regions"), "sport": _("Sport"),
        "culture": _("Culture"), "science": _("Science"), "health": _("Health"),
        "incidents": _("Incidents"), "technology": _("Technology"),
        # audit trail actions
        "publish": _("published"), "schedule": _("scheduled for publication"),
        "release": _("released at the embargo time"), "release_now": _("released early"),
        "reschedule": _("embargo moved"), "cancel_schedule": _("schedule cancelled"),
        "kill": _("withdrawn"), "reopen_for_correction": _("reopened for correction"),
        "reopen_after_kill": _("reopened after withdrawal"),
        "source_edited": _("source text edited"), "comment.added": _("comment added"),
        "edition.transliterated": _("written in the Latin alphabet from the Kazakh edition"),
        "edition.submitted": _("submitted for approval"), "edition.approved": _("approved"),
        "edition.approve_refused": _("approval refused (own work)"),
        "edition.sent_back": _("sent back to the translator"),
        "edition.taken": _("taken by a translator"), "edition.assigned": _("assigned"),
        "segment.confirmed": _("segment confirmed"), "segment.saved": _("segment saved"),
        "segment.conflict": _("conflicting save kept"),
        # where a segment's machine text came from
        "origin_memory": _("translation memory"), "origin_machine": _("machine translation"),
        "origin_transliteration": _("transliteration"),
    }


CHECK_CODES = (*CHECK_KINDS, *SEVERITY_LABELS)


def label_for(code: str | None) -> str:
    """The interface-language name of a state, block kind, check code or language."""
    return _labels().get(code or "", code or "")


@bp.app_template_filter("label")
def _label_filter(code: str | None) -> str:
    """``{{ codes|map("label") }}``: the same names as ``label(code)``."""
    return label_for(code)


@bp.app_context_processor
def _desk_helpers() -> dict:
    """``label(code)`` for states, kinds and checks; localised dates and numbers."""
    from flask_babel import format_datetime, format_decimal, format_percent

    def when(value, format: str = "short") -> str:  # noqa: A002  (in the viewer's time zone)
        return format_datetime(value, format) if value else ""

    def number(value, *args, **kwargs) -> str:
        # Below 1,000 a count reads the same in kk, ru and en (no grouping, Latin digits), and
        # the desk prints hundreds of them per page (tests/review/test_dashboard.py checks it).
        if type(value) is int and 0 <= value < 1000 and not args and not kwargs:
            return str(value)
        return format_decimal(value, *args, **kwargs)

    return {"label": label_for, "when": when, "number": number, "percent": format_percent,
            "edition_states": EDITION_STATES}
