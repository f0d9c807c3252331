"""Text hygiene for ingested articles: decoding bytes, Unicode cleanup and look-alike letters."""

from __future__ import annotations

import bisect
import re
import sys
import unicodedata
from dataclasses import dataclass, field

__all__ = [
    "CleanResult",
    "TextWarning",
    "UndecodableText",
    "clean_text",
    "decode_bytes",
    "fix_lookalikes",
    "mixed_script_words",
]


class UndecodableText(ValueError):
    """Raised when bytes are binary or cannot be read as text in any supported encoding."""


@dataclass(frozen=True)
class TextWarning:
    """Something clean_text noticed or repaired; `offset` points into the cleaned text."""

    code: str
    message: str
    offset: int


@dataclass(frozen=True)
class CleanResult:
    """Cleaned text plus the warnings an editor may want to see."""

    text: str
    warnings: list[TextWarning] = field(default_factory=list)

    def codes(self) -> set[str]:
        """Return the set of warning codes, for quick checks."""
        return {w.code for w in self.warnings}


# --- clean_text -----------------------------------------------------------------------------

_SOFT_HYPHEN = "\u00ad"
_ZERO_WIDTH = "\u200b\u200c\u2060\ufeff\u180e"  # ZWJ (U+200D) is kept: it builds emoji.
_BIDI = "\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_NB_SPACES = "\u00a0\u202f\u2007"
_EXOTIC_SPACES = "\u1680\u2000-\u2006\u2008-\u200a\u205f\u3000"
_UPPER = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІ"

# Two left-to-right passes: invisible characters first, then spacing, so removals cannot leave
# a double space behind. Warning offsets are carried through both passes into the output text.
_INVISIBLE_RE = re.compile(
    rf"""
    (?P<newline>\r\n|\r|\u2028|\x85)
  | (?P<paragraph>\u2029)
  | (?P<soft_hyphen>{_SOFT_HYPHEN}+)
  | (?P<zero_width>[{_ZERO_WIDTH}]+)
  | (?P<bidi_control>[{_BIDI}]+)
  | (?P<control_chars>[{_CONTROL}]+)
    """,
    re.VERBOSE,
)
_SPACING_RE = re.compile(
    rf"""
    (?P<digit_group>(?<=\d)[{_NB_SPACES}](?=\d{{3}}(?!\d)))
  | (?P<trailing_space>[ \t{_NB_SPACES}{_EXOTIC_SPACES}]+(?=\n|\Z))
  | (?P<leading_space>(?<=\A)[ \t{_NB_SPACES}{_EXOTIC_SPACES}]+)
  | (?P<space_run>[ \t{_NB_SPACES}{_EXOTIC_SPACES}]{{2,}}|[\t{_NB_SPACES}{_EXOTIC_SPACES}])
  | (?P<blank_lines>\n{{3,}})
  | (?P<missing_space>(?<=[^\W\d_]{{2}})[,;](?=[{_UPPER}][^\W\d_]))
    """,
    re.VERBOSE,
)

_MESSAGES = {
    "soft_hyphen": "removed {n} soft hyphen(s) (U+00AD)",
    "zero_width": "removed {n} zero-width character(s)",
    "bidi_control": "removed {n} bidirectional control character(s)",
    "control_chars": "removed {n} control character(s)",
    "exotic_space": "replaced {n} non-breaking or exotic space(s) with a normal space",
    "missing_space": "inserted {n} missing space(s) after a comma before a capitalised word",
}
_REMOVED = ("soft_hyphen", "zero_width", "bidi_control", "control_chars")


def _replacement(kind: str, piece: str) -> tuple[str, str, int]:
    """Return (replacement, warning code or '', count) for one matched piece."""
    if kind == "newline":
        return "\n", "", 0
    if kind == "paragraph":
        return "\n\n", "", 0
    if kind in _REMOVED:
        return "", kind, len(piece)
    if kind == "digit_group":
        return "\u00a0", "", 0  # keeps "9 226" one number; harmless for MT and segmentation
    if kind in ("trailing_space", "leading_space", "space_run"):
        exotic = sum(1 for ch in piece if ch not in " \t")
        return ("" if kind != "space_run" else " "), ("exotic_space" if exotic else ""), exotic
    if kind == "blank_lines":
        return "\n\n", "", 0
    return piece + " ", "missing_space", 1


