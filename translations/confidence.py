"""How sure the model was of a segment: its mean log-probability per generated token.

CTranslate2 returns, with ``return_scores=True``, the hypothesis' cumulative log-probability
divided by ``tokens ** length_penalty``, where ``tokens`` counts the generated tokens and the
end-of-sentence token when the hypothesis ended on one (checked against ``score_batch`` in
tests/translations/test_confidence.py). ``mean_log_prob`` undoes that division and divides by
``tokens`` instead, so the figure is on one scale whatever the length penalty, the beam size or
the length of the sentence: 0 is certain, -0.1 a confident sentence, -3 a guess.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def mean_log_prob(score: float, tokens: int, ended: bool, length_penalty: float) -> float:
    """Mean log-probability per token of a hypothesis from its CTranslate2 score."""
    count = max(1, tokens + (1 if ended else 0))
    return score * count ** (length_penalty - 1.0)


def pivot_confidence(legs: Sequence[float | None]) -> float | None:
    """A route's confidence from its legs' (ru→en, en→kk): the weakest leg's.

    A pivot is only as sound as its least certain pass, and the minimum stays on a single leg's
    scale, so one threshold serves direct and pivot routes alike (a sum would mark every pivot
    low; a mean would let a confident second leg hide a doubtful first one). None when a leg
    has no score (an empty segment).
    """
    if not legs or any(leg is None for leg in legs):
        return None
    return min(leg for leg in legs if leg is not None)


def as_probability(confidence: float) -> float:
    """The mean per-token probability a confidence stands for (0..1), as people read it."""
    return math.exp(min(confidence, 0.0))


def is_low(confidence: float | None, threshold: float) -> bool:
    """True for a machine segment less sure than ``threshold``, a per-token probability (0..1);
    no score (memory hits, people's text) is never low."""
    return confidence is not None and as_probability(confidence) < threshold
