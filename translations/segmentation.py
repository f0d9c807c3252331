"""Sentence segmentation for kk/ru/en news: pysbd plus newsroom rules, with exact offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pysbd

__all__ = ["SUPPORTED", "Sentence", "split_sentences"]

SUPPORTED = ("kk", "ru", "en")


@dataclass(frozen=True)
class Sentence:
    """One sentence; `text == source[start:end]` for the text it was split from."""

    text: str
    start: int
    end: int


# Abbreviations after which a sentence never ends (lower-cased, without the final dot).
_NEVER_FINAL = {
    "kk": {
        "т.б", "т.с.с", "т.с", "б.з.д", "б.з", "мыс", "құр", "жыл", "ж", "жж", "ғ", "ғғ",
        "млн", "млрд", "мың", "тг", "қаң", "ақп", "нау", "сәу", "мам", "мау", "шіл", "там",
        "қыр", "қаз", "қар", "жел", "көш", "даң", "ш", "обл", "ауд", "проф", "акад",
        "дж", "испан", "ағыл", "лат", "нем", "фр", "б.д.д", "б.д",
    },
    "ru": {
        "т.е", "т.к", "т.н", "т.о", "т.ч", "т.п", "т.д", "и.о", "вр.и.о", "напр", "др", "пр",
        "им", "ул", "пл", "пер", "просп", "пос", "д", "корп", "кв", "стр", "см", "ср", "рис",
        "табл", "гл", "ст", "п", "пп", "ч", "г", "гг", "в", "вв", "н.э", "до н.э", "млн",
        "млрд", "тыс", "руб", "коп", "долл", "янв", "фев", "февр", "мар", "апр", "авг",
        "сент", "сен", "окт", "нояб", "ноя", "дек", "обл", "р-н", "с", "проф", "акад", "доц",
        "тов", "гр", "ген", "полк", "м", "км", "кг", "рус", "англ", "каз", "тел", "зам",
        "ред", "прим", "изд", "св", "свв", "дж", "кв.м",
    },
    "en": {
        "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt",
        "capt", "st", "jr", "sr", "vs", "etc", "e.g", "i.e", "no", "nos", "jan", "feb",
        "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx",
        "dept", "est", "fig", "inc", "ltd", "co", "corp", "u.s", "u.k", "u.n", "e.u", "rev",
        "det", "supt", "a.m", "p.m", "mt", "ft", "pp", "vol", "ed", "al", "sens", "reps",
        "d.c", "v",
    },
}  # fmt: skip
_TITLES = {"mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "gen", "col", "no"}
# Latin abbreviations inside Cyrillic text ("картам U.S. Drought Monitor") never end a sentence.
_LATIN = {"u.s", "u.k", "u.n", "e.u", "d.c", "v"}
_NEVER_FINAL["kk"] |= _TITLES | _LATIN
_NEVER_FINAL["ru"] |= _TITLES | _LATIN
# Abbreviations that only stand before a number ("No. 11"); before anything else the dot ends
# the sentence ("No, no, no. What they said ...").
_BEFORE_NUMBER = {"no", "nos"}
# English months and "etc.": "Oct. 2" goes on, "closed until Oct. President Joko ..." ends.
_EN_ENDS_BEFORE_CAPITAL = {
    "etc",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
}
# Counting words after which an all-capitals acronym is still the same sentence ("60 млрд. АҚШ").
_COUNTS = {"млн", "млрд", "мың", "тыс", "трлн"}
# Of those, the ones that may end a sentence when a capitalised word follows ("в 2024 г. В ...").
_MAY_END = {
    "kk": {"т.б", "т.с.с", "ж", "жж", "ғ", "млн", "млрд", "мың", "тг"},
    "ru": {
        "т.д",
        "т.п",
        "др",
        "г",
        "гг",
        "в",
        "вв",
        "млн",
        "млрд",
        "тыс",
        "руб",
        "коп",
        "км",
        "м",
        "кг",
        "см",
        "н.э",
        "до н.э",
    },
    "en": {
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "jr",
        "sr",
        "u.s",
        "u.k",
        "u.n",
        "e.u",
        "a.m",
        "p.m",
        "d.c",
    },
}
# After an English abbreviation that may end a sentence, only these words start a new one
# ("the U.S. Drought Monitor" goes on, "the West Coast of the U.S. As Rosa ..." does not).
_EN_STARTERS = frozenset(
    "a an the as at in on it its he she we they i you this that these those there then but "
    "and or so if when while after before since his her their our my however meanwhile "
    "according".split()
)
_PRONOUNS = frozenset("he she they i we it you".split())
# "...forward," Toqayev said / '...water!'" Hammel added: a quote and its attribution are one.
_ATTRIBUTION = re.compile(
    r"^(?:[A-Z][\w.'’-]*\s+){1,4}(?:said|says|added|adds|told|asked|wrote|writes|noted|"
    r"explained|stated|continued|insisted|replied|tweeted|warned|recalled|concluded|reported|"
    r"announced)\b"
)
_WORD_BEFORE_DOT = re.compile(r"(?:^|(?<=[\s(«\"“'‘]))((?:[^\W\d_]+[.-])*[^\W\d_]+)\.$")
_INITIAL = re.compile(r"(?:^|[\s(«\"“-])([^\W\d_])\.$")
# A sentence end pysbd may miss (it stops splitting inside unbalanced quotes): terminal
# punctuation, closing quotes (Kazakh news closes with “ and opens with ”, and may leave a
# space before »), space, then an opening quote or dash and a letter or digit.
_CANDIDATE = re.compile(r"[.!?…]+(?:\s?[”“\"»’')\]])*\s+(?=[«“”\"„‘'(\[—–-]*\s*\w)")
_OPENERS = "\"'«“”„‘([—–-"


@cache
def _segmenter(language: str) -> pysbd.Segmenter:
    """Build and cache one pysbd segmenter per language (imported lazily)."""
    import pysbd

    return pysbd.Segmenter(language=language, clean=False)


def split_sentences(text: str, language: str) -> list[Sentence]:
    """Split text into sentences; line breaks always end a sentence."""
    if language not in SUPPORTED:
        raise ValueError(f"unsupported language for segmentation: {language!r}")
    sentences: list[Sentence] = []
    for line in re.finditer(r"[^\n]+", text):
        spans = _pysbd_spans(line.group(), language)
        spans = _apply_rules(line.group(), spans, language)
        for start, end in spans:
            start, end = _strip(text, line.start() + start, line.start() + end)
            if start < end:
                sentences.append(Sentence(text[start:end], start, end))
    return sentences


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) so it has no surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _pysbd_spans(line: str, language: str) -> list[tuple[int, int]]:
    """Run pysbd and map its pieces back onto exact offsets of the line."""
    pieces = _segmenter(language).segment(line)
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in pieces:
        core = piece.strip()
        if not core:
            continue
        found = line.find(core, cursor)
        if found < 0 or line[cursor:found].strip():
            found = _walk(line, cursor, core)
        end = (
            found + len(core)
            if line[found : found + len(core)] == core
            else _end(line, found, core)
        )
        spans.append((found, end))
        cursor = end
    if spans:
        spans[-1] = (spans[-1][0], len(line))
    return _contiguous(spans, len(line))


def _walk(line: str, cursor: int, core: str) -> int:
    """Skip whitespace from cursor: where pysbd rewrote a piece, it starts at the next character."""
    while cursor < len(line) and line[cursor].isspace():
        cursor += 1
    return cursor


def _end(line: str, start: int, core: str) -> int:
    """Find where a rewritten piece ends by counting its non-space characters."""
    need = sum(1 for ch in core if not ch.isspace())
    pos = start
    while pos < len(line) and need:
        if not line[pos].isspace():
            need -= 1
        pos += 1
    return pos


def _contiguous(spans: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """Make spans cover the line without gaps or overlaps (boundaries are what matter)."""
    cuts = sorted({min(max(end, 0), size) for _, end in spans[:-1]} - {0, size})
    edges = [0, *cuts, size]
    return [(a, b) for a, b in zip(edges, edges[1:], strict=False) if a < b]


def _apply_rules(line: str, spans: list[tuple[int, int]], language: str) -> list[tuple[int, int]]:
    """Add boundaries pysbd missed, then drop every boundary the newsroom rules call false."""
    cuts = {_after_closing_quote(line, start) for start, _ in spans[1:]}
    cuts |= {_after_closing_quote(line, m.end()) for m in _CANDIDATE.finditer(line)}
    kept: list[int] = [0]
    for cut in sorted(cuts - {0, len(line)}):
        if cut > kept[-1] and not _is_false_break(line[kept[-1] : cut], line[cut:], language):
            kept.append(cut)
    kept.append(len(line))
    return [(a, b) for a, b in zip(kept, kept[1:], strict=False) if a < b]


def _after_closing_quote(line: str, cut: int) -> int:
    """Move a cut past a quote mark that closes the sentence before it (`sold.|" Experts`)."""
    rest = line[cut:]
    m = re.match(r"\s?[\"”“»’']+(?=\s|$)\s*", rest)
    if m and rest[: m.end()].strip() and line[:cut].rstrip()[-1:] in ".!?…":
        return cut + m.end()
    return cut


def _is_false_break(left: str, right: str, language: str) -> bool:
    """Decide whether the break between two pieces is wrong."""
    left, right = left.rstrip(), right.lstrip()
    if not left or not right:
        return True
    first = right.lstrip(_OPENERS + " \u00a0")[:1]
    if left[-1].isalnum():
        return True  # no sentence ends without punctuation ("on July | 8." list-item rule)
    if right[0] in "-–—" and left.endswith("."):
        return True  # "Q.-J." split at the hyphen
    if first.islower() or right[0] in ",;:)]!?" or _closes(right):
        return True
    if language == "en" and _is_attribution(left, right):
        return True
    if not left.endswith("."):
        return False
    initial = _INITIAL.search(left)
    if initial and initial.group(1).isupper() and first.isupper():
        # "В. | В. Путин", "Қ. | Тоқаев"; but not "grade A. | The data" or "Apollo X. | "She ..."
        return not (right[0] in _OPENERS or _starts_sentence(right, language))
    word = _WORD_BEFORE_DOT.search(left)
    if not word:
        return False
    token = word.group(1)
    abbreviation = _known(token, language)
    if abbreviation is None:
        return False
    if first.isdigit():
        return True
    if abbreviation in _BEFORE_NUMBER or (
        language == "en" and abbreviation in _EN_ENDS_BEFORE_CAPITAL
    ):
        return False
    if abbreviation in _LATIN and language != "en":
        return not _is_cyrillic_capital(first)  # "картам U.S. Drought" / "суда D.C. Пелоси"
    if abbreviation in ("г", "гг") and not re.search(r"\d", left.split()[-2:][0]):
        return True  # "в г. Остин" is a city; the year is "2018 г."
    if token in ("US", "UK") or abbreviation in _MAY_END[language]:
        if abbreviation in _COUNTS and _first_word(right).isupper():
            return True  # "60 млрд. АҚШ долларын"
        if language == "en":
            return not _starts_sentence(right, language)
        return not first.isupper() or len(left.split()) < 4  # "В 1960-х гг. | Бжезинский"
    return True


def _closes(right: str) -> bool:
    """True when right starts with a closing mark: », a ” not glued to a word, or a lone dot."""
    if right[0] == "»" or (right[0] == "”" and not right[1:2].isalnum()):
        return True
    return right[0] in ".…" and not right.lstrip(".… ")[:1].isupper()


def _is_cyrillic_capital(char: str) -> bool:
    """True for an upper-case Cyrillic letter."""
    return char.isupper() and "\u0400" <= char <= "\u04ff"


def _known(token: str, language: str) -> str | None:
    """Return the listed lower-case form of an abbreviation ("non-U.S" -> "u.s"), or None."""
    for candidate in (token, token.rsplit("-", 1)[-1]):
        if candidate.lower() in _NEVER_FINAL[language] or candidate in ("US", "UK"):
            return candidate.lower()
    return None


def _starts_sentence(right: str, language: str) -> bool:
    """True when right begins with a word that typically opens an English sentence."""
    return language == "en" and _first_word(right).lower() in _EN_STARTERS


def _is_attribution(left: str, right: str) -> bool:
    """'"...forward," Toqayev said' / '"...water!" Hammel added' continue the sentence."""
    quote = left.rstrip("\"”'’")
    if quote == left or not _ATTRIBUTION.match(right):
        return False
    if quote.endswith(".") or _first_word(right).lower() in _PRONOUNS:
        return False  # '"... neither." He said ...': a full stop inside the quote ends it
    return True


def _first_word(text: str) -> str:
    """Return the first word of text, without opening quotes."""
    m = re.match(r"[^\w]*(\w+)", text)
    return m.group(1) if m else ""
