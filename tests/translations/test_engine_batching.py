"""How the engine cuts a batch for CTranslate2's replicas."""

from __future__ import annotations

from translations.engine import split_for_replicas


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
