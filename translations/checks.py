"""Post-translation checks per segment; results are data for the review screen.

``CHECK_KINDS`` is the one list of check codes: the engine, the review service and the desk's
labels all read it. Labels are marked with ``N_`` for the interface catalogues (the web layer
translates them); messages stay in English next to the translated label.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from translations.glossary import Glossary
from translations.language_guard import check_language
from translations.markup import TAG_PATTERN
from translations.numbers import compare_numbers

Severity = Literal["warning", "blocking"]


def N_(text: str) -> str:
    """Mark a label for the interface catalogues; it is translated where it is shown."""
    return text


@dataclass(frozen=True)
class CheckKind:
    """A check code, its usual severity and its interface label (English, translatable)."""

    code: str
    severity: Severity
    label: str


CHECK_KINDS: dict[str, CheckKind] = {
    kind.code: kind
    for kind in (
        CheckKind("numbers", "warning", N_("Numbers")),
        CheckKind("untranslated", "warning", N_("Untranslated")),
        CheckKind("glossary", "warning", N_("Glossary")),  # blocking for must-use terms
        CheckKind("repetition", "blocking", N_("Repetition")),
        CheckKind("length_ratio", "warning", N_("Length")),
        CheckKind("script_mixing", "warning", N_("Script mixing")),
        CheckKind("kazakh_letters", "warning", N_("Kazakh letters")),
        CheckKind("russian_letters", "warning", N_("Russian letters")),
        CheckKind("wrong_language", "blocking", N_("Wrong language")),
        CheckKind("tag_lost", "warning", N_("Markup lost")),
        CheckKind("term_lost", "blocking", N_("Glossary term lost")),
        CheckKind("placeholder", "warning", N_("Invented placeholder")),
    )
}
SEVERITY_LABELS: dict[str, str] = {"warning": N_("Warning"), "blocking": N_("Blocking")}

# Letters of the Kazakh Cyrillic alphabet that Russian does not have. Kazakh also uses all 33
# Russian letters (ё, щ, ъ, ь, э, ц, ч, ф appear in loanwords such as "объект", and щ even in
# native "ащы"), so a letter-level ban would flag correct Kazakh. What reliably marks Russian text
# in a Kazakh field is the opposite: many Cyrillic words and not one Kazakh-specific letter.
KAZAKH_ONLY_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
MIN_WORDS_FOR_SCRIPT_GUESS = 5
LENGTH_RATIO_BOUNDS = (1 / 3, 3.0)
MIN_LENGTH_FOR_RATIO = 20

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_PART = re.compile(r"[^\W\d_]+")
_REPEATED_WORDS = re.compile(r"\b(\w+(?:\W+\w+){0,3}?)(?:\W+\1\b){3,}", re.IGNORECASE)
_REPEATED_CHAR = re.compile(r"(\S)\1{9,}")
_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_QUOTED = re.compile(r"«[^«»]*»|“[^“”]*”|„[^„“”]*[“”]|\"[^\"]*\"")


@dataclass(frozen=True)
class Check:
    """One finding about a translated segment."""

    code: str
    severity: Severity
    message: str

    @classmethod
    def of(cls, code: str, message: str, severity: Severity | None = None) -> Check:
        """A finding of a registered kind, at that kind's usual severity unless told."""
        return cls(code, severity or CHECK_KINDS[code].severity, message)

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
    """Every check for one segment: numbers, glossary, untranslated, repetition, length, script,
    and the language guard (language, script and untranslated runs of the source)."""
    plain_source = TAG_PATTERN.sub(" ", source)
    plain_target = TAG_PATTERN.sub(" ", target)
    found = [
        *check_numbers(plain_source, plain_target),
        *check_untranslated(plain_source, plain_target),
        *check_repetition(plain_target, plain_source),
        *check_length(plain_source, plain_target),
        *check_script(plain_target, target_language),
    ]
    problem = check_language(plain_source, plain_target, source_language, target_language)
    if problem:
        found.append(Check.of("wrong_language", problem))
    if glossary is not None:
        for entry in glossary.violations(source, target, source_language, target_language):
            found.append(
                Check.of(
                    "glossary",
                    f"Glossary: {entry.source_term!r} must appear as {entry.rendering!r}.",
                    "blocking" if entry.blocking else "warning",
                )
            )
    return found


def check_numbers(source: str, target: str) -> list[Check]:
    """Numbers, times and dates must survive as values (14.30 = 14:30, 1,5 млн = 1.5 million)."""
    missing, extra = compare_numbers(source, target)
    found = []
    if missing:
        found.append(Check.of("numbers", f"Numbers or dates missing: {', '.join(missing)}."))
    if extra:
        found.append(Check.of("numbers", f"Numbers not in the source: {', '.join(extra)}."))
    return found


def check_untranslated(source: str, target: str) -> list[Check]:
    """A segment with words that comes back unchanged was probably not translated."""
    if len(_WORD.findall(source)) >= 2 and _fold(source) == _fold(target):
        return [Check.of("untranslated", "The translation is identical to the source.")]
    return []


def check_repetition(target: str, source: str = "") -> list[Check]:
    """Runaway output: a word or short phrase (or one character) repeated over and over, where
    the source does not repeat itself ("No, no, no, no, no" is faithfully "Жоқ, жоқ, жоқ…")."""
    match = _REPEATED_WORDS.search(target) or _REPEATED_CHAR.search(target)
    if match and not (_REPEATED_WORDS.search(source) or _REPEATED_CHAR.search(source)):
        return [
            Check.of(
                "repetition",
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
            Check.of(
                "length_ratio",
                f"The translation is {ratio:.1f}× the source length "
                f"(expected {low:.1f}–{high:.0f}×).",
            )
        ]
    return []


def check_script(target: str, target_language: str) -> list[Check]:
    """Kazakh output must look Kazakh; no word may mix Latin and Cyrillic letters; Russian output
    has no Kazakh letters outside proper names and quotations (Самрук-Қазына, «Қазақстан»)."""
    found = []
    words = _WORD.findall(target)
    # "NASA-ның", "iPhone-ға": a Latin name with a Kazakh suffix after a hyphen is correct.
    mixed = [p for w in words for p in _PART.findall(w) if _LATIN.search(p) and _CYRILLIC.search(p)]
    if mixed:
        found.append(
            Check.of(
                "script_mixing",
                f"Latin and Cyrillic letters mixed inside: {', '.join(sorted(set(mixed))[:5])}.",
            )
        )
    cyrillic_words = [w for w in words if _CYRILLIC.search(w)]
    if target_language == "kk" and len(cyrillic_words) >= MIN_WORDS_FOR_SCRIPT_GUESS:
        if not any(ch in KAZAKH_ONLY_LETTERS for ch in target):
            found.append(
                Check.of(
                    "kazakh_letters",
                    "No Kazakh letters (ә ғ қ ң ө ұ ү һ і): this looks like Russian, not Kazakh.",
                )
            )
    if target_language == "ru":
        outside_quotes = _QUOTED.sub(" ", target)
        common = [w for w in _WORD.findall(outside_quotes) if not w[:1].isupper()]
        kazakh = sorted({ch for w in common for ch in w if ch in KAZAKH_ONLY_LETTERS})
        if kazakh:
            found.append(
                Check.of(
                    "russian_letters",
                    f"Kazakh-only letters in Russian output: {' '.join(kazakh)}.",
                )
            )
    return found


def _fold(text: str) -> str:
    """Normalise for comparison: NFC, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())
