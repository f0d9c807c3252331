"""Sentence segmentation for kk/ru/en news: pysbd plus newsroom rules, with exact offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from translations import abbreviations as abbr

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


_PRONOUNS = frozenset("he she they i we it you".split())
# "...forward," Toqayev said / '...water!'" Hammel added: a quote and its attribution are one.
_ATTRIBUTION = re.compile(
    r"^(?:[A-Z][\w.'’-]*\s+){1,4}(?:said|says|added|adds|told|asked|wrote|writes|noted|"
    r"explained|stated|continued|insisted|replied|tweeted|warned|recalled|concluded|reported|"
    r"announced)\b"
)
_WORD_BEFORE_DOT = re.compile(r"(?:^|(?<=[\s(«\"“'‘]))((?:[^\W\d_]+[.-])*[^\W\d_]+)\.$")
_INITIAL = re.compile(r"(?:^|[\s(«\"“/-])([^\W\d_])\.$")
# Initials written together: "Е.С. Елтүзеров", "А.И. Усенко".
_INITIALS = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")
# Spaced or dotted lower-case abbreviations: "т. д.", "до н. э.", "б.з.б.", "т.с.с."
_SPACED_ABBREVIATION = re.compile(
    r"(?:^|(?<=[\s(«\"“]))((?:[^\W\d_]{1,3}\.\s?){1,3}[^\W\d_]{1,3})\.$"
)
# An unlisted lower-case abbreviation of one- or two-letter parts: "ш.ж.қ", "т.ғ.д".
_DOTTED = re.compile(r"[^\W\d_]{1,2}(?:\.[^\W\d_]{1,2})+")
# Where a long line may be cut before pysbd: "... жұмыс істейді. Келесі ..."
_SURE_END = re.compile(r"(?<=[^\W\d_]{4}[.!?])\s+(?=[^\W\d_]+\s)")
_CHUNK = 200
_WORDS = re.compile(r"[^\W\d_]+")
# A labelled note in brackets after a full stop: "(credit: ...)", "(Фото: ...)".
_CREDIT = re.compile(r"[(\[]\s*[^\W\d_]+(?:\s[^\W\d_]+)?\s*:")
_ROMAN = re.compile(r"[IVXLC]{2,}|[IVX]")
# A short lower-case Cyrillic word cut after two consonants ("мөлш.", "напр."), unlisted.
_TRUNCATED = re.compile(
    r"[а-яёәғқңөұүһі]{0,3}[бвгджзйклмнпрстфхцчшщғқңһ]{2}(?<!нт|рт|ст|кт|нк|рк|лк|нд|рд|рс|лт|йт|рп)"
)
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
        spans = [
            (offset + a, offset + b)
            for offset, chunk in _chunks(line.group())
            for a, b in _pysbd_spans(chunk, language)
        ]
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


def _chunks(line: str) -> list[tuple[int, str]]:
    """Cut a long line at sure sentence ends, so pysbd's cost stays linear in its length.

    pysbd rescans the whole text once per abbreviation it finds, so a 100-sentence paragraph costs
    it about ten times what ten 10-sentence ones do. A cut is made only after a lower-case word of
    four letters or more and terminal punctuation, before a capitalised word, outside quotes and
    brackets; the rules judge it like any other boundary.
    """
    if len(line) <= _CHUNK:
        return [(0, line)]
    out, start = [], 0
    for m in _SURE_END.finditer(line):
        piece = line[start : m.start()]
        word, after = line[m.start() - 5 : m.start() - 1], line[m.end()]
        if (
            len(piece) >= _CHUNK
            and word.islower()
            and after.isupper()
            and (_balanced(piece) or len(piece) >= 4 * _CHUNK)
        ):
            out.append((start, piece))
            start = m.start()
    out.append((start, line[start:]))
    return out


def _balanced(text: str) -> bool:
    """True when every quote and bracket opened in text is closed in it."""
    return (
        text.count("«") == text.count("»")
        and text.count("(") == text.count(")")
        and text.count('"') % 2 == 0
        and (text.count("“") + text.count("”") + text.count("„")) % 2 == 0
    )


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
    spaced = left[-1:].isspace() or right[:1].isspace()
    left, right = left.rstrip(), right.lstrip()
    if not left or not right:
        return True
    first = right.lstrip(_OPENERS + " \u00a0")[:1]
    if left[-1].isalnum():
        return True  # no sentence ends without punctuation ("on July | 8." list-item rule)
    if not spaced and (right[0] in "-–—" or right[0].isalpha()) and left[-1] in ".?!":
        return True  # "Q.-J.", "Yahoo!News"; but "маңызды. – Біз ..." is dialogue
    end = _left_end(left, language)
    if end in ("word", "truncated") and _CREDIT.match(right):
        return False  # "... properties. (credit: modification of work by ...)"
    if first.islower() or right[0] in ",;:)]!?" or _closes(right):
        return True
    if language == "en" and _is_attribution(left, right):
        return True
    if _inside_brackets(left, right):
        return True  # "Бейкер (туған ж. 12 наурыз ...)": editors never split inside brackets
    if end == "word" or (end == "truncated" and not first.isdigit()):
        return False
    if end == "initial":
        # "В. | В. Путин", "Қ. | Тоқаев"; but not "grade A. | The data" or "Apollo X. | "She ..."
        return not (right[0] in _OPENERS or _starts_sentence(right, language))
    if first.isdigit():
        return True  # "т. е. 360 фунтов", "б.з.б. 3-мыңжылдықта", "мөлш. 500 мм"
    if end == "dotted":
        return not (right[0] in _OPENERS or _starts_sentence(right, language))
    abbreviation = end
    if abbreviation in abbr.BEFORE_NUMBER or (
        language == "en" and abbreviation in abbr.EN_ENDS_BEFORE_CAPITAL
    ):
        return False
    if abbreviation in abbr.LATIN and language != "en":
        return not _is_cyrillic_capital(first)  # "картам U.S. Drought" / "суда D.C. Пелоси"
    if abbreviation in ("г", "гг") and not re.search(r"\d", left.split()[-2:][0]):
        return True  # "в г. Остин" is a city; the year is "2018 г."
    if abbreviation in abbr.COUNTS and _first_word(right).isupper():
        return True  # "60 млрд. АҚШ долларын"
    if abbreviation in abbr.LIST_ENDS[language]:
        return not first.isupper()  # "... и т. д. | Такие случаи ..."
    if abbreviation in abbr.DATES[language]:
        return not _date_ends_sentence(left, right, language)
    if abbreviation in ("us", "uk") or abbreviation in abbr.MAY_END[language]:
        if language == "en":
            return not _starts_sentence(right, language)
        return not first.isupper() or len(left.split()) < 4  # "до 3 км. | Вглубь ..."
    return True


def _left_end(left: str, language: str) -> str:
    """Name what stands before the final dot of left.

    "word" (a sentence may end there), "initial", "dotted" (an unlisted "x.y." abbreviation),
    "truncated" (a short unlisted word cut off after a consonant pair, as "мөлш."), or the
    listed abbreviation itself in lower case with inner spaces removed ("т. д." -> "т.д").
    """
    if not left.endswith("."):
        return "word"
    spaced = _SPACED_ABBREVIATION.search(left)
    if spaced and spaced.group(1).islower():
        token = re.sub(r"\s+", "", spaced.group(1)).lower()
        before = left[: spaced.start(1)].split()[-1:]
        if before and f"{before[0].lower()} {token}" in abbr.NEVER_FINAL[language]:
            return f"{before[0].lower()} {token}"  # "до н. э."
        if token in abbr.NEVER_FINAL[language]:
            return token
        if _DOTTED.fullmatch(token):
            return "dotted"
    initial = _INITIAL.search(left)
    if initial:
        letter = initial.group(1)
        if letter.isupper() and not _foreign_letter(letter, language):
            return "initial"
        if letter.isupper():
            return "word"  # "класса S. | Новые ...", "Твртко I. | Затем ..." in Cyrillic text
    word = _WORD_BEFORE_DOT.search(left)
    if not word:
        return "word"
    token = word.group(1)
    if _ROMAN.fullmatch(token):
        return "word"  # "Генрих VIII. | Затем"
    for candidate in (token, token.rsplit("-", 1)[-1]):
        if candidate.lower() in abbr.NEVER_FINAL[language] or candidate in ("US", "UK"):
            return candidate.lower()
    if token.islower() and _DOTTED.fullmatch(token):
        return "dotted"
    if _INITIALS.fullmatch(token) and token.isupper() and not _foreign_letter(token, language):
        return "initial"
    if language != "en" and _TRUNCATED.fullmatch(token):
        return "truncated"
    return "word"


def _date_ends_sentence(left: str, right: str, language: str) -> bool:
    """Whether a year or era abbreviation before a capital ends the sentence.

    A sentence that so far is only a date ("1465 ж. Керей ...", "В 1960-х гг. Бжезинский ...")
    goes on. Otherwise a word that opens sentences or a quote starts a new one; a date clause
    after a comma ("..., в 1990-х гг. Компания ...") and a Kazakh date (a Kazakh sentence ends
    with its verb) go on before anything else; a Russian date ends its sentence ("... прессу
    весной 2016 г. | Документы ...").
    """
    clauses = re.split(r"[,;:(]|\s[—–-]\s", left)
    bare = not any(len(w) > 3 and w.lower() not in abbr.MONTHS for w in _WORDS.findall(clauses[-1]))
    if bare and len(clauses) == 1:
        return False
    if right[0] in _OPENERS or _starts_sentence(right, language):
        return True
    return not bare and language != "kk"


def _foreign_letter(letter: str, language: str) -> bool:
    """True for a Latin capital in Kazakh or Russian text (not an initial of a local name)."""
    return language != "en" and letter.isascii()


def _inside_brackets(left: str, right: str) -> bool:
    """True when the break falls inside a bracket that opens in left and closes in right."""
    opened = left.rfind("(")
    if opened < 0 or ")" in left[opened:]:
        return False
    closing, reopening = right.find(")"), right.find("(")
    return closing >= 0 and (reopening < 0 or closing < reopening) and closing < 200


def _closes(right: str) -> bool:
    """True when right starts with a closing mark: », a ” not glued to a word, or a lone dot."""
    if right[0] == "»" or (right[0] == "”" and not right[1:2].isalnum()):
        return True
    return right[0] in ".…" and not right.lstrip(".… ")[:1].isupper()


def _is_cyrillic_capital(char: str) -> bool:
    """True for an upper-case Cyrillic letter."""
    return char.isupper() and "\u0400" <= char <= "\u04ff"


def _starts_sentence(right: str, language: str) -> bool:
    """True when right begins with a word that typically opens a sentence ("В. Путин" does not)."""
    m = re.match(r"[^\w]*(\w+(?:-\w+)?)(?!\.)", right)
    return m is not None and m.group(1).lower() in abbr.STARTERS[language]


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
