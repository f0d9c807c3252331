"""Confidence per machine segment from real CTranslate2 scores, and the device the engine uses."""

from __future__ import annotations

import logging
import math

import pytest

from translations.confidence import as_probability, is_low, mean_log_prob, pivot_confidence
from translations.device import choose_device, cuda_devices
from translations.engine import ArgosEngine
from translations.memory import InMemoryTranslationMemory

SENTENCES = ["The president said on Monday that talks will continue.",
             "Water prices rose.", "The minister met people after the election in the city."]


def test_confidence_is_the_mean_token_log_probability_ctranslate2_scores(engine: ArgosEngine):
    results = engine.translate(SENTENCES, "en", "kk")
    package = engine.store.get(engine.route("en", "kk").steps[0].package_code)
    model = engine._model(package)  # noqa: SLF001 - the very weights the engine ran
    source = [model.processor.encode(t, out_type=str) for t in SENTENCES]
    best = model.translator.translate_batch(source, beam_size=engine.beam_size,
                                            length_penalty=engine.length_penalty,
                                            max_decoding_length=engine.max_decoding_length)
    scored = model.translator.score_batch(source, [r.hypotheses[0] for r in best])
    for result, hypothesis, score in zip(results, best, scored, strict=True):
        assert result.confidence is not None
        assert -20 < result.confidence < 0  # a random model guesses: far from certain
        tokens = len(hypothesis.hypotheses[0])
        # score_batch scores the end-of-sentence token too, unless decoding was cut at the limit
        log_probs = score.log_probs if tokens < engine.max_decoding_length \
            else score.log_probs[:tokens]
        assert result.confidence == pytest.approx(sum(log_probs) / len(log_probs), abs=0.02)


def test_the_score_does_not_depend_on_the_length_penalty(bilingual_store):
    plain = ArgosEngine(bilingual_store, max_decoding_length=64, length_penalty=0.0, beam_size=1)
    penalised = ArgosEngine(bilingual_store, max_decoding_length=64, length_penalty=1.0,
                            beam_size=1)
    for a, b in zip(plain.translate(SENTENCES, "en", "kk"),
                    penalised.translate(SENTENCES, "en", "kk"), strict=True):
        assert a.text == b.text  # greedy: the penalty only rescales the score
        assert a.confidence == pytest.approx(b.confidence, abs=1e-3)


def test_a_pivot_takes_its_weakest_leg(engine: ArgosEngine):
    russian = ["Цены на воду выросли.", "Президент встретился с министром в понедельник."]
    first = engine.translate(russian, "ru", "en")
    second = engine.translate([r.text for r in first], "en", "kk")
    pivot = engine.translate(russian, "ru", "kk")
    assert len(pivot[0].route.steps) == 2
    for a, b, whole in zip(first, second, pivot, strict=True):
        assert whole.text == b.text
        assert whole.confidence == pytest.approx(min(a.confidence, b.confidence), abs=1e-4)


def test_memory_hits_and_empty_segments_have_no_confidence(engine: ArgosEngine):
    memory = InMemoryTranslationMemory([(SENTENCES[1], "Су бағасы өсті.")])
    results = engine.translate([SENTENCES[0], SENTENCES[1], "  "], "en", "kk", memory=memory)
    assert results[0].confidence is not None
    assert results[1].confidence is None and results[2].confidence is None


def test_confidence_arithmetic():
    # CTranslate2 divides the summed log-probability (-6 over 5 tokens + </s>) by 6 ** penalty
    assert mean_log_prob(-6 / 6 ** 0.2, 5, True, 0.2) == pytest.approx(-1.0)
    assert mean_log_prob(-6.0, 6, False, 0.0) == pytest.approx(-1.0)
    assert pivot_confidence([-0.3, -1.2]) == -1.2
    assert pivot_confidence([-0.3, None]) is None and pivot_confidence([]) is None
    assert as_probability(math.log(0.25)) == pytest.approx(0.25)
    assert is_low(math.log(0.3), 0.4) and not is_low(math.log(0.5), 0.4)
    assert not is_low(None, 0.4)


def test_auto_picks_the_cpu_without_a_gpu():
    if cuda_devices():
        pytest.skip("this machine has a GPU")
    choice = choose_device("auto")
    assert (choice.device, choice.compute_type, choice.note) == ("cpu", "int8", "")
    assert choose_device("auto", gpus=1).to_json() == {
        "device": "cuda", "compute_type": "int8_float16", "requested": "auto", "note": ""}


def test_cuda_without_a_gpu_falls_back_to_the_cpu_and_says_so(caplog):
    with caplog.at_level(logging.WARNING, logger="translations.device"):
        choice = choose_device("cuda", "int8_float16", gpus=0)
    assert (choice.device, choice.compute_type, choice.requested) == ("cpu", "int8", "cuda")
    assert "no GPU" in choice.note and "no GPU" in caplog.text
    assert choose_device("cpu", "float32", gpus=1).compute_type == "float32"
    with pytest.raises(ValueError, match="AUDARMA_DEVICE"):
        choose_device("tpu")


def test_the_engine_loads_on_the_chosen_device(bilingual_store):
    choice = choose_device("auto")
    engine = ArgosEngine(bilingual_store, max_decoding_length=16, device=choice.device,
                         compute_type=choice.compute_type)
    assert engine.translate(["Water prices rose."], "en", "kk")[0].text
    package = bilingual_store.get(engine.route("en", "kk").steps[0].package_code)
    model = engine._model(package)  # noqa: SLF001
    assert model.translator.device == choice.device
    assert model.translator.compute_type.startswith(choice.compute_type)  # int8: int8_float32
