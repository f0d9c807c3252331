"""Language detection for kk/ru/en (Kazakh in Cyrillic or Latin script); unsure means None."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from translations.transliteration import guess_alphabet, to_cyrillic, to_latin

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
    alphabet: str | None = None  # for Latin-script Kazakh: "2021", "2018" or "2017"

    @property
    def tag(self) -> str | None:
        """BCP 47 tag of what was detected: "kk-Latn" for Latin-script Kazakh, else the code."""
        if self.language == "kk" and self.script == "Latn":
            return "kk-Latn"
        return self.language

    @property
    def is_confident(self) -> bool:
        """True when the language can be used without asking an editor."""
        return self.language is not None and self.confidence >= CONFIDENT


# "і" is shared with Ukrainian and Belarusian, "ө ү" with Mongolian: they are not evidence alone.
_KAZAKH_CYRILLIC = frozenset("әғқңұһӘҒҚҢҰҺ")
# Latin-script Kazakh (2021, 2018 or 2017 alphabet) is recognised by writing it in Cyrillic and
# asking the Cyrillic Kazakh model, when its letters are Kazakh ones: "q" or a letter only the
# Kazakh alphabets have in enough words, and letters Kazakh never writes (c, w, x, ə, č, ł, ...)
# in few. English with "Durán", Spanish, Czech, Turkish and Azerbaijani fail the letter test.
_KAZAKH_LATIN_LETTERS = {
    "2021": frozenset("aäbdefgğhıijklmnñoöpqrsştuūüvyzç"),
    "2018": frozenset("aábdefgǵhiıjklmnńoópqrstuúvyýzc"),  # c only in "ch"
    "2017": frozenset("abdefghijklmnopqrstuvyzc'"),  # c only in "c'"
}
_KAZAKH_ONLY = {"2021": frozenset("qäñū"), "2018": frozenset("qǵńý"), "2017": frozenset("q")}
# Frequent Kazakh words, counted as Kazakh in every alphabet (written in each at first use).
_KAZAKH_WORDS = (
    "және мен деп деді бұл осы сол ол олар біз үшін болып болды болады еді етті етіп туралы "
    "бойынша жөніндегі қазақстан жылы жылғы жыл деген бар жоқ кейін дейін арқылы бүгін "
    "мемлекет ел елдің халық хабарлайды тиіс керек сәйкес жаңа облысы облысында қаласында "
    "басталды ашылды өтті алды берді бастады жұмыс жұмыстары бірінші екі үш кезде қала "
    "аудан ауыл мектеп бала балалар адам тұрғындар министрі министрлігі әкім әкімдік "
    "президент үкімет бірге ретінде тарапынан бастап дейін сондай-ақ алайда бірақ яғни"
).split()
# "y" as the vowel ы between consonants or at the end ("jyly", "tyl"): Kazakh, not Turkish.
_Y_VOWEL = re.compile(r"[bdfghjklmnpqrstvzğşçǵ]y(?:[bdfghjklmnpqrstvzğşçǵ]|$)")
# English function words no Kazakh alphabet spells as a Kazakh word ("men", "be", "it", "or" are
# Kazakh words, so they are not here).
_ENGLISH_WORDS = frozenset(
    "the and of to in is was for with are by that from his their if but not this have has "
    "were been would which they you will can its into such than there these those any may".split()
)
_MAX_ENGLISH_WORDS = 0.08
# Letter pairs Kazakh words do not have: English "th", "oo", "ck", a final "ng", ...
_NOT_KAZAKH = re.compile(r"th|wh|gh|ck|ee|oo|ou|ng$")
_MIN_KAZAKH_WORDS = 0.12  # share of words with q or a Kazakh-only letter
_MAX_FOREIGN_WORDS = 0.15  # share of words with a letter Kazakh never writes
_MIN_KAZAKH_CYRILLIC = 0.9  # lingua's Kazakh confidence for the text written in Cyrillic
_LATIN_WORD = re.compile(r"[^\W\d_][^\W\d_'’ʻʼ]*(?:['’][^\W\d_]*)*")
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


def _kazakh_latin_evidence(text: str) -> tuple[float, str | None]:
    """Confidence (0..1) that Latin-script text is Kazakh, and the alphabet it is written in."""
    words = [w.replace("İ", "i").lower().replace("’", "'") for w in _LATIN_WORD.findall(text)]
    if not words:
        return 0.0, None
    alphabet = guess_alphabet(text) or "2018"
    allowed, own = _KAZAKH_LATIN_LETTERS[alphabet], _KAZAKH_ONLY[alphabet]
    foreign = sum(
        1 for w in words if not set(w) <= allowed or _stray_c(w, alphabet) or _NOT_KAZAKH.search(w)
    )
    known = _known_words(alphabet)
    kazakh = sum(
        1
        for w in words
        if own & set(w) or w in known or _apostrophe_letter(w, alphabet) or _Y_VOWEL.search(w)
    )
    english = sum(1 for w in words if w in _ENGLISH_WORDS)
    if (
        kazakh < _MIN_KAZAKH_WORDS * len(words)
        or foreign > _MAX_FOREIGN_WORDS * len(words)
        or english > _MAX_ENGLISH_WORDS * len(words)
    ):
        return 0.0, alphabet
    confidence = _lingua_scores(to_cyrillic(text, alphabet))["kk"]
    return (confidence if confidence >= _MIN_KAZAKH_CYRILLIC else 0.0), alphabet


@lru_cache(maxsize=4)
def _known_words(alphabet: str) -> frozenset[str]:
    """The frequent Kazakh words as written in one Latin alphabet."""
    return frozenset(to_latin(w, alphabet) for w in _KAZAKH_WORDS)


def _apostrophe_letter(word: str, alphabet: str) -> bool:
    """True for a 2017-alphabet word with a letter only Kazakh writes so (ә ң ү у и: a' n' ...)."""
    return alphabet == "2017" and bool(re.search(r"[anuyi]'", word))


def _stray_c(word: str, alphabet: str) -> bool:
    """True for a "c" the alphabet does not write ("club"; 2018 has it only in "ch")."""
    follower = {"2018": "h", "2017": "'"}.get(alphabet)
    return follower is not None and any(
        word[i + 1 : i + 2] != follower for i, ch in enumerate(word) if ch == "c"
    )


def detect_language(text: str) -> Detection:
    """Detect kk, ru or en; return language None when the text is too short, mixed or other."""
    letters = [ch for ch in text if ch.isalpha()]
    script = _script(letters)
    if len(letters) < 3 or script not in ("Cyrl", "Latn"):
        return Detection(None, 0.0, {}, script)
    scores = _lingua_scores(text)
    alphabet = None
    if script == "Latn":
        evidence, alphabet = _kazakh_latin_evidence(text)
        if evidence:
            share = min(0.99, evidence)
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
    kazakh_latin = best == "kk" and script == "Latn"
    return Detection(best, confidence, scores, script, alphabet if kazakh_latin else None)
