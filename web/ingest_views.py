"""Dashboard ways in: the "New article" form with a structure preview, file upload, the article
page with live job progress, and source edits."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from web.auth import db_session, permission_required
from web.boundary import commit, on_refusal
from web.ingest_refusals import refusal, refusal_text, size_text
from workflow.errors import DomainError
from workflow.ingest.service import ingest_body, ingest_upload, parse_body, preview
from workflow.ingest.source_edit import update_source
from workflow.ingest.source_text import article_markdown
from workflow.metadata import clean_metadata, vocabulary
from workflow.models import Article, TranslationJob
from workflow.permissions import Action
from workflow.vocabulary import LANGUAGES, OPEN_JOB_STATES

bp = Blueprint("ingest", __name__)



class ArticleOptions(FlaskForm):
    """Language and priority (validated by the ingest service, which explains its refusals)."""

    language = StringField("Language", default="auto", validators=[Length(max=16)])
    priority = StringField("Priority", default="normal", validators=[Length(max=16)])
    category = StringField("Category", validators=[Optional(), Length(max=100)])
    subjects = SelectMultipleField("Subjects", validate_choice=False)
    keywords = StringField("Keywords", validators=[Optional(), Length(max=2000)])
    dateline = StringField("Dateline", validators=[Optional(), Length(max=200)])
    copyright_holder = StringField("Copyright holder", validators=[Optional(), Length(max=1000)])
    usage_terms = StringField("Usage terms", validators=[Optional(), Length(max=1000)])


def _targets() -> list[str]:
    """Ticked target languages; none ticked means the default (every other language)."""
    if request.method != "POST":
        return list(LANGUAGES)
    try:
        return request.form.getlist("targets")
    except RequestEntityTooLarge:
        return list(LANGUAGES)


class NewArticleForm(ArticleOptions):
    """Headline and body, pasted as plain text or Markdown."""

    title = StringField("Headline", validators=[Optional(), Length(max=300)])
    format = StringField("Format", default="auto", validators=[Length(max=16)])
    body = TextAreaField("Article text")


class UploadForm(ArticleOptions):
    """One file: .txt, .md, .html or .docx."""

    file = FileField("File")


class SourceForm(FlaskForm):
    """The source text as Markdown."""

    body = TextAreaField("Source (Markdown)")


def _options(form: ArticleOptions) -> dict:
    """The ingest options the form carries; metadata is validated here by the workflow."""
    metadata = clean_metadata(category=form.category.data or None,
                              subjects=form.subjects.data or None,
                              keywords=form.keywords.data or None,
                              dateline=form.dateline.data or None,
                              copyright_holder=form.copyright_holder.data or None,
                              usage_terms=form.usage_terms.data or None)
    return {"language": form.language.data, "targets": _targets(),
            "priority": form.priority.data or "normal", "user_id": current_user.id,
            "metadata": metadata}


def _page(form: NewArticleForm, upload: UploadForm, *, error: DomainError | None = None,
          duplicate: Article | None = None, status: int = 200):
    return render_template("ingest/new.html", form=form, upload=upload,
                           error=refusal(error) if error else None, duplicate=duplicate,
                           targets=_targets(), vocabulary=vocabulary(), **_limits()), status


def _limits() -> dict:
    """The size limit the form states and its script checks before sending."""
    limit = current_app.config["MAX_ARTICLE_BYTES"]
    return {"max_bytes": limit, "max_size": size_text(limit)}


def _too_large() -> DomainError:
    return DomainError(_("The text is larger than the %(size)s limit. Shorten it or split the "
                         "story, then send it again.", size=_limits()["max_size"]),
                       code="too_large")


# An over-limit paste is still read (up to this many times the limit) so that the answer is the
# form with the person's text in it, not a bare 413; beyond it the request is refused unread.
OVERSIZE_READ_FACTOR = 4


def _read_oversize_paste() -> None:
    """Let a signed-in editor's too-large paste through to the view, which answers with the
    normal page, the limit and the text kept (the view itself never ingests it)."""
    if request.endpoint not in ("ingest.new_article", "ingest.preview_article") \
            or request.method != "POST":
        return
    if not (current_user.is_authenticated and current_user.has_role("editor")):
        return
    ceiling = current_app.config["MAX_CONTENT_LENGTH"]  # a form field may be as large as that
    if request.endpoint == "ingest.new_article":
        ceiling *= OVERSIZE_READ_FACTOR
    request.max_content_length = ceiling
    request.max_form_memory_size = ceiling


# First of the app's before-request functions: CSRF protection reads the form before any
# blueprint's own hook would run.
bp.record_once(lambda state: state.app.before_request_funcs.setdefault(None, []).insert(
    0, _read_oversize_paste))


def _oversize() -> bool:
    return (request.content_length or 0) > current_app.config["MAX_CONTENT_LENGTH"]


def _finish(result):
    """Commit (the jobs' wake-ups follow), and go to the article (or say it is a duplicate)."""
    commit()
    if result.is_duplicate:
        return None
    flash(_("Article saved; translation into %(n)d language(s) queued.", n=len(result.jobs)),
          "success")
    return redirect(url_for("ingest.article", article_id=result.article.id))


@bp.route("/articles/new", methods=["GET", "POST"])
@permission_required(Action.INGEST)
def new_article():
    """Paste an article (plain text or Markdown); see its structure; save it."""
    try:
        form, upload = NewArticleForm(), UploadForm(formdata=None)
    except RequestEntityTooLarge:  # beyond even the oversize ceiling: the text never arrived
        return _page(NewArticleForm(formdata=None), UploadForm(formdata=None),
                     error=_too_large(), status=413)
    if request.method == "POST" and _oversize():
        return _page(form, upload, error=_too_large(), status=413)
    if request.method == "GET" or not form.validate_on_submit():
        if request.method == "POST":
            return _page(form, upload, error=DomainError(_("Please check the form.")), status=422)
        return _page(form, upload)
    on_refusal(lambda exc: _page(form, upload, error=exc, status=exc.status))
    result = ingest_body(db_session(), form.body.data or "", form.format.data or "text",
                         title=form.title.data or None, source="desk", **_options(form))
    return _finish(result) or _page(form, upload, duplicate=result.article)


@bp.post("/articles/preview")
@permission_required(Action.INGEST)
def preview_article():
    """The structure the pasted text would get (htmx fragment); nothing is stored."""
    form = NewArticleForm()
    on_refusal(lambda exc: render_template("ingest/_preview.html", error=refusal(exc),
                                           shown=None))
    parsed = parse_body(form.body.data or "", form.format.data or "text",
                        title=form.title.data or None)
    shown = preview(parsed, form.language.data)
    if shown["language_error"]:
        problem = shown["language_error"]
        problem["message"] = refusal_text(problem["code"], problem["message"], problem["detail"])
    return render_template("ingest/_preview.html", error=None, shown=shown)


@bp.post("/articles/upload")
@permission_required(Action.INGEST)
def upload_article():
    """Import one uploaded file."""
    form = NewArticleForm(formdata=None)
    try:
        upload = UploadForm()
        valid = upload.validate_on_submit()
    except RequestEntityTooLarge:
        error = DomainError("The file is larger than the upload limit.", code="too_large",
                            reason="file", limit=current_app.config["MAX_ARTICLE_BYTES"])
        return _page(form, UploadForm(formdata=None), error=error, status=413)
    file = upload.file.data
    if not valid or file is None or not getattr(file, "filename", ""):
        error = DomainError(_("Choose a .txt, .md, .html or .docx file."), code="no_file")
        return _page(form, upload, error=error, status=422)
    data = file.read(current_app.config["MAX_ARTICLE_BYTES"] + 1)
    on_refusal(lambda exc: _page(form, upload, error=exc, status=exc.status))
    result = ingest_upload(db_session(), file.filename, data, source="upload",
                           max_bytes=current_app.config["MAX_ARTICLE_BYTES"],
                           **_options(upload))
    return _finish(result) or _page(form, upload, duplicate=result.article)


def _article_or_404(article_id: int) -> Article:
    article = db_session().get(Article, article_id)
    if article is None:
        abort(404, description=_("No such article."))
    return article


def _jobs(article: Article) -> dict[str, TranslationJob]:
    rows = db_session().scalars(select(TranslationJob).where(
        TranslationJob.article_id == article.id))
    return {job.target_language: job for job in rows}


def _editions_context(article_id: int) -> dict:
    """The article, its jobs by language, and whether the progress table should keep polling."""
    item = _article_or_404(article_id)
    jobs = _jobs(item)
    return {"article": item, "jobs": jobs, "endpoints": current_app.view_functions,
            "live": any(j.state in OPEN_JOB_STATES for j in jobs.values())}


@bp.get("/articles/<int:article_id>")
@permission_required(Action.VIEW)
def article(article_id: int):
    """Blocks, segments and every edition with its job's state and progress."""
    return render_template("ingest/article.html", **_editions_context(article_id))


@bp.get("/articles/<int:article_id>/progress")
@permission_required(Action.VIEW)
def progress(article_id: int):
    """The editions table alone, polled by htmx while jobs are open."""
    return render_template("ingest/_progress.html", **_editions_context(article_id))


@bp.route("/articles/<int:article_id>/source", methods=["GET", "POST"])
@permission_required(Action.EDIT_SOURCE)
def edit_source(article_id: int):
    """Change the source text; only changed sentences are translated again."""
    item = _article_or_404(article_id)
    form = SourceForm()
    if request.method == "GET":
        form.body.data = article_markdown(item)
        return render_template("ingest/source.html", article=item, form=form, error=None)
    if not form.validate_on_submit():
        error = {"code": "invalid", "message": _("Please check the form.")}
        return render_template("ingest/source.html", article=item, form=form, error=error), 422
    on_refusal(lambda exc: (render_template("ingest/source.html", article=item, form=form,
                                            error=refusal(exc)), exc.status))
    result = update_source(db_session(), item.id, form.body.data or "", current_user.id,
                           fmt="markdown")
    commit()
    flash(_("Source saved: %(kept)d sentence(s) unchanged, %(added)d new or changed, "
            "%(retired)d removed; %(flagged)d edited translation(s) marked for review.",
            kept=result.kept, added=result.added, retired=result.retired,
            flagged=result.source_changed), "success")
    return redirect(url_for("ingest.article", article_id=item.id))
