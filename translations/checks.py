"""Post-translation checks per segment; results are data for the review screen."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from translations.glossary import Glossary
from translations.markup import TAG_PATTERN

Severity = Literal["warning", "blocking"]

# Letters of the Kazakh Cyrillic alphabet that Russian does not have. Kazakh also uses all 33
# Russian letters (ё, щ, ъ, ь, э, ц, ч, ф appear in loanwords such as "объект", and щ even in
# native "ащы"), so a letter-level ban would flag correct Kazakh. What reliably marks Russian text
# in a Kazakh field is the opposite: many Cyrillic words and not one Kazakh-specific letter.
KAZAKH_ONLY_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
MIN_WORDS_FOR_SCRIPT_GUESS = 5
LENGTH_RATIO_BOUNDS = (1 / 3, 3.0)
MIN_LENGTH_FOR_RATIO = 20

_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d+)*")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_REPEATED_WORDS = re.compile(r"\b(\w+(?:\W+\w+){0,3}?)(?:\W+\1\b){3,}", re.IGNORECASE)
_REPEATED_CHAR = re.compile(r"(\S)\1{9,}")
_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")


@dataclass(frozen=True)
class Check:
    """One finding about a translated segment."""

    code: str
    severity: Severity
    message: str

    def to_json(self) -> dict[str, str]:
        """JSON form stored with the segment and shown to reviewers."""
        return {"code": self.code, "severity": self.severity, "message": self.message}


def run_checks(
    source: str,
    target: str,
    target_language: str,
    glossary: Glossary | None = None,
    *,
    source_language: str | None = None,
) -> list[Check]:
    """Every check for one segment: numbers, glossary, untranslated, repetition, length, script."""
    plain_source = TAG_PATTERN.sub(" ", source)
    plain_target = TAG_PATTERN.sub(" ", target)
    found = [
        *check_numbers(plain_source, plain_target),
        *check_untranslated(plain_source, plain_target),
        *check_repetition(plain_target),
        *check_length(plain_source, plain_target),
        *check_script(plain_target, target_language),
    ]
    if glossary is not None:
        for entry in glossary.violations(source, target, source_language, target_language):
            found.append(
                Check(
                    "glossary",
                    "blocking",
                    f"Glossary: {entry.source_term!r} must appear as {entry.rendering!r}.",
                )
            )
    return found


def check_numbers(source: str, target: str) -> list[Check]:
    """Numbers and dates must survive (digits compared without group/decimal separators)."""
    wanted = Counter(re.sub(r"\D", "", m) for m in _NUMBER.findall(source))
    got = Counter(re.sub(r"\D", "", m) for m in _NUMBER.findall(target))
    found = []
    if missing := wanted - got:
        found.append(
            Check("numbers", "warning", f"Numbers or dates missing: {', '.join(sorted(missing))}.")
        )
    if extra := got - wanted:
        found.append(
            Check("numbers", "warning", f"Numbers not in the source: {', '.join(sorted(extra))}.")
        )
    return found


def check_untranslated(source: str, target: str) -> list[Check]:
    """A segment with words that comes back unchanged was probably not translated."""
    if len(_WORD.findall(source)) >= 2 and _fold(source) == _fold(target):
        return [Check("untranslated", "warning", "The translation is identical to the source.")]
    return []


def check_repetition(target: str) -> list[Check]:
    """Runaway output: a word or short phrase (or one character) repeated over and over."""
    match = _REPEATED_WORDS.search(target) or _REPEATED_CHAR.search(target)
    if match:
        return [
            Check(
                "repetition",
                "blocking",
                f"Runaway repetition: {match.group(1)!r} repeats in {match.group(0)[:60]!r}.",
            )
        ]
    return []


def check_length(source: str, target: str) -> list[Check]:
    """The target should be neither far shorter nor far longer than the source."""
    source_length, target_length = len(source.strip()), len(target.strip())
    if source_length < MIN_LENGTH_FOR_RATIO:
        return []
    ratio = target_length / source_length
    low, high = LENGTH_RATIO_BOUNDS
    if ratio < low or ratio > high:
        return [
            Check(
                "length_ratio",
                "warning",
                f"The translation is {ratio:.1f}× the source length "
                f"(expected {low:.1f}–{high:.0f}×).",
            )
        ]
    return []


def check_script(target: str, target_language: str) -> list[Check]:
    """Kazakh output must look Kazakh; no word may mix Latin and Cyrillic letters."""
    found = []
    words = _WORD.findall(target)
    mixed = [w for w in words if _LATIN.search(w) and _CYRILLIC.search(w)]
    if mixed:
        found.append(
            Check(
                "script_mixing",
                "warning",
                f"Latin and Cyrillic letters mixed inside: {', '.join(sorted(set(mixed))[:5])}.",
            )
        )
    cyrillic_words = [w for w in words if _CYRILLIC.search(w)]
    if target_language == "kk" and len(cyrillic_words) >= MIN_WORDS_FOR_SCRIPT_GUESS:
        if not any(ch in KAZAKH_ONLY_LETTERS for ch in target):
            found.append(
                Check(
                    "kazakh_letters",
                    "warning",
                    "No Kazakh letters (ә ғ қ ң ө ұ ү һ і): this looks like Russian, not Kazakh.",
                )
            )
    if target_language == "ru":
        kazakh = sorted({ch for ch in target if ch in KAZAKH_ONLY_LETTERS})
        if kazakh:
            found.append(
                Check(
                    "russian_letters",
                    "warning",
                    f"Kazakh-only letters in Russian output: {' '.join(kazakh)}.",
                )
            )
    return found


def _fold(text: str) -> str:
    """Normalise for comparison: NFC, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())