def _rewrite(
    text: str, pattern: re.Pattern[str], counts: dict[str, list[int]]
) -> tuple[str, list[tuple[int, int]]]:
    """Apply one pass; note warnings in counts and return (output, [(input_end, output_end)])."""
    out: list[str] = []
    anchors: list[tuple[int, int]] = []
    size = last = 0
    for m in pattern.finditer(text):
        out.append(text[last : m.start()])
        size += m.start() - last
        repl, code, n = _replacement(m.lastgroup or "", m.group())
        if code:
            counts.setdefault(code, [0, size])[0] += n
        out.append(repl)
        size += len(repl)
        last = m.end()
        anchors.append((last, size))
    out.append(text[last:])
    return "".join(out), anchors


def _map_offset(offset: int, anchors: list[tuple[int, int]]) -> int:
    """Map an offset in a pass's input to its output, using that pass's anchors."""
    i = bisect.bisect_right(anchors, (offset, sys.maxsize)) - 1
    if i < 0:
        return offset
    in_end, out_end = anchors[i]
    return out_end + (offset - in_end)


def clean_text(text: str) -> CleanResult:
    """Normalise text to NFC with clean spaces and line endings, reporting what changed."""
    removed: dict[str, list[int]] = {}
    spaced: dict[str, list[int]] = {}
    middle, _ = _rewrite(unicodedata.normalize("NFC", text), _INVISIBLE_RE, removed)
    cleaned, anchors = _rewrite(middle, _SPACING_RE, spaced)
    for entry in removed.values():
        entry[1] = _map_offset(entry[1], anchors)
    counts = removed | spaced
    cleaned = unicodedata.normalize("NFC", cleaned)

    warnings = [
        TextWarning(code, _MESSAGES[code].format(n=n), min(offset, len(cleaned)))
        for code, (n, offset) in counts.items()
    ]
    warnings.extend(_mixed_script_warnings(cleaned))
    warnings.sort(key=lambda w: (w.offset, w.code))
    return CleanResult(cleaned, warnings)


# --- Latin/Cyrillic look-alikes ---------------------------------------------------------------

_LATIN_TO_CYRILLIC = str.maketrans(
    "aceopxyiABCEHKMOPTXYIhk",
    "асеорхуіАВСЕНКМОРТХУІһк",
)
_CYRILLIC_TO_LATIN = str.maketrans(
    "асеорхуіјѕАВСЕНКМОРТХІһ",
    "aceopxyijsABCEHKMOPTXIh",
)
_LATIN_LOOKALIKES = frozenset("aceopxyiABCEHKMOPTXYIhk")
_CYRILLIC_LOOKALIKES = frozenset("асеорхуіјѕАВСЕНКМОРТХІһ")
_WORD_RE = re.compile(r"[^\W\d_]+")


def _script(ch: str) -> str:
    """Return 'Cyrl', 'Latn' or '' for one letter."""
    cp = ord(ch)
    if 0x0400 <= cp <= 0x052F:
        return "Cyrl"
    if cp < 0x0250 or 0x1E00 <= cp <= 0x1EFF:
        return "Latn"
    return ""


def mixed_script_words(text: str) -> list[tuple[int, str, str | None]]:
    """List (offset, word, repaired word or None) for words mixing Latin and Cyrillic letters."""
    found: list[tuple[int, str, str | None]] = []
    for m in _WORD_RE.finditer(text):
        word = m.group()
        scripts = [_script(ch) for ch in word]
        cyr, lat = scripts.count("Cyrl"), scripts.count("Latn")
        if not cyr or not lat:
            continue
        fixed: str | None = None
        if cyr > lat and all(
            c in _LATIN_LOOKALIKES for c, s in zip(word, scripts, strict=True) if s == "Latn"
        ):
            fixed = word.translate(_LATIN_TO_CYRILLIC)
        elif lat > cyr and all(
            c in _CYRILLIC_LOOKALIKES for c, s in zip(word, scripts, strict=True) if s == "Cyrl"
        ):
            fixed = word.translate(_CYRILLIC_TO_LATIN)
        found.append((m.start(), word, fixed))
    return found


