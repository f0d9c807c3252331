"""``audarma articles import/show`` and ``audarma users token``."""

from __future__ import annotations

import json

from tests.ingest_service.conftest import EN_TEXT, FIXTURES, RU_TEXT


def test_import_json_lines_with_a_failure_and_show(app, tmp_path, counts):
    good = tmp_path / "good.txt"
    good.write_text(EN_TEXT, encoding="utf-8")
    ru = tmp_path / "ru.md"
    ru.write_text("# " + RU_TEXT, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("   ", encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["articles", "import", str(good), str(empty), str(ru),
                                 str(FIXTURES / "seed_shaped.txt"), str(good),
                                 "--targets", "kk,ru,en", "--json"])
    assert result.exit_code == 1, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert len(lines) == 5
    first, failed, russian, seed, duplicate = lines
    assert set(first) == {"id", "language", "language_confidence", "title", "byline", "blocks",
                          "segments", "duplicate_of", "revision", "priority", "category",
                          "subjects", "keywords", "dateline"}
    assert first["language"] == "en" and first["duplicate_of"] is None
    assert failed == {"file": str(empty), "error": {
        "code": "empty", "reason": "whitespace", "filename": failed["error"]["filename"],
        "message": failed["error"]["message"]}}
    assert russian["language"] == "ru"
    assert seed["byline"] == "Aigerim Example" and seed["blocks"][-1]["kind"] == "byline"
    assert duplicate["duplicate_of"] == first["id"]
    assert counts()["Article"] == 3 and counts()["TranslationJob"] == 6

    shown = runner.invoke(args=["articles", "show", str(first["id"]), "--json"])
    data = json.loads(shown.output)
    assert data["id"] == first["id"]
    assert sorted(e["language"] for e in data["editions"]) == ["en", "kk", "ru"]
    assert all(set(e["progress"]) == {"done", "total"} for e in data["editions"])
    text = runner.invoke(args=["articles", "show", str(first["id"])])
    assert "City Council Approves New Tram Line" in text.output
    assert runner.invoke(args=["articles", "show", "999"]).exit_code != 0


def test_import_succeeds_with_exit_0_and_language_option(app, tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(EN_TEXT, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["articles", "import", str(story),
                                                "--language", "ru", "--targets", "en"])
    assert result.exit_code == 0 and "imported as #1 (ru" in result.output
    bad = app.test_cli_runner().invoke(args=["articles", "import", str(story), "--targets", "xx",
                                             "--json"])
    assert bad.exit_code == 1 and json.loads(bad.output)["error"]["code"] in (
        "unknown_target",)


def test_users_token_prints_a_working_key_once(app, make_user):
    make_user("editor", email="desk@example.test")
    result = app.test_cli_runner().invoke(args=["users", "token", "desk@example.test"])
    secret = result.output.strip()
    assert result.exit_code == 0 and secret.startswith("ak_")
    response = app.test_client().post("/api/v1/articles", json={"body": EN_TEXT},
                                      headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 201
    assert app.test_cli_runner().invoke(args=["users", "token", "nobody@x.test"]).exit_code != 0


def test_first_start_imports_the_demo_article_through_the_service(make_app):
    from web.commands.bootstrap import bootstrap
    from workflow.models import Article

    app = make_app(SCHEMA="none")
    bootstrap(app, demo=True)
    bootstrap(app, demo=True)  # a second start imports nothing more
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        articles = session.query(Article).all()
        assert len(articles) == 1 and articles[0].source_language == "en"
        assert articles[0].byline and len(articles[0].editions) == 3
