"""Language guard: a target segment must be in its edition's language and script.

What it looks at is the translator's own wording: quotations (kept in the original language on
purpose) are set aside, and so are capitalised words (names, acronyms, brands such as NASA,
Carnegie Endowment, Самрук-Қазына). What is left must be in the edition's script (Cyrillic for
kk and ru, Latin for en) and language (lingua, helped by the letters only Kazakh has), and must
not be a long run copied word for word from the source. Short segments are never judged.
"""

from __future__ import annotations

import re

from translations.langid import detect_language

__all__ = ["check_language"]

SCRIPTS = {"kk": "Cyrillic", "ru": "Cyrillic", "en": "Latin"}
NAMES = {"kk": "Kazakh", "ru": "Russian", "en": "English"}
MIN_OWN_WORDS = 3  # fewer lower-case words than this: too short to judge
MIN_WORDS_FOR_LANGUAGE = 6
MIN_COPIED_RUN = 6  # consecutive words copied from the source...
MIN_COPIED_COMMON = 4  # ...of which this many are lower-case (not a name or a title)
_KAZAKH_ONLY = frozenset("әғқңөұүһі")
_QUOTED = re.compile(r"«[^«»]*»|“[^“”]*[”“]|„[^„“”]*[“”]|\"[^\"]*\"|‘[^‘’]*’")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def _own_words(text: str) -> list[str]:
    """Lower-case words outside quotations: the part of a segment the translator wrote."""
    return [w for w in _WORD.findall(_QUOTED.sub(" ", text)) if not any(c.isupper() for c in w)]


def check_language(
    source: str, target: str, source_language: str | None, target_language: str
) -> str | None:
    """Why the target is not in target_language (wrong script, language or copied run), or None."""
    expected = SCRIPTS.get(target_language)
    if expected is None:
        return None
    own = _own_words(target)
    if len(own) < MIN_OWN_WORDS:
        return None
    latin = sum(1 for w in own if _LATIN.search(w))
    cyrillic = sum(1 for w in own if _CYRILLIC.search(w))
    wrong = latin if expected == "Cyrillic" else cyrillic
    if wrong >= MIN_OWN_WORDS and wrong * 2 >= len(own):
        other = "Latin" if expected == "Cyrillic" else "Cyrillic"
        return (f"{wrong} of {len(own)} words are in {other} script; "
                f"a {NAMES[target_language]} edition is written in {expected}.")
    if source_language != target_language and (run := _copied_run(source, target)):
        return f"Copied from the source without translation: {run!r}."
    if len(own) >= MIN_WORDS_FOR_LANGUAGE:
        return _other_language(own, target_language)
    return None


def _other_language(own: list[str], target_language: str) -> str | None:
    """Kazakh and Russian share a script; tell them apart on the translator's own words."""
    kazakh_words = sum(1 for w in own if _KAZAKH_ONLY.intersection(w))
    if target_language == "ru" and kazakh_words >= 3 and kazakh_words * 3 >= len(own):
        return f"{kazakh_words} of {len(own)} words have Kazakh-only letters: this reads as Kazakh."
    if target_language == "kk" and kazakh_words == 0:
        detection = detect_language(" ".join(own))
        if detection.language == "ru" and detection.confidence >= 0.9:
            return "No word has a Kazakh letter and the text reads as Russian."
    if target_language == "en":
        detection = detect_language(" ".join(own))
        if detection.language is None and detection.scores.get("other", 0) >= 0.9:
            return "The text does not read as English."
    return None


def _copied_run(source: str, target: str) -> str | None:
    """The longest run of target words found in the same order in the source, if long enough."""
    source_words = [w.casefold() for w in _WORD.findall(_QUOTED.sub(" ", source))]
    target_words = _WORD.findall(_QUOTED.sub(" ", target))
    if len(source_words) < MIN_COPIED_RUN or len(target_words) < MIN_COPIED_RUN:
        return None
    folded = [w.casefold() for w in target_words]
    # Windows of MIN_COPIED_RUN words found in the source, chained while they overlap: linear
    # time even for a long segment that repeats itself.
    size = MIN_COPIED_RUN
    grams = {tuple(source_words[i:i + size]) for i in range(len(source_words) - size + 1)}
    best: tuple[int, int] = (0, 0)
    start = end = -1
    for i in range(len(folded) - size + 1):
        if tuple(folded[i:i + size]) not in grams:
            continue
        if i >= end:  # not overlapping the current run: start a new one
            start = i
        end = i + size
        if end - start > best[1] - best[0]:
            best = (start, end)
    run = target_words[best[0]:best[1]]
    common = sum(1 for w in run if not any(c.isupper() for c in w))
    if len(run) >= MIN_COPIED_RUN and common >= MIN_COPIED_COMMON:
        return " ".join(run)
    return None
