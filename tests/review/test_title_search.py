"""The dashboard's title search ignores case in Kazakh and Russian too, on SQLite as well."""

from __future__ import annotations

from sqlalchemy import select

from workflow.desk import DeskFilters, list_articles
from workflow.ingest.service import ingest_markdown
from workflow.ingest.source_edit import update_source
from workflow.models import Article


def _titles(session, q: str) -> list[str]:
    return [a.title for a in list_articles(session, DeskFilters(q=q)).articles]


def test_search_folds_cyrillic_case_on_the_ingest_path_and_after_a_source_edit(db):
    with db.transaction() as session:
        kk = ingest_markdown(session, "# АЛМАТЫДА ЖАҢА ТРАМВАЙ\n\nҚалада жаңа желі ашылды.",
                             source="test").article.id
        ingest_markdown(session, "# Бюджет Москвы\n\nДепутаты приняли бюджет.", source="test")
    with db.transaction() as session:
        assert _titles(session, "алматыда") == ["АЛМАТЫДА ЖАҢА ТРАМВАЙ"]
        assert _titles(session, "Жаңа") == ["АЛМАТЫДА ЖАҢА ТРАМВАЙ"]  # Kazakh letters as well
        assert _titles(session, "МОСКВЫ") == ["Бюджет Москвы"]
        assert _titles(session, "50%_") == []  # LIKE wildcards are searched for, not obeyed
        update_source(session, kk, "# Шымкентте көпір салынды\n\nҚалада жаңа көпір ашылды.")
    with db.transaction() as session:
        assert _titles(session, "ШЫМКЕНТТЕ") == ["Шымкентте көпір салынды"]
        assert _titles(session, "алматыда") == []
        folded = session.scalar(select(Article.title_folded).where(Article.id == kk))
        assert folded == "шымкентте көпір салынды"
