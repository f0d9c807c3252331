"""The contract every translation engine must meet, run against the real Argos engine on tiny
real packages (random weights, so the text is gibberish, but the path is the product's own)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import ctranslate2
import pytest
import sentencepiece

from translations.engine import ArgosEngine, decode_pieces
from translations.errors import NoRoute
from translations.glossary import Glossary, GlossaryEntry
from translations.memory import InMemoryTranslationMemory
from translations.packages import PackageStore

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = [
    "The president said on Monday that talks will continue.",
    "Water prices in the city rose by 12 percent in 2024.",
    "The minister met people after the election.",
    "A file_name with snake_case words.",
]
LANGUAGE_TOKENS = ("__kk__", "__ru__", "__en__")


def _bare(store: PackageStore, code: str, pieces: list[list[str]], prefix=None) -> list[list[str]]:
    """Raw hypotheses of a direct CTranslate2 call with the engine's settings."""
    info = store.get(code)
    translator = ctranslate2.Translator(
        str(info.path / "model"), compute_type="auto", inter_threads=2, intra_threads=1
    )
    results = translator.translate_batch(
        pieces,
        target_prefix=prefix,
        beam_size=4,
        max_batch_size=math.ceil(len(pieces) / 2),
        max_decoding_length=64,
        length_penalty=0.2,
    )
    return [r.hypotheses[0] for r in results]


def test_direct_route_translates_an_article_in_one_model_call(engine: ArgosEngine) -> None:
    results = engine.translate(ARTICLE, "en", "kk")

    assert len(results) == len(ARTICLE)
    assert all(r.origin == "machine" and r.text for r in results)
    assert all(r.text != source for r, source in zip(results, ARTICLE, strict=True))
    route = results[0].route
    assert route is not None and route.label == "en→kk via translate-en_kk 1.0"
    assert [s.package_code for s in route.steps] == ["translate-en_kk-1_0"]
    assert engine.stats.model_calls == 1
    assert engine.stats.segments_translated == len(ARTICLE)


def test_pivot_chains_two_packages_with_one_batched_call_per_leg(engine: ArgosEngine) -> None:
    russian = ["Президент заявил в понедельник.", "Цена воды 12 рублей.", "Мир и торговля."]

    pivoted = engine.translate(russian, "ru", "kk")

    route = pivoted[0].route
    assert route is not None and route.label.startswith("ru→en→kk via ")
    assert [(s.source, s.target) for s in route.steps] == [("ru", "en"), ("en", "kk")]
    assert engine.stats.model_calls == 2
    english = [t.text for t in engine.translate(russian, "ru", "en")]
    by_hand = [t.text for t in engine.translate(english, "en", "kk")]
    assert [t.text for t in pivoted] == by_hand


def test_multilingual_package_serves_every_direction_by_target_token(
    multi_engine: ArgosEngine, multilingual_store: PackageStore
) -> None:
    source = ["Президент дүйсенбі күні айтты.", "Су бағасы 12 пайызға өсті."]

    to_russian = multi_engine.translate(source, "kk", "ru")
    to_english = multi_engine.translate(source, "kk", "en")

    assert to_russian[0].route.label == "kk→ru via translate-kk_ru_en 1.0"
    assert [t.text for t in to_russian] != [t.text for t in to_english]
    assert multi_engine.stats.models_loaded == 1
    for translation in [*to_russian, *to_english]:
        assert not any(token in translation.text for token in LANGUAGE_TOKENS)
    # The raw model output does carry the target token: the engine is what strips it.
    info = multilingual_store.get("translate-kk_ru_en-1_0")
    processor = sentencepiece.SentencePieceProcessor(
        model_file=str(info.path / "sentencepiece.model")
    )
    pieces = [["__kk__", *processor.encode(s, out_type=str), "</s>"] for s in source]
    raw = _bare(multilingual_store, info.code, pieces, prefix=[["__ru__"]] * len(source))
    assert all(hypothesis[0] == "__ru__" for hypothesis in raw)
    strip = {"__kk__", "__ru__", "__en__", "</s>"}
    assert [decode_pieces(processor, h, strip) for h in raw] == [t.text for t in to_russian]


def test_underscores_in_model_output_are_kept(
    engine: ArgosEngine, bilingual_store: PackageStore
) -> None:
    info = bilingual_store.get("translate-en_kk-1_0")
    processor = sentencepiece.SentencePieceProcessor(
        model_file=str(info.path / "sentencepiece.model")
    )
    raw = _bare(bilingual_store, info.code, [processor.encode(s, out_type=str) for s in ARTICLE])
    with_underscore = [i for i, h in enumerate(raw) if any("_" in piece for piece in h)]
    assert with_underscore, "the seeded model should emit '_' pieces somewhere"

    results = engine.translate(ARTICLE, "en", "kk")

    for i in with_underscore:
        assert "_" in results[i].text
    pieces = processor.encode("snake_case file_name", out_type=str)
    assert decode_pieces(processor, pieces, set()) == "snake_case file_name"


