"""Word forms for kk/ru/en: does a text word inflect a term word, and Kazakh alphabetical order.

Russian and English use the Snowball stemmers. Kazakh is agglutinative: a form is the term
followed by a chain of plural, possessive and case suffixes (Астана → Астанада, Астананың;
министрлігі → министрлігінің), all of one vowel class (back а/ы or front е/і), with a final
п/к/қ voiced before a vowel (кітап → кітабы).
"""

from __future__ import annotations

import re
from functools import cache

import snowballstemmer
from pyuca import Collator

__all__ = ["forms_match", "kazakh_sort_key", "stem", "words"]

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")

_BACK = frozenset("аоұыяё")
_FRONT = frozenset("әөүі")
_VOWELS = frozenset("аәеёиоөуұүыіэюя")
# Surface forms of Kazakh inflectional suffixes, grouped by vowel class (neutral: no vowel).
_KK_BACK = (
    "лар дар тар ымыз мыз ыңыз ңыз ым ың сы ы ның дың тың ға қа на а ны ды ты да та нда "
    "дан тан нан мен бен пен менен дағы тағы ндағы ша дай ндай ғы қы"
).split()
_KK_FRONT = (
    "лер дер тер іміз міз іңіз ңіз ім ің сі і нің дің тің ге ке не е ні ді ті де те нде "
    "ден тен нен мен бен пен менен дегі тегі ндегі ше дей ндей гі кі"
).split()
_KK_NEUTRAL = ("м", "ң", "н")
_VOICING = {"п": "б", "к": "г", "қ": "ғ"}
_EN_ENDINGS = frozenset({"", "s", "es", "'s", "’s", "s'", "s’"})
_RU_ENDING_AFTER_FULL_FORM = 3  # Токаев → Токаева, Токаевым: the nominative plus a case ending


@cache
def _snowball(language: str):
    return snowballstemmer.stemmer({"ru": "russian", "en": "english"}[language])


def words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, case-folded word) for each word; hyphens split (NASA-ның → NASA, ның)."""
    return [(m.start(), m.end(), m.group(0).casefold()) for m in _WORD.finditer(text)]


def stem(word: str, language: str) -> str:
    """The stem a term word and its inflected forms share (case-folded)."""
    word = word.casefold()
    if language in ("ru", "en"):
        return _snowball(language).stemWord(word)
    if language == "kk":
        return _kazakh_stem(word)
    return word


def forms_match(term_word: str, word: str, language: str) -> bool:
    """True when ``word`` is ``term_word`` itself or one of its inflected forms."""
    term_word, word = term_word.casefold(), word.casefold()
    if term_word == word:
        return True
    if language == "kk":
        return _kazakh_inflects(term_word, word)
    if language == "en":
        rest = word[len(term_word):] if word.startswith(term_word) else None
        if rest in _EN_ENDINGS:
            return True
        extends = rest is not None and len(rest) > 2  # Toqayevism is not Toqayev
        return not extends and stem(term_word, language) == stem(word, language)
    if language == "ru":
        term_stem, word_stem = stem(term_word, language), stem(word, language)
        if word_stem.startswith(term_stem) and term_word.startswith(word_stem):
            return True  # Астана (stem "аста") and Астане (stem "астан")
        # Proper names the stemmer over-cuts (Токаев → тока): full form plus a short ending.
        rest = word[len(term_word):]
        return (word.startswith(term_word) and len(rest) <= _RU_ENDING_AFTER_FULL_FORM
                and rest.isalpha())
    return False


def _vowel_class(stem_text: str) -> set[str]:
    """Which suffix vowels fit after this stem: back, front, or both for loanwords (е, и, у)."""
    for ch in reversed(stem_text):
        if ch in _BACK:
            return {"back"}
        if ch in _FRONT:
            return {"front"}
        if ch in "еэ" and any(c in _BACK for c in stem_text):
            return {"back", "front"}  # Тоқаев: the loan -ев takes back suffixes (Тоқаевтың)
    return {"back", "front"}


def _suffixes(vowel_class: str) -> tuple[str, ...]:
    own = _KK_BACK if vowel_class == "back" else _KK_FRONT
    return tuple(sorted((*own, *_KK_NEUTRAL), key=len, reverse=True))


def _is_suffix_chain(rest: str, vowel_class: str, depth: int = 0) -> bool:
    if not rest:
        return True
    if depth >= 4:
        return False
    return any(rest.startswith(s) and _is_suffix_chain(rest[len(s):], vowel_class, depth + 1)
               for s in _suffixes(vowel_class))


def _kazakh_inflects(term_word: str, word: str) -> bool:
    """Kazakh: word = term_word (final п/к/қ maybe voiced) + a chain of suffixes of one class."""
    stems = [term_word]
    if term_word[-1:] in _VOICING:
        stems.append(term_word[:-1] + _VOICING[term_word[-1]])
    for candidate in stems:
        if word.startswith(candidate):
            rest = word[len(candidate):]
            if candidate != term_word and (not rest or rest[0] not in _VOWELS):
                continue
            if any(_is_suffix_chain(rest, c) for c in _vowel_class(term_word)):
                return True
    return False


def _kazakh_stem(word: str) -> str:
    """Strip suffixes from the end while a stem of two syllables' worth of letters remains."""
    changed = True
    while changed:
        changed = False
        for vowel_class in ("back", "front"):
            for suffix in _suffixes(vowel_class):
                head = word[: -len(suffix)]
                if (word.endswith(suffix) and len(head) >= 3
                        and any(ch in _VOWELS for ch in head)
                        and vowel_class in _vowel_class(head)):
                    word, changed = head, True
                    break
            if changed:
                break
    return word


@cache
def _collator() -> Collator:
    return Collator()


# CLDR's Kazakh tailoring of the Unicode Collation Algorithm: "ё" a letter after "е" and "і" after
# "ы" (the root order makes ё a variant of е and puts і after и). Everything else (ә after а,
# ғ after г, қ after к, ө after о, ү ұ after у, һ after х) is already the root order.
_KK_TAILORING = str.maketrans({"і": "ы\U0010fffd", "І": "Ы\U0010fffd", "ё": "е\U0010fffd",
                                "Ё": "Е\U0010fffd"})


def kazakh_sort_key(text: str) -> tuple[int, ...]:
    """Sort key giving Kazakh alphabetical order: а ә б в г ғ … о ө … у ү ұ … ы і ь э ю я."""
    return _collator().sort_key(text.translate(_KK_TAILORING))
