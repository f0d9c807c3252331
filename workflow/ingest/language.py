"""Which language an article is in: an editor's choice, or a confident detection — never a guess."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from translations.langid import CONFIDENT, Detection, detect_language
from workflow.errors import InvalidInput
from workflow.ingest.article import ParsedBlock
from workflow.vocabulary import LANGUAGES

NAMES = {"kk": "Kazakh", "ru": "Russian", "en": "English"}
DETECT_CHARS = 20_000  # enough text to be sure; long articles are not slower to classify
_MIN_LETTERS_FOR_OTHER = 20  # shorter texts are "unsure", not "another language"
_NOT_BODY = ("byline", "caption")


@dataclass(frozen=True)
class LanguageChoice:
    """The article's language, how sure we are, and whether an editor chose it."""

    language: str
    confidence: float
    overridden: bool
    detection: Detection | None


def normalise_language(value: str | None) -> str | None:
    """'' / 'auto' → None; 'RU', 'ru-RU', 'kk-Latn' → 'ru' / 'kk'; anything else unsupported."""
    if value is None:
        return None
    code = value.strip().lower().replace("_", "-")
    if code in ("", "auto"):
        return None
    base = code.split("-", 1)[0]
    if base not in LANGUAGES:
        raise InvalidInput(
            f"Language {value!r} is not supported; Audarma works with Kazakh (kk), "
            "Russian (ru) and English (en).",
            code="unsupported_language", value=value,
        )
    return base


def detection_text(title: str, blocks: Sequence[ParsedBlock]) -> str:
    """The words language detection looks at: headline and body, not names in bylines."""
    parts = [title] + [b.text for b in blocks if b.kind not in _NOT_BODY and b.kind != "title"]
    return "\n".join(parts)[:DETECT_CHARS]


def choose_language(title: str, blocks: Sequence[ParsedBlock],
                    language: str | None) -> LanguageChoice:
    """The explicit language if given, else a confident detection; raise when unsure or other."""
    explicit = normalise_language(language)
    if explicit is not None:
        return LanguageChoice(explicit, 1.0, True, None)
    text = detection_text(title, blocks)
    detection = detect_language(text)
    if detection.language is not None and detection.confidence >= CONFIDENT:
        return LanguageChoice(detection.language, detection.confidence, False, detection)
    letters = sum(ch.isalpha() for ch in text)
    other = detection.scores.get("other", 0.0)
    foreign_script = letters >= 3 and detection.script not in ("Cyrl", "Latn", "Zyyy")
    if foreign_script or (letters >= _MIN_LETTERS_FOR_OTHER and other >= CONFIDENT):
        raise InvalidInput(
            "This text does not look like Kazakh, Russian or English, the languages Audarma "
            "translates. If it is one of them, choose the language yourself.",
            code="unsupported_language", confidence=round(1 - other, 4) if other else 0.0,
            reason="detected",
        )
    guess = detection.language or max(
        (lang for lang in LANGUAGES), key=lambda lang: detection.scores.get(lang, 0.0))
    raise InvalidInput(
        f"The language could not be detected with confidence (best guess {NAMES[guess]}, "
        f"{detection.confidence:.0%}). Please choose the article's language.",
        code="language_uncertain", guess=guess, confidence=round(detection.confidence, 4),
    )


def block_language(text: str) -> tuple[str | None, float]:
    """A block's own detected language and confidence (None when it is too short to tell)."""
    detection = detect_language(text)
    return detection.language, round(detection.confidence, 4)
