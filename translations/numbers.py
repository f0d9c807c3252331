"""Numbers, times and dates in kk/ru/en text read as values, so a correct rewrite is not a loss.

Each mention gets every reading it can have: ``14.30`` is 14.3 or the time 14:30, ``1,500`` is
1500 or 1.5, ``1,5 млн`` and ``1.5 million`` are 1500000, ``30.01.2025`` and ``30 қаңтар 2025``
are the date 2025-01-30, ``three`` is 3. A source mention is kept when some target mention shares
a reading with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

__all__ = ["Mention", "compare_numbers", "mentions"]

_MONTHS = {
    # English, Russian (stems cover every case: января, январе), Kazakh (stems cover suffixes)
    1: ("january", "jan", "январ", "қаңтар"),
    2: ("february", "feb", "феврал", "ақпан"),
    3: ("march", "mar", "март", "наурыз"),
    4: ("april", "apr", "апрел", "сәуір"),
    5: ("may", "мая", "мае", "май", "мамыр"),
    6: ("june", "jun", "июн", "маусым"),
    7: ("july", "jul", "июл", "шілде"),
    8: ("august", "aug", "август", "тамыз"),
    9: ("september", "sept", "sep", "сентябр", "қыркүйек", "қыркүйег"),
    10: ("october", "oct", "октябр", "қазан"),
    11: ("november", "nov", "ноябр", "қараша"),
    12: ("december", "dec", "декабр", "желтоқсан"),
}
# Units a translator converts (a human ru/kk translation often gives metric for imperial): a
# quantity also reads as its metric value rounded to one and two significant digits, so "550
# pounds" meets "250 кг" and "10 inches" meets "25 см". Stems; "градус" is °F or °C.
_TO_METRIC = {
    "mile": 1.609344, "mi": 1.609344, "mph": 1.609344, "миля": 1.609344, "мил": 1.609344,
    "foot": 0.3048, "feet": 0.3048, "ft": 0.3048, "фут": 0.3048,
    "inch": 2.54, "дюйм": 2.54, "pound": 0.45359237, "lb": 0.45359237, "фунт": 0.45359237,
    "yard": 0.9144, "ярд": 0.9144,
}
_METRIC = ("km", "kilomet", "км", "километр", "metre", "meter", "м", "метр", "cm", "см",
           "сантиметр", "kg", "кг", "килограмм", "kilogram", "°c", "celsius", "цельси")
_DEGREES = ("degree", "fahrenheit", "градус")
_SCALES = {
    "thousand": 3, "thousands": 3, "k": 3, "тыс": 3, "тысяч": 3, "тысячи": 3, "тысяча": 3,
    "мың": 3, "million": 6, "millions": 6, "mln": 6, "m": 6, "млн": 6, "миллион": 6,
    "миллиона": 6, "миллионов": 6, "billion": 9, "billions": 9, "bn": 9, "b": 9, "млрд": 9,
    "миллиард": 9, "миллиарда": 9, "миллиардов": 9, "trillion": 12, "трлн": 12,
    "триллион": 12, "триллиона": 12, "триллионов": 12,
}  # fmt: skip
# Small numbers written as words (Russian and Kazakh by stem: "двух", "екінші", "үшеуі").
_WORDS = {
    0: ("zero", "ноль", "нөл"),
    1: ("one", "first", "один", "одна", "одно", "одного", "одной", "одном", "одну", "первы",
        "первая", "первое", "первого", "бір"),
    2: ("two", "second", "twice", "два", "две", "двух", "двум", "двумя", "втор", "екі", "екін",
        "қос"),
    3: ("three", "third", "три", "трех", "трёх", "трем", "тремя", "трет", "үш"),
    4: ("four", "fourth", "четыре", "четырех", "четырёх", "четвер", "төрт"),
    5: ("five", "fifth", "пять", "пяти", "пятью", "пят", "бес"),
    6: ("six", "sixth", "шесть", "шести", "шест", "алты"),
    7: ("seven", "seventh", "семь", "семи", "седьм", "жеті"),
    8: ("eight", "eighth", "восемь", "восьми", "восьм", "сегіз"),
    9: ("nine", "ninth", "девять", "девяти", "девят", "тоғыз"),
    10: ("ten", "tenth", "десять", "десяти", "десят", "он"),
    11: ("eleven", "одиннадцат"),
    12: ("twelve", "двенадцат"),
    20: ("twenty", "двадцат", "жиырма"),
    30: ("thirty", "тридцат", "отыз"),
    40: ("forty", "сорок", "қырық"),
    50: ("fifty", "пятьдесят", "елу"),
    100: ("hundred", "сто", "ста", "сотн", "жүз"),
    1000: ("thousand", "тысяч", "мың"),
    10**6: ("million", "миллион"),
    10**9: ("billion", "миллиард"),
}
# Whole words (not stems): short Kazakh roots that begin many unrelated words.
_EXACT_WORDS = {"он", "бір", "бес", "үш", "екі", "қос", "сто", "ста", "жүз", "мың", "may"}

_GROUPED = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d.,]\d)"
_PLAIN = r"\d+(?:[.,:/]\d+)*"
_NUMBER = re.compile(rf"(?<![\w.,])(?:\d{{4}}-\d{{2}}-\d{{2}}\b|{_GROUPED}|{_PLAIN})")
_AFTER = re.compile(r"[\s\u00a0]*(?:-?\s*)?([^\W\d_]+)\.?", re.UNICODE)
_WORD = re.compile(r"[^\W\d_]+")
_ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1}
_MAX_AUGMENTED = 200  # mentions left to pair; beyond, a greedy pairing keeps the check fast
_PM = re.compile(r"\s*(p\.?\s?m\.?|a\.?\s?m\.?)", re.IGNORECASE)


@dataclass(frozen=True)
class Mention:
    """One number, time or date in a text, with every value it may stand for."""

    text: str
    readings: frozenset[str]
    written: bool = False  # a number word such as "three": may stand in for a digit, not required


def _canon(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _month(word: str) -> int | None:
    word = word.casefold()
    for number, stems in _MONTHS.items():
        for stem in stems:
            if word == stem or (len(stem) >= 4 and word.startswith(stem)):
                return number
    return None


def _plain_readings(token: str) -> set[Decimal]:
    """Values of a digits-and-separators token: grouping and decimal marks in both conventions."""
    values: set[Decimal] = set()
    compact = re.sub(r"[ \u00a0\u202f]", "", token)
    if compact != token:
        return {Decimal(compact)}
    if ":" in token or "/" in token:
        return values
    parts = re.split(r"([.,])", token)
    numbers, marks = parts[::2], parts[1::2]
    if not marks:
        return {Decimal(token)}
    if all(len(p) == 3 for p in numbers[1:]) and 1 <= len(numbers[0]) <= 3:
        if len(set(marks)) == 1:
            values.add(Decimal("".join(numbers)))  # 1,500,000 / 1.500.000
    if len(marks) == 1:
        values.add(Decimal(f"{numbers[0]}.{numbers[1]}"))  # 1,5 / 1.5
    elif len(set(marks)) == 2 and marks[-1] != marks[0] and len(set(marks[:-1])) == 1:
        if all(len(p) == 3 for p in numbers[1:-1]):  # 1,500.25 / 1.500,25
            values.add(Decimal("".join(numbers[:-1]) + "." + numbers[-1]))
    return values


def _date_readings(token: str) -> set[str]:
    """30.01.2025, 30/01/2025, 01/30/2025, 2025-01-30 style dates; 14:30 / 14.30 times."""
    found: set[str] = set()
    if len(token) > 10:
        return found
    parts = re.split(r"[.:/-]", token)
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        hours, minutes = int(parts[0]), int(parts[1])
        if len(parts[1]) == 2 and hours < 24 and minutes < 60:
            found.add(f"time:{hours:02d}:{minutes:02d}")
        day, month = hours, minutes
        if len(parts[1]) == 2 and 1 <= day <= 31 and 1 <= month <= 12:
            found.add(f"date:--{month:02d}-{day:02d}")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        a, b, c = (int(p) for p in parts)
        if len(parts[0]) == 4 and 1 <= b <= 12 and 1 <= c <= 31:
            found.add(f"date:{a:04d}-{b:02d}-{c:02d}")
        if len(parts[2]) in (2, 4):
            year = c if len(parts[2]) == 4 else 2000 + c
            if 1 <= b <= 12 and 1 <= a <= 31:
                found.add(f"date:{year:04d}-{b:02d}-{a:02d}")
            if 1 <= a <= 12 and 1 <= b <= 31:
                found.add(f"date:{year:04d}-{a:02d}-{b:02d}")
    return found


def mentions(text: str) -> list[Mention]:
    """Every number, time and date in text, with written dates and scales folded in."""
    found: list[Mention] = []
    consumed_until = 0
    for match in _NUMBER.finditer(text):
        if match.start() < consumed_until:
            continue
        token, end = match.group(0), match.end()
        readings: set[str] = set()
        values = _plain_readings(token)
        readings |= _date_readings(token)
        after = _AFTER.match(text, end)
        word = after.group(1).casefold() if after else ""
        attached = after is not None and not after.group(0)[:1].isspace()
        readings |= _metric_readings(word, values)
        if (power := _scale(word, attached)) and values:
            values = {v * (Decimal(10) ** power) for v in values}
            end = after.end() if after is not None else end
        elif (len(token) <= 5 and (pm := _PM.match(text, end))
              and ("time:" in " ".join(readings) or token.isdigit())):
            hours_minutes = token.replace(".", ":").split(":")
            if hours_minutes[0].isdigit() and int(hours_minutes[0]) <= 12:
                hours = int(hours_minutes[0]) % 12 + (12 if pm.group(1)[0] in "pP" else 0)
                minutes = int(hours_minutes[1]) if len(hours_minutes) > 1 else 0
                readings.add(f"time:{hours:02d}:{minutes:02d}")
                if minutes == 0:
                    readings.add(f"time:{hours:02d}")
        date = _written_date(text, match.start(), end, token)
        if date:
            readings.add(date[0])
            end = max(end, date[1])
        if token.isdigit() and ":" not in token and len(token) <= 2:
            readings.add(f"time:{int(token):02d}")  # "at 9 o'clock" / "9:00"
        if re.fullmatch(r"\d{1,2}[:.]00", token):
            readings.add(f"time:{int(token[:-3]):02d}")
        readings |= {_canon(v) for v in values}
        if not readings and re.fullmatch(r"\d+(?:[:/]\d+)+", token):
            # a score or a fraction (2:1, 27:37, 220 2/3): its numbers, one by one
            found.extend(Mention(part, frozenset({part.lstrip("0") or "0"}))
                         for part in re.split(r"[:/]", token))
        else:
            found.append(Mention(text[match.start():end], frozenset(readings)))
        consumed_until = end
    found.extend(_written_numbers(text))
    return found


def _metric_readings(unit: str, values: set[Decimal]) -> set[str]:
    """'≈' readings of a quantity in metric units: a metric one to two significant digits; a
    converted one to one or two, as translators round what they convert ("about 6 metres")."""
    if not unit or not values:
        return set()
    readings: set[str] = set()

    def add(number: float, converted: bool) -> None:
        if number > 0:
            readings.update(f"≈{_significant(number, d)}" for d in ((1, 2) if converted else (2,)))

    def named(units) -> bool:
        return any(unit == u or (len(u) >= 3 and unit.startswith(u)) for u in units)

    for value in values:
        number = float(value)
        if named(_DEGREES):
            add(number, False)
            add((number - 32) * 5 / 9, True)
        elif factor := next((f for u, f in _TO_METRIC.items() if named((u,))), None):
            add(number * factor, True)
        elif named(_METRIC):
            add(number, False)
    return readings


def _significant(number: float, digits: int) -> str:
    rounded = float(f"{number:.{digits}g}")
    return _canon(Decimal(repr(rounded)))


def _scale(word: str, attached: bool) -> int | None:
    """Power of ten of a scale word, inflected ones too (мыңнан, миллионға, млн-нан); the
    one-letter ones only written on the number ($5m, 2bn), as "5 m" is five metres."""
    if len(word) == 1 and not attached:
        return None
    if word in _SCALES:
        return _SCALES[word]
    for key, power in _SCALES.items():
        if len(key) >= 3 and not key.isascii() and word.startswith(key):
            return power
    return None


def _written_date(text: str, start: int, end: int, token: str) -> tuple[str, int] | None:
    """'30 January 2025', 'January 30, 2025', '30 января 2025 года', '2025 жылғы 30 қаңтар'."""
    if not token.isdigit() or len(token) > 4:
        return None
    number = int(token)
    after = text[end:end + 40]
    before = text[max(0, start - 40):start]
    m = re.match(r"[\s\u00a0]*(?:-?[^\W\d_]{0,4}\s+)?([^\W\d_]+)(?:[\s,]+(\d{4}))?", after)
    if m and (month := _month(m.group(1))) and 1 <= number <= 31:
        year = m.group(2) or ""
        return (f"date:{year or '-'}-{month:02d}-{number:02d}" if year
                else f"date:--{month:02d}-{number:02d}", end + m.end())
    m = re.search(r"([^\W\d_]+)\.?[\s\u00a0]+$", before)
    if m and (month := _month(m.group(1))) and 1 <= number <= 31:
        y = re.match(r",?[\s\u00a0]+(\d{4})\b", text[end:])
        if y:
            return f"date:{y.group(1)}-{month:02d}-{number:02d}", end + y.end()
        return f"date:--{month:02d}-{number:02d}", end
    if len(token) == 4:  # "2025 жылғы 30 қаңтар" / "2025 жылы 30 қаңтарда"
        m = re.match(r"[\s\u00a0]*(?:-?\s*)?жыл\w*[\s\u00a0]+(\d{1,2})[\s\u00a0]+([^\W\d_]+)",
                     text[end:])
        if m and (month := _month(m.group(2))) and 1 <= int(m.group(1)) <= 31:
            return f"date:{token}-{month:02d}-{int(m.group(1)):02d}", end + m.end()
    return None


def _roman(word: str) -> int | None:
    """Value of a Roman numeral of two or more letters (XIX ғасыр, XXI век), else None."""
    if len(word) < 2 or not _ROMAN.fullmatch(word):
        return None
    values = [_ROMAN_VALUES[ch] for ch in word]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v
               for i, v in enumerate(values))


def _written_numbers(text: str) -> list[Mention]:
    """Small numbers written as words (one, три, екі) and Roman numerals; they may replace
    digits but are never required."""
    found = []
    for match in _WORD.finditer(text):
        if (roman := _roman(match.group(0))) is not None:
            found.append(Mention(match.group(0), frozenset({str(roman)}), written=True))
            continue
        if (value := _word_value(match.group(0).casefold())) is not None:
            readings = {str(value)}
            if value <= 12:
                readings.add(f"time:{value:02d}")
            found.append(Mention(match.group(0), frozenset(readings), written=True))
    return found


@lru_cache(maxsize=4096)
def _word_value(word: str) -> int | None:
    """The number a word spells (три, двух, екінші), if any."""
    for value, forms in _WORDS.items():
        if any(_word_is(word, form) for form in forms):
            return value
    return None


def _word_is(word: str, form: str) -> bool:
    if word == form:
        return True
    if form in _EXACT_WORDS or len(form) < 3:
        return False
    if form[0] in "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі":
        rest = word[len(form):]
        return word.startswith(form) and len(rest) <= 4
    return False


def compare_numbers(source: str, target: str) -> tuple[list[str], list[str]]:
    """(source mentions missing from the target, target mentions not in the source)."""
    src, tgt = mentions(source), mentions(target)
    src_digits = [m for m in src if not m.written]
    tgt_digits = [m for m in tgt if not m.written]
    src_words = [m for m in src if m.written]
    tgt_words = [m for m in tgt if m.written]
    missing = _unmatched(src_digits, tgt_digits)
    extra = _unmatched(tgt_digits, src_digits)
    missing = _unmatched(missing, tgt_words)
    extra = _unmatched(extra, src_words)
    return [m.text for m in missing], [m.text for m in extra]


def _unmatched(wanted: list[Mention], available: list[Mention]) -> list[Mention]:
    """Mentions of wanted left over after pairing each with an available one sharing a value.

    Mentions read the same way pair off first; the rest pair by augmenting paths, so "14.30"
    never takes the only partner "14.3" needed (greedily past _MAX_AUGMENTED, for bounded time).
    """
    pool: dict[frozenset[str], int] = {}
    for mention in available:
        pool[mention.readings] = pool.get(mention.readings, 0) + 1
    rest: list[Mention] = []
    for mention in wanted:
        if pool.get(mention.readings):
            pool[mention.readings] -= 1
        else:
            rest.append(mention)
    others = [Mention("", readings) for readings, n in pool.items() for _ in range(n)]
    edges = [[j for j, other in enumerate(others) if other.readings & mention.readings]
             for mention in rest]
    partner_of: dict[int, int] = {}  # index in others -> index in rest

    def place(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in partner_of or (len(rest) <= _MAX_AUGMENTED and place(partner_of[j], seen)):
                partner_of[j] = i
                return True
        return False

    placed = {i for i in range(len(rest)) if place(i, set())}
    return [m for i, m in enumerate(rest) if i not in placed]
