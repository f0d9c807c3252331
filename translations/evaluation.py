"""How good is a route? chrF++ and BLEU on FLORES-style aligned sentences, with sacreBLEU.

A data folder holds line-aligned files named like FLORES+: ``devtest.eng_Latn``,
``devtest.kaz_Cyrl``, ``devtest.rus_Cyrl`` (the same line is the same sentence in each
language). Every direction is scored with the route the engine would take now — direct, or a
pivot through English — so a newsroom can compare a pivot with a direct multilingual model, or
two beam sizes, on the same sentences.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from translations.errors import NoRoute, TranslationError

FLORES_FILES = {"en": "eng_Latn", "kk": "kaz_Cyrl", "ru": "rus_Cyrl"}


@dataclass(frozen=True)
class Score:
    """One direction's scores on the evaluation sentences."""

    source: str
    target: str
    route: str
    sentences: int
    chrf: float  # chrF++ (character n-grams plus word bigrams)
    bleu: float
    seconds: float

    @property
    def sentences_per_second(self) -> float:
        """Throughput of the route on these sentences."""
        return self.sentences / self.seconds if self.seconds else 0.0

    def to_json(self) -> dict:
        """A JSON-ready row."""
        return {**asdict(self), "sentences_per_second": round(self.sentences_per_second, 2)}


def load_sentences(folder: Path, split: str = "devtest",
                   limit: int | None = None) -> dict[str, list[str]]:
    """The aligned sentences of every language present in ``folder`` (kk, ru, en)."""
    found: dict[str, list[str]] = {}
    for code, suffix in FLORES_FILES.items():
        path = Path(folder) / f"{split}.{suffix}"
        if path.is_file():
            lines = path.read_text(encoding="utf-8").splitlines()
            found[code] = lines[:limit] if limit else lines
    lengths = {len(lines) for lines in found.values()}
    if len(found) < 2:
        raise TranslationError(f"{folder}: need aligned {split}.* files of two languages or more")
    if len(lengths) != 1:
        raise TranslationError(f"{folder}: the {split} files are not line-aligned")
    return found


def score(hypotheses: Sequence[str], references: Sequence[str]) -> tuple[float, float]:
    """Corpus chrF++ and BLEU (sacreBLEU's defaults) of ``hypotheses`` against one reference."""
    from sacrebleu.metrics import BLEU, CHRF

    refs = [list(references)]
    chrf = CHRF(word_order=2).corpus_score(list(hypotheses), refs).score
    bleu = BLEU().corpus_score(list(hypotheses), refs).score
    return round(chrf, 2), round(bleu, 2)


def evaluate(translate: Callable[[list[str], str, str], tuple[list[str], str]],
             sentences: dict[str, list[str]],
             pairs: Sequence[tuple[str, str]] | None = None) -> list[Score]:
    """Score every direction among the loaded languages (or ``pairs``) that has a route.

    ``translate(texts, source, target)`` returns the outputs and the route's label; it raises
    NoRoute when nothing installed serves the direction, which is then left out.
    """
    languages = sorted(sentences)
    wanted = pairs or [(s, t) for s in languages for t in languages if s != t]
    scores = []
    for source, target in wanted:
        if source not in sentences or target not in sentences:
            continue
        started = time.perf_counter()
        try:
            outputs, route = translate(sentences[source], source, target)
        except NoRoute:
            continue
        seconds = time.perf_counter() - started
        chrf, bleu = score(outputs, sentences[target])
        scores.append(Score(source, target, route, len(outputs), chrf, bleu, round(seconds, 3)))
    return scores
