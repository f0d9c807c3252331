"""Alembic migrations build the schema from empty on SQLite and PostgreSQL, matching the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

import workflow.models  # noqa: F401
from workflow import migrations
from workflow.db import Base


def _assert_matches_models(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            tables = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert diff == [], f"models and migrations disagree: {diff}"
    assert set(Base.metadata.tables) <= tables


def test_sqlite_upgrade_from_empty_matches_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert migrations.current_revision(url) is None
    migrations.upgrade(url)
    assert migrations.current_revision(url) is not None
    _assert_matches_models(url)
    migrations.downgrade(url, "base")
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_postgresql_upgrade_from_empty_matches_models(postgres_url):
    url = postgres_url.replace("postgresql://", "postgresql+psycopg://")
    migrations.upgrade(url)
    _assert_matches_models(url)
    migrations.downgrade(url, "base")
    migrations.upgrade(url)


def test_cli_db_upgrade_on_postgresql(make_app, postgres_url):
    app = make_app(DATABASE_URL=postgres_url.replace("postgresql://", "postgresql+psycopg://"),
                   SCHEMA="none")
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "database at" in result.output


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_0003_folds_the_titles_already_stored(backend, tmp_path, request):
    from sqlalchemy import text

    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        url = request.getfixturevalue("postgres_url").replace("postgresql://",
                                                              "postgresql+psycopg://")
    migrations.upgrade(url, "0002")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            for n, title in enumerate(["АЛМАТЫДА ЖАҢА ТРАМВАЙ", "Budget Of ASTANA"], start=1):
                conn.execute(text(
                    "INSERT INTO articles (id, title, source_language, language_confidence, "
                    "language_overridden, source_format, source_key, content_hash, priority, "
                    "revision, warnings, created_at, updated_at) VALUES (:id, :title, 'kk', 1, "
                    "false, 'text', :key, :hash, 'normal', 1, '[]', :at, :at)"),
                    {"id": n, "title": title, "key": f"k{n}", "hash": "x" * 64,
                     "at": "2026-11-28 09:00:00"})
        migrations.upgrade(url)
        with engine.connect() as conn:
            folded = conn.execute(text("SELECT title_folded FROM articles ORDER BY id")).scalars()
            assert list(folded) == ["алматыда жаңа трамвай", "budget of astana"]
    finally:
        engine.dispose()
        migrations.downgrade(url, "base")