def _mixed_script_warnings(text: str) -> list[TextWarning]:
    """Turn mixed-script words into warnings."""
    warnings = []
    for offset, word, fixed in mixed_script_words(text):
        hint = f"; probably {fixed!r}" if fixed else ""
        warnings.append(
            TextWarning("mixed_script", f"{word!r} mixes Latin and Cyrillic letters{hint}", offset)
        )
    return warnings


def fix_lookalikes(text: str) -> str:
    """Replace look-alike letters of the minority script inside mixed-script words."""
    parts: list[str] = []
    last = 0
    for offset, word, fixed in mixed_script_words(text):
        if fixed is None:
            continue
        parts.append(text[last:offset])
        parts.append(fixed)
        last = offset + len(word)
    parts.append(text[last:])
    return "".join(parts)


# --- decode_bytes -----------------------------------------------------------------------------

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive (or .docx)"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"7z\xbc\xaf", "a 7z archive"),
    (b"\x7fELF", "an executable"),
)
# Tried in order; ties go to the earlier one. charset-normalizer was measured and rejected:
# on short Russian cp1251 snippets it answers mac_cyrillic or shift_jis.
_LEGACY = ("cp1251", "kz1048", "cp1252", "latin-1", "koi8-r")
_RUSSIAN_KAZAKH = frozenset(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһіАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯӘҒҚҢӨҰҮҺІ"
)
_BAD_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _plausibility(text: str) -> float:
    """Score how much a decoding looks like kk/ru/en/western text rather than mojibake."""
    score = 0.0
    for m in _WORD_RE.finditer(text):
        word = m.group()
        scripts = [_script(ch) for ch in word]
        if "Cyrl" in scripts and "Latn" in scripts:
            score -= 5 * len(word)
            continue
        if scripts[0] == "Cyrl":
            good = sum(ch in _RUSSIAN_KAZAKH for ch in word)
            flips = sum(
                1 for a, b in zip(word, word[1:], strict=False) if a.islower() and b.isupper()
            )
            score += good - 3 * (len(word) - good) - 3 * flips
        elif scripts[0] == "Latn":
            accented = sum(not ch.isascii() for ch in word)
            score += len(word) - (3 * accented if accented * 2 > len(word) else 0)
    score -= 5 * sum(1 for ch in text if unicodedata.category(ch) in ("So", "Co", "Cc"))
    return score


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode uploaded bytes to (text, encoding); raise UndecodableText for binary input."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise UndecodableText(f"this looks like {what}, not text")
    text, encoding = _decode(data)
    if text:
        bad = len(_BAD_CONTROL_RE.findall(text))
        if bad / len(text) > 0.02:
            raise UndecodableText(
                f"binary data: {bad} control characters in {len(text)} characters"
            )
    return text, encoding


def _decode(data: bytes) -> tuple[str, str]:
    """Pick the encoding: BOM, then UTF-8, then UTF-16 without BOM, then scored legacy codecs."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding.removesuffix("-sig")), encoding
            except UnicodeDecodeError as exc:
                raise UndecodableText(f"broken {encoding} text: {exc.reason}") from exc
    if b"\x00" in data:
        return _decode_utf16_without_bom(data)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best: tuple[float, str, str] | None = None
    for encoding in _LEGACY:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = _plausibility(text)
        if best is None or score > best[0]:
            best = (score, text, encoding)
    if best is None:  # latin-1 decodes anything, so this is defensive only
        raise UndecodableText("no supported encoding fits these bytes")
    return best[1], best[2]


def _decode_utf16_without_bom(data: bytes) -> tuple[str, str]:
    """Read BOM-less UTF-16 if it decodes to plausible text; NUL bytes mean binary otherwise."""
    best: tuple[float, str, str] | None = None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if len(_BAD_CONTROL_RE.findall(text)) > 0.02 * len(text):
            continue
        score = _plausibility(text)
        if score > 0 and (best is None or score > best[0]):
            best = (score, text, encoding)
    if best is None:
        raise UndecodableText("binary data: contains NUL bytes")
    return best[1], best[2]
