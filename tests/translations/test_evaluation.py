"""``audarma models evaluate``: every route scored with sacreBLEU, stored, shown on Metrics."""

from __future__ import annotations

import json

import pytest

from translations.errors import NoRoute
from translations.evaluation import evaluate, load_sentences, score

LINES = {
    "eng_Latn": ["The summit opened in Astana on Monday.", "Trade grew by ten percent.",
                 "Officials praised the talks."],
    "kaz_Cyrl": ["Саммит дүйсенбі күні Астанада ашылды.", "Сауда он пайызға өсті.",
                 "Ресми тұлғалар келіссөздерді жоғары бағалады."],
    "rus_Cyrl": ["Саммит открылся в Астане в понедельник.", "Торговля выросла на десять "
                 "процентов.", "Официальные лица высоко оценили переговоры."],
}


@pytest.fixture
def flores(tmp_path):
    folder = tmp_path / "flores-shaped"
    folder.mkdir()
    for suffix, lines in LINES.items():
        (folder / f"devtest.{suffix}").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_a_perfect_translation_scores_100_and_a_wrong_one_low():
    assert score(LINES["kaz_Cyrl"], LINES["kaz_Cyrl"]) == (100.0, 100.0)
    chrf, bleu = score(LINES["rus_Cyrl"], LINES["kaz_Cyrl"])
    assert chrf < 30 and bleu < 10


def test_every_direction_with_a_route_is_scored(flores):
    sentences = load_sentences(flores)
    assert set(sentences) == {"en", "kk", "ru"} and len(sentences["en"]) == 3

    def translate(texts, source, target):
        if (source, target) == ("kk", "ru"):
            raise NoRoute(source, target)
        return list(sentences[target]), f"{source}→{target} via test"

    scores = {(s.source, s.target): s for s in evaluate(translate, sentences)}
    assert len(scores) == 5 and ("kk", "ru") not in scores
    assert scores[("en", "kk")].chrf == 100.0 and scores[("en", "kk")].sentences == 3


def test_models_evaluate_end_to_end_on_a_random_model(make_app, install_models, flores):
    app = make_app(SCHEMA="migrate")
    install_models("multi", app=app)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["models", "evaluate", "--data", str(flores), "--pairs",
                                 "en-kk,kk-ru", "--limit", "2"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["direction", "chrF++", "BLEU"]
    assert [line.split()[0] for line in lines[1:]] == ["en→kk", "kk→ru"]
    as_json = json.loads(runner.invoke(args=["models", "evaluate", "--data", str(flores),
                                             "--pairs", "ru-en", "--json"]).output)
    assert as_json[0]["sentences"] == 3 and 0 <= as_json[0]["chrf"] <= 100
    assert "via" in as_json[0]["route"]

    from workflow.evaluations import latest

    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        stored = latest(session)
    assert {(row.source_language, row.target_language) for row in stored} == {
        ("en", "kk"), ("kk", "ru"), ("ru", "en")}

    from workflow.users import create_user

    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        create_user(session, "metrics@eval.test", "password123", ["editor"])
    client = app.test_client()
    client.post("/login", data={"email": "metrics@eval.test", "password": "password123"})
    page = client.get("/metrics").get_data(as_text=True)
    assert "Automatic scores on reference translations" in page and "kk→ru" in page


def test_a_folder_without_aligned_files_is_refused_cleanly(make_app, tmp_path):
    app = make_app(SCHEMA="migrate")
    (tmp_path / "devtest.eng_Latn").write_text("one\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["models", "evaluate", "--data", str(tmp_path)])
    assert result.exit_code != 0 and "need aligned devtest" in result.output
