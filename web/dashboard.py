"""The desk's front page: articles newest first with one status cell per language."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from web.auth import db_session, role_required
from workflow.models import Article, TranslationJob

bp = Blueprint("dashboard", __name__)
PAGE_SIZE = 25


@bp.get("/")
@role_required()
def index():
    """Articles newest first, with each language edition's state and job progress."""
    session = db_session()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    query = select(Article).order_by(Article.created_at.desc(), Article.id.desc())
    total = session.scalar(select(func.count()).select_from(Article))
    articles = session.scalars(
        query.options(selectinload(Article.editions))
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    ids = [a.id for a in articles]
    jobs = {}
    if ids:
        for job in session.scalars(select(TranslationJob).where(TranslationJob.article_id.in_(ids))):
            jobs[(job.article_id, job.target_language)] = job
    return render_template("dashboard/index.html", articles=articles, jobs=jobs, page=page,
                           pages=max(1, -(-total // PAGE_SIZE)), languages=("kk", "ru", "en"))
