"""How the engine cuts a batch for CTranslate2's replicas, and into CTranslate2's batches: by
source tokens, so a worker's peak memory has a bound whatever the sentence lengths; a sentence
longer than the budget still translates, on its own."""

from __future__ import annotations

from translations.engine import (
    MAX_BATCH_SIZE,
    MAX_BATCH_TOKENS,
    ArgosEngine,
    split_for_replicas,
    translate_on_replicas,
)


def test_chunks_cover_every_segment_once_with_about_equal_tokens() -> None:
    lengths = [65, 3, 40, 12, 70, 8, 33, 27, 5, 61, 18, 44]
    batch = [["▁x"] * n for n in lengths]

    chunks = split_for_replicas(batch, 2)

    assert sorted(i for chunk in chunks for i in chunk) == list(range(len(batch)))
    tokens = [sum(lengths[i] for i in chunk) for chunk in chunks]
    assert len(chunks) == 2 and abs(tokens[0] - tokens[1]) <= max(lengths)
    # halves of the length-sorted batch (the old split) would be 73 vs 313 tokens
    assert max(tokens) < 0.6 * sum(lengths)


def test_fewer_segments_than_replicas_gives_one_chunk_each() -> None:
    assert split_for_replicas([["▁a"]], 2) == [[0]]
    assert split_for_replicas([], 2) == []


class _Recorder:
    """Stands in for a ctranslate2.Translator: records each translate_batch's options."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def translate_batch(self, batch, **options):
        self.calls.append({"size": len(batch), **options})
        return [f"out-{len(tokens)}" for tokens in batch]


def test_replica_chunks_are_batched_by_a_token_budget_unless_told_otherwise() -> None:
    batch = [["▁w"] * n for n in (3, 40, 7, 12, 90)]
    recorder = _Recorder()
    outputs = translate_on_replicas(recorder, batch, 1, beam_size=4)
    assert outputs == ["out-3", "out-40", "out-7", "out-12", "out-90"]  # in the batch's order
    assert [(c["batch_type"], c["max_batch_size"]) for c in recorder.calls] == [
        ("tokens", MAX_BATCH_TOKENS)]
    recorder = _Recorder()
    translate_on_replicas(recorder, batch, 1, batch_type="examples", beam_size=4)
    assert [(c["batch_type"], c["max_batch_size"]) for c in recorder.calls] == [
        ("examples", min(MAX_BATCH_SIZE, len(batch)))]


def test_a_sentence_longer_than_the_budget_translates_with_the_others(bilingual_store) -> None:
    long = " ".join(["The minister met people after the election in the capital."] * 40)
    texts = ["Water prices rose.", long, "Trade and peace."]
    by_tokens = ArgosEngine(bilingual_store, max_decoding_length=64)
    pieces = by_tokens._model(bilingual_store.get("translate-en_kk-1_0")).processor.encode(
        long, out_type=str)
    assert len(pieces) > MAX_BATCH_TOKENS
    results = by_tokens.translate(texts, "en", "kk")
    assert all(r.text for r in results)
    by_examples = ArgosEngine(bilingual_store, max_decoding_length=64, batch_type="examples")
    assert [r.text for r in by_examples.translate(texts, "en", "kk")] == [r.text for r in results]