def test_inline_tags_survive_translation(engine: ArgosEngine) -> None:
    source = "The <1>president</1> said <2/> that talks <3>will continue</3>."

    (result,) = engine.translate([source], "en", "kk")

    for tag in ["<1>", "</1>", "<2/>", "<3>", "</3>"]:
        assert result.text.count(tag) == 1
    assert "[X" not in result.text
    lost = [c for c in result.checks if c.code == "tag_lost"]
    assert lost and all(c.severity == "warning" for c in lost)


def test_glossary_terms_are_forced_and_violations_reported(engine: ArgosEngine) -> None:
    glossary = Glossary(
        [
            GlossaryEntry("Toqayev", "Тоқаев", "en", "kk"),
            GlossaryEntry("Abraham Accords", None, "en", "kk"),
            GlossaryEntry("Toqayev", "Токаев", "en", "ru"),
        ]
    )
    source = "Toqayev spoke about the Abraham Accords on Monday."

    (result,) = engine.translate([source], "en", "kk", glossary=glossary)

    assert "Тоқаев" in result.text and "Токаев" not in result.text
    assert "Abraham Accords" in result.text
    assert "Toqayev" not in result.text
    assert {c.code for c in result.checks} >= {"term_lost"}
    (plain,) = engine.translate([source], "en", "kk")
    assert "Тоқаев" not in plain.text and "Abraham Accords" not in plain.text


def test_memory_hit_is_reused_verbatim_without_running_a_model(engine: ArgosEngine) -> None:
    memory = InMemoryTranslationMemory([(ARTICLE[0], "Президент дүйсенбі күні айтты.")])

    results = engine.translate(
        ["  The president said on Monday that talks  will continue. "], "en", "kk", memory=memory
    )

    assert results[0].text == "Президент дүйсенбі күні айтты."
    assert results[0].origin == "memory" and results[0].route is None
    assert engine.stats.model_calls == 0 and engine.stats.memory_hits == 1


def test_one_edited_sentence_is_the_only_one_retranslated(engine: ArgosEngine) -> None:
    first = engine.translate(ARTICLE, "en", "kk")
    memory = InMemoryTranslationMemory(
        (source, t.text) for source, t in zip(ARTICLE, first, strict=True)
    )
    edited = [*ARTICLE]
    edited[1] = "Water prices in the city rose by 15 percent in 2024."
    calls, segments = engine.stats.model_calls, engine.stats.segments_translated

    second = engine.translate(edited, "en", "kk", memory=memory)

    assert engine.stats.model_calls - calls == 1
    assert engine.stats.segments_translated - segments == 1
    assert [t.origin for t in second] == ["memory", "machine", "memory", "memory"]
    assert [t.text for i, t in enumerate(second) if i != 1] == [
        t.text for i, t in enumerate(first) if i != 1
    ]
    (suggestion,) = second[1].memory_suggestions
    assert suggestion.source_text == ARTICLE[1] and suggestion.similarity >= 0.75


def test_missing_model_raises_no_route(engine: ArgosEngine, tmp_path: Path) -> None:
    with pytest.raises(NoRoute) as excinfo:
        engine.translate(["Hello."], "en", "de")
    assert (excinfo.value.source, excinfo.value.target) == ("en", "de")
    with pytest.raises(NoRoute):
        engine.translate(["Сәлем."], "kk", "ru")
    with pytest.raises(NoRoute):
        ArgosEngine(PackageStore(tmp_path / "empty")).translate(["Hello."], "en", "kk")


def test_output_is_deterministic_across_engines_and_processes(
    engine: ArgosEngine, bilingual_store: PackageStore
) -> None:
    here = [t.text for t in engine.translate(ARTICLE, "en", "kk")]
    again = [
        t.text
        for t in ArgosEngine(bilingual_store, max_decoding_length=64).translate(ARTICLE, "en", "kk")
    ]
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from translations.engine import ArgosEngine\n"
        "from translations.packages import PackageStore\n"
        "engine = ArgosEngine(PackageStore(Path(sys.argv[1])), max_decoding_length=64)\n"
        "texts = json.loads(sys.argv[2])\n"
        "print(json.dumps([t.text for t in engine.translate(texts, 'en', 'kk')]))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, str(bilingual_store.directory), json.dumps(ARTICLE)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )

    assert here == again == json.loads(completed.stdout)


def test_latin_kazakh_reaches_the_model_in_cyrillic_and_stays_latin_as_source(
    multi_engine: ArgosEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    run_step = ArgosEngine._run_step

    def spy(self: ArgosEngine, packages, step, texts):  # noqa: ANN001, ANN202
        seen.extend(texts)
        return run_step(self, packages, step, texts)

    monkeypatch.setattr(ArgosEngine, "_run_step", spy)
    texts = ["Būl jaña <1>mektep</1> aşyldy.", "Бұл ескі мектеп.", "Astanada qar jaudy."]
    results = multi_engine.translate(texts, "kk", "en")
    assert seen[:3] == [
        "Бұл жаңа [X1X]мектеп[X2X] ашылды.",
        "Бұл ескі мектеп.",
        "Астанада қар жауды.",
    ]
    assert len(results) == 3 and results[0].text.count("<1>") == 1
