"""Kazakh Cyrillic <-> Latin in the 2021 official, 2018 acute and 2017 apostrophe alphabets.

Cyrillic to Latin is exact letter by letter (the Kazakh Latin edition). Latin to Cyrillic (Latin
input for models trained on Cyrillic) resolves the letters the Latin alphabets merge: и/й
(й after a vowel), х/һ (х), ц ("ts" at the start of a word or before и/у), я/ю ("ia"/"iu" at the
start of a word or after a vowel); ъ, ь and э, which no Latin alphabet tells apart, are not
restored.
"""

from __future__ import annotations

import re
from functools import cache

__all__ = ["ALPHABETS", "guess_alphabet", "is_latin", "to_cyrillic", "to_latin"]

ALPHABETS = ("2021", "2018", "2017")

_COMMON = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "j", "з": "z", "к": "k",
    "қ": "q", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ъ": "", "ы": "y", "ь": "", "э": "e",
}  # fmt: skip
# Letters each alphabet writes its own way (Russian loan letters ё, ю, я, щ, ч included).
_OWN = {
    "2021": {
        "ә": "ä", "ғ": "ğ", "и": "i", "й": "i", "ң": "ñ", "ө": "ö", "у": "u", "ұ": "ū",
        "ү": "ü", "ч": "ç", "ш": "ş", "щ": "şş", "і": "ı", "ё": "io", "ю": "iu", "я": "ia",
    },
    "2018": {
        "ә": "á", "ғ": "ǵ", "и": "ı", "й": "ı", "ң": "ń", "ө": "ó", "у": "ý", "ұ": "u",
        "ү": "ú", "ч": "ch", "ш": "sh", "щ": "sh", "і": "i", "ё": "ıo", "ю": "ıý", "я": "ıa",
    },
    "2017": {
        "ә": "a'", "ғ": "g'", "и": "i'", "й": "i'", "ң": "n'", "ө": "o'", "у": "y'",
        "ұ": "u", "ү": "u'", "ч": "c'", "ш": "s'", "щ": "s'", "і": "i", "ё": "i'o",
        "ю": "i'y'", "я": "i'a",
    },
}  # fmt: skip
# Upper-case forms that str.upper() gets wrong for Kazakh: 2021 writes і as ı/I and и/й as i/İ.
_UPPER = {"ı": "I", "i": "İ"}
_VOWELS = set("аәеиоөұүуыіэюяё")
_CYRILLIC_WORD = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]+")
# After "ts", the letters of и and у (Russian "-ция", "-цу") make it ц; Kazakh "-тса", "-тсін" stay.
_LOAN_AFTER_TS = {"2021": ("i", "u"), "2018": ("ı", "ý"), "2017": ("i'", "y'")}
_IA_2018 = re.compile(r"I(?=[aAýÝ])")
# Letters only one Latin alphabet has; their presence names it.
_MARKS = {
    "2021": set("äğñöūüşçİ"),
    "2018": set("áǵńóúý"),
}


def to_latin(text: str, alphabet: str = "2021") -> str:
    """Write Kazakh Cyrillic text in a Latin alphabet; other characters are kept as they are."""
    table = _table(alphabet)
    return _CYRILLIC_WORD.sub(lambda m: _latin_word(m.group(), table, alphabet), text)


def _latin_word(word: str, table: dict[str, str], alphabet: str) -> str:
    """One word: an all-capitals word (an acronym, a dateline) stays all capitals."""
    acronym = len(word) > 1 and word.isupper()
    out = []
    for ch in word:
        latin = table[ch.lower()]
        if ch.isupper() and latin:
            if acronym:
                latin = "".join(_upper(c, alphabet) for c in latin)
            else:
                latin = _upper(latin[0], alphabet) + latin[1:]
        out.append(latin)
    return "".join(out)


def _upper(ch: str, alphabet: str) -> str:
    """Upper-case one Latin letter the way the alphabet does."""
    return _UPPER.get(ch, ch.upper()) if alphabet == "2021" else ch.upper()


@cache
def _table(alphabet: str) -> dict[str, str]:
    """The full Cyrillic -> Latin table of one alphabet."""
    if alphabet not in ALPHABETS:
        raise ValueError(f"unknown Kazakh Latin alphabet: {alphabet!r}")
    return _COMMON | _OWN[alphabet]


