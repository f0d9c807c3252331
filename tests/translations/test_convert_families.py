"""``models convert`` on tiny random Marian (OPUS-MT) and T5 (MADLAD-400) models saved locally:
converted by the real command, installed, and a translation job run through the real engine."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sentencepiece
from sqlalchemy import select

from translations.convert import front_matter_licence
from translations.engine import ArgosEngine, decode_pieces
from translations.hf_random import SENTENCES, build_random_marian, build_random_t5
from translations.model_input import source_pieces, target_processor
from translations.packages import PackageStore, forbids_commercial_use

transformers = pytest.importorskip(
    "transformers", reason="models convert needs the optional extra: transformers<5 and CPU torch"
)
torch = pytest.importorskip("torch", reason="models convert needs the optional extra: CPU torch")

ENGLISH = SENTENCES["en"]


@pytest.fixture(scope="module")
def tiny_marian(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An English → Kazakh/Russian Marian model: >>kaz<< and >>rus<< tokens, one SentencePiece
    model per side (as OPUS-MT ships them), seeded random weights, an Apache-2.0 model card."""
    return build_random_marian(tmp_path_factory.mktemp("marian") / "opus-mt-tiny-en-trk")


@pytest.fixture(scope="module")
def tiny_t5(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A T5 model with MADLAD-400's <2kk>/<2ru>/<2en> tokens in its SentencePiece model."""
    return build_random_t5(tmp_path_factory.mktemp("t5") / "madlad-tiny")


def _cli(app, *args: str):
    result = app.test_cli_runner().invoke(args=["models", *map(str, args)])
    return result


def _run_job(app, make_article, target: str) -> tuple[list, dict]:
    """Queue one English article into ``target`` and let the real engine translate it."""
    from workflow.jobs import queue as jobs
    from workflow.jobs.run import work_once
    from workflow.models import Article, SegmentTranslation, TranslationJob

    db = app.extensions["audarma.db"]
    article_id = make_article([ENGLISH], app=app)
    with app.app_context():
        with db.transaction() as session:
            jobs.create_jobs(session, session.get(Article, article_id), [target])
        engine = ArgosEngine(PackageStore(Path(app.config["PACKAGES_DIR"])),
                             max_decoding_length=12)
        report = work_once(db, engine, "test-worker")
        assert report.outcome == "done"
        with db.transaction() as session:
            job = session.scalars(select(TranslationJob)).one()
            rows = session.scalars(select(SegmentTranslation)).all()
            return [(r.machine_text, r.machine_route) for r in rows], {"state": job.state}


def _engine_matches_raw_model(store: PackageStore, tokenizer, text: str, source: str,
                              target: str, hf_input: str) -> list[str]:
    """The engine's source tokens are the Hugging Face tokenizer's, and its output is the
    CTranslate2 model's own on them, decoded with the target side's SentencePiece model."""
    import ctranslate2

    info = store.installed()[0]
    processor = sentencepiece.SentencePieceProcessor(
        model_file=str(info.path / "sentencepiece.model"))
    tokens = source_pieces(info, processor, text, source, target)
    assert tokens == tokenizer.convert_ids_to_tokens(tokenizer(hf_input)["input_ids"])
    raw = ctranslate2.Translator(str(info.path / "model")).translate_batch(
        [tokens], beam_size=4, max_decoding_length=12, length_penalty=0.2)[0].hypotheses[0]
    decoder = target_processor(info.path) or processor
    expected = decode_pieces(decoder, raw, {"</s>", "<pad>", *info.source_target_tokens.values()})
    translated = ArgosEngine(store, max_decoding_length=12).translate([text], source, target)
    assert translated[0].text == expected
    return tokens


def test_marian_package_selects_its_target_with_a_token(app, make_article, tiny_marian,
                                                        tmp_path):
    out = tmp_path / "opus.argosmodel"
    converted = _cli(app, "convert", tiny_marian, out, "--languages", "en:kk,ru",
                     "--quantization", "int8")
    installed = _cli(app, "install", out)

    assert converted.exit_code == 0, converted.output
    assert "(marian, licence apache-2.0)" in converted.output
    assert installed.exit_code == 0, installed.output
    store = PackageStore(Path(app.config["PACKAGES_DIR"]))
    info = store.get("translate-en_kk_ru-1_0")
    assert (info.family, info.licence, info.source_model) == (
        "marian", "apache-2.0", "opus-mt-tiny-en-trk")
    assert dict(info.source_target_tokens) == {"kk": ">>kaz<<", "ru": ">>rus<<"}
    assert info.directions() == [("en", "kk"), ("en", "ru")]
    tokenizer = transformers.MarianTokenizer.from_pretrained(tiny_marian)
    to_kazakh = _engine_matches_raw_model(store, tokenizer, ENGLISH[0], "en", "kk",
                                          f">>kaz<< {ENGLISH[0]}")
    to_russian = _engine_matches_raw_model(store, tokenizer, ENGLISH[0], "en", "ru",
                                           f">>rus<< {ENGLISH[0]}")
    assert to_kazakh[0] == ">>kaz<<" and to_russian[0] == ">>rus<<"

    segments, job = _run_job(app, make_article, "kk")
    assert job == {"state": "in_review"}
    assert segments and all(text for text, _ in segments)
    assert {route["label"] for _, route in segments} == {"en→kk via translate-en_kk_ru 1.0"}
    assert segments[0][1]["steps"][0]["licence"] == "apache-2.0"


def test_t5_package_prefixes_the_source_with_the_target(app, make_article, tmp_path):
    tiny_t5, out = tmp_path / "madlad-tiny", tmp_path / "madlad.argosmodel"
    built = _cli(app, "build-random-hf", tiny_t5, "--kind", "madlad", "--licence", "unknown")
    converted = _cli(app, "convert", tiny_t5, out, "--kind", "madlad", "--languages", "kk,ru,en",
                     "--licence", "apache-2.0")
    installed = _cli(app, "install", out)

    assert built.exit_code == 0, built.output
    assert converted.exit_code == 0, converted.output
    assert installed.exit_code == 0, installed.output
    store = PackageStore(Path(app.config["PACKAGES_DIR"]))
    info = store.get("translate-kk_ru_en-1_0")
    assert (info.family, info.licence, info.source_model) == ("madlad", "apache-2.0",
                                                              "madlad-tiny")
    assert dict(info.source_prefix) == {"kk": "<2kk> ", "ru": "<2ru> ", "en": "<2en> "}
    assert not info.target_tokens  # nothing forced on the decoder
    tokenizer = transformers.T5Tokenizer.from_pretrained(tiny_t5, legacy=True)
    tokens = _engine_matches_raw_model(store, tokenizer, ENGLISH[0], "en", "kk",
                                       f"<2kk> {ENGLISH[0]}")
    assert "<2kk>" in tokens[:2]

    segments, job = _run_job(app, make_article, "kk")
    assert job == {"state": "in_review"}
    assert all(text for text, _ in segments)
    assert {route["label"] for _, route in segments} == {"en→kk via translate-kk_ru_en 1.0"}


def test_convert_nllb_is_an_alias_and_refusals_say_why(app, tiny_marian, tiny_t5, tmp_path):
    both_ways = _cli(app, "convert-nllb", tiny_marian, tmp_path / "a.argosmodel",
                     "--languages", "kk,ru,en")
    no_token = _cli(app, "convert", tiny_marian, tmp_path / "b.argosmodel",
                    "--languages", "en:kk,tr")
    wrong_kind = _cli(app, "convert", tiny_t5, tmp_path / "c.argosmodel", "--kind", "marian")
    no_prefix = _cli(app, "convert", tiny_t5, tmp_path / "d.argosmodel", "--languages", "kk,tr")

    assert both_ways.exit_code == 1
    assert "a Marian model translates one way" in both_ways.output
    assert "no target token for 'tr'" in no_token.output
    assert "--kind marian does not match its architecture 't5'" in wrong_kind.output
    assert "no single <2tr> token" in no_prefix.output
    assert not list(tmp_path.glob("*.argosmodel"))
    assert "Traceback" not in both_ways.output + no_token.output + no_prefix.output


def test_licence_without_a_card_is_unknown_and_a_card_is_read(tiny_marian, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(tiny_marian, copy)
    card = (copy / "README.md").read_text().replace("license: apache-2.0", "license: cc-by-nc-4.0")
    (copy / "README.md").write_text(card)

    assert front_matter_licence((copy / "README.md").read_text()) == "cc-by-nc-4.0"
    assert front_matter_licence("# no front matter\nlicense: mit\n") is None
    assert front_matter_licence("---\nlicense: other\nlicense_name: llama2\n---\n") == "llama2"
    assert forbids_commercial_use("cc-by-nc-4.0") and forbids_commercial_use("CC BY-NC-SA 4.0")
    assert not forbids_commercial_use("apache-2.0") and not forbids_commercial_use(None)
    assert not forbids_commercial_use("cc-by-4.0") and not forbids_commercial_use("unknown")
