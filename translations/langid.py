"""Language detection for kk/ru/en: lingua plus Kazakh letter evidence; unsure means None."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lingua import LanguageDetector

__all__ = ["CONFIDENT", "SUPPORTED", "Detection", "detect_language"]

SUPPORTED = ("kk", "ru", "en")
CONFIDENT = 0.8  # below this an editor is asked to confirm the language
_MIN_GUESS = 0.5  # below this no language is named at all
_SHORT = 20  # letters; shorter texts never count as confident


@dataclass(frozen=True)
class Detection:
    """A detected language (None when unsure) with confidence, per-language scores and script."""

    language: str | None
    confidence: float
    scores: dict[str, float] = field(default_factory=dict)
    script: str = "Zyyy"

    @property
    def is_confident(self) -> bool:
        """True when the language can be used without asking an editor."""
        return self.language is not None and self.confidence >= CONFIDENT


# "і" is shared with Ukrainian and Belarusian, "ө ү" with Mongolian: they are not evidence alone.
_KAZAKH_CYRILLIC = frozenset("әғқңұһӘҒҚҢҰҺ")
# Letters of the 2018 (acute) Kazakh Latin alphabet, rare elsewhere, and of the 2021 one, which
# Turkish and Azerbaijani share (those count only next to "q", a letter Turkish lacks).
_KAZAKH_LATIN = frozenset("áǵńóúýÁǴŃÓÚÝ")
_TURKIC_LATIN = frozenset("ıäğñöşūüçİÄĞÑÖŞŪÜÇ")
_KAZAKH_LATIN_WORDS = frozenset(
    "jáne men dep bul osy úshin bolyp bolady edi etti etip turaly boıynsha qazaqstan "
    "qazaqstannyń jyly jyldyń degen biz olar ol sol bar joq keıin deıin arqyly "
    "búgin memleket eldiń halyq habarlaıdy kazinform".split()
)
_LINGUA_CODES = {"KAZAKH": "kk", "RUSSIAN": "ru", "ENGLISH": "en"}
# Languages lingua also knows that an editor might paste; they let "other" win instead of a guess.
_DISTRACTORS = (
    "UKRAINIAN", "BELARUSIAN", "BULGARIAN", "MACEDONIAN", "SERBIAN", "MONGOLIAN",
    "GERMAN", "FRENCH", "SPANISH", "ITALIAN", "PORTUGUESE", "DUTCH", "POLISH",
    "TURKISH", "AZERBAIJANI", "CZECH",
)  # fmt: skip
_SCRIPTS = {"CYRILLIC": "Cyrl", "LATIN": "Latn", "GREEK": "Grek", "ARABIC": "Arab",
            "HEBREW": "Hebr", "CJK": "Hani", "HIRAGANA": "Jpan", "KATAKANA": "Jpan",
            "HANGUL": "Kore", "DEVANAGARI": "Deva", "GEORGIAN": "Geor", "ARMENIAN": "Armn",
            "THAI": "Thai"}  # fmt: skip
_WORDS = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    """Build the lingua detector once, on first use (models load lazily per language)."""
    from lingua import Language, LanguageDetectorBuilder

    names = [*_LINGUA_CODES, *_DISTRACTORS]
    return LanguageDetectorBuilder.from_languages(*(getattr(Language, n) for n in names)).build()


def _script(letters: list[str]) -> str:
    """Return the ISO 15924 code of the script most letters are written in."""
    counts: dict[str, int] = {}
    for ch in letters:
        name = unicodedata.name(ch, "UNKNOWN").split(" ")[0]
        code = _SCRIPTS.get(name, "Zyyy")
        counts[code] = counts.get(code, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else "Zyyy"


def _lingua_scores(text: str) -> dict[str, float]:
    """Confidence per supported language, with everything else summed as 'other'."""
    scores = {lang: 0.0 for lang in SUPPORTED} | {"other": 0.0}
    for value in _detector().compute_language_confidence_values(text):
        key = _LINGUA_CODES.get(value.language.name, "other")
        scores[key] += value.value
    return scores


def _kazakh_latin_evidence(text: str, letters: list[str]) -> float:
    """Share of evidence (0..1) that Latin-script text is Kazakh."""
    words = [w.lower() for w in _WORDS.findall(text)]
    if not words:
        return 0.0
    strong = sum(ch in _KAZAKH_LATIN for ch in letters) / len(letters)
    turkic = sum(ch in _TURKIC_LATIN for ch in letters) / len(letters)
    known = sum(w in _KAZAKH_LATIN_WORDS for w in words) / len(words)
    q_words = sum("q" in w for w in words) / len(words)
    base = 15 * strong + 3 * known  # "Qatar" or "Iraq" alone must not make English Kazakh
    if not base:
        return 0.0
    return min(1.0, base + (5 * turkic if q_words else 0.0) + 2 * q_words)


def detect_language(text: str) -> Detection:
    """Detect kk, ru or en; return language None when the text is too short, mixed or other."""
    letters = [ch for ch in text if ch.isalpha()]
    script = _script(letters)
    if len(letters) < 3 or script not in ("Cyrl", "Latn"):
        return Detection(None, 0.0, {}, script)
    scores = _lingua_scores(text)
    if script == "Latn":
        evidence = _kazakh_latin_evidence(text, letters)
        if evidence >= 0.4:
            share = min(0.99, 0.4 + evidence)
            scores = {k: v * (1 - share) for k, v in scores.items()}
            scores["kk"] += share
        else:
            scores["kk"] = 0.0  # lingua's Kazakh model is Cyrillic; its Latin votes are noise
    else:
        cyrillic = [ch for ch in letters if "CYRILLIC" in unicodedata.name(ch, "")]
        ratio = sum(ch in _KAZAKH_CYRILLIC for ch in cyrillic) / max(1, len(cyrillic))
        if ratio >= 0.01:
            boost = min(0.95, 0.6 + 10 * ratio)
            scores = {k: v * (1 - boost) for k, v in scores.items()}
            scores["kk"] += boost
        scores["en"] = 0.0
    total = sum(scores.values()) or 1.0
    scores = {k: round(v / total, 4) for k, v in scores.items()}
    best = max(scores, key=lambda k: scores[k])
    confidence = scores[best]
    if len(letters) < _SHORT:
        confidence = min(confidence, CONFIDENT - 0.05)
    if best == "other" or confidence < _MIN_GUESS:
        return Detection(None, max(scores[lang] for lang in SUPPORTED), scores, script)
    return Detection(best, confidence, scores, script)