def guess_alphabet(text: str) -> str | None:
    """Name the Latin alphabet a Kazakh text is written in, or None when nothing tells."""
    counts = {name: sum(ch in marks for ch in text) for name, marks in _MARKS.items()}
    counts["2017"] = len(re.findall(r"[a-zA-Z]'[a-zA-Z]?", text))
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] else None


def is_latin(text: str) -> bool:
    """True when most letters of text are Latin ones (placeholders like [X1X] aside)."""
    letters = [ch for ch in re.sub(r"\[X\d+X\]", "", text) if ch.isalpha()]
    latin = sum(1 for ch in letters if ch < "\u0250" or "\u1e00" <= ch <= "\u1eff")
    return latin >= 3 and latin > len(letters) / 2


def to_cyrillic(text: str, alphabet: str | None = None) -> str:
    """Write Latin-script Kazakh in Cyrillic (alphabet guessed from its letters when not given)."""
    alphabet = alphabet or guess_alphabet(text) or "2018"
    pattern, reverse = _reverse(alphabet)
    lowered = _lower(text, alphabet)  # same length: only İ changes length in str.lower()
    out: list[str] = []
    previous = ""  # the Cyrillic letter written before, for и/й and ц
    for m in pattern.finditer(lowered):
        cyrillic = reverse.get(m.group())
        piece = text[m.start() : m.end()]
        if cyrillic is None:
            out.append(piece)
            previous = ""
            continue
        if cyrillic == "и" and previous in _VOWELS:
            cyrillic = "й"
        following = lowered[m.end() : m.end() + 2]
        if cyrillic == "ц" and previous and not following.startswith(_LOAN_AFTER_TS[alphabet]):
            cyrillic = "тс"  # "aıtsa", "ketsin" are айтса, кетсін; "tsentr", "polıtsıia" have ц
        if cyrillic in ("я", "ю") and previous and previous not in _VOWELS:
            cyrillic = "и" + ("а" if cyrillic == "я" else "у")  # "Olımpıada" is Олимпиада
        if any(c.isupper() for c in piece):  # "Sh", "SH" and Kazinform's "ıA" (Я)
            if _caps_word(text, m.start()):
                cyrillic = cyrillic.upper()
            else:
                cyrillic = cyrillic[:1].upper() + cyrillic[1:]
        out.append(cyrillic)
        previous = cyrillic[-1:].lower()
    return "".join(out)


def _caps_word(text: str, at: int) -> bool:
    """True when the word around position at is written all in capitals (an acronym)."""
    start = at
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "'"):
        start -= 1
    end = at
    while end < len(text) and (text[end].isalpha() or text[end] == "'"):
        end += 1
    letters = [c for c in text[start:end] if c.isalpha()]
    return len(letters) > 1 and sum(c.isupper() for c in letters) > len(letters) / 2


def _lower(text: str, alphabet: str) -> str:
    """Lower-case Latin text the way the alphabet does (2021: I is і's capital, İ is и's)."""
    if alphabet == "2021":
        text = text.replace("İ", "i").replace("I", "ı")
    elif alphabet == "2018":
        text = _IA_2018.sub("ı", text)  # "Iaǵnı" is Яғни
    return text.replace("İ", "i").lower()


@cache
def _reverse(alphabet: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """Latin -> Cyrillic table of one alphabet, and a pattern that finds its longest letters."""
    reverse: dict[str, str] = {}
    for cyrillic, latin in _table(alphabet).items():
        if latin and cyrillic not in "ъьэһщё":
            reverse.setdefault(latin, cyrillic)
    reverse |= {"h": "х", "c": "ц", "w": "у", "x": "кс"}
    if alphabet == "2021":
        reverse |= {"i": "и", "şş": "щ"}
    elif alphabet == "2018":
        reverse |= {"ı": "и", "u": "ұ"}
    else:
        reverse |= {"i'": "и", "s'": "ш"}
    reverse.pop("io", None)  # "radio", "region": a Latin "io" is almost never ё
    reverse.pop("ıo", None)
    reverse.pop("i'o", None)
    keys = sorted(reverse, key=len, reverse=True)
    letters = "|".join(re.escape(k) for k in keys)
    return re.compile(rf"(?:{letters})|.", re.DOTALL), reverse
