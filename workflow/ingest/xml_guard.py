"""Does an XML document declare a DTD or entities? Judged on the decoded text, in any encoding.

Feeds and Word documents never need a DTD, and entity declarations are how billion-laughs and
XXE attacks work, so any ``<!DOCTYPE`` or ``<!ENTITY`` refuses the document. Searching the raw
bytes misses a document in UTF-16 or UTF-32 (``<\\0!\\0D\\0…``), so the check runs twice on
decoded text: expat (the parser feedparser and python-docx's lxml agree with on encodings)
reports any DOCTYPE or entity declaration it meets, and the text is also decoded in every
encoding the document could be read in (byte-order mark, the XML spec's appendix F patterns,
its declared encoding, UTF-8) and searched.
"""

from __future__ import annotations

import codecs
import re
from xml.parsers import expat

_DECLARATION = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(
    rb"""\A<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']""")
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_APPENDIX_F = ((b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
               (b"\x00<\x00", "utf-16-be"), (b"<\x00", "utf-16-le"), (b"\x4c\x6f\xa7\x94", "cp037"))


class _Found(Exception):
    pass


class _RootReached(Exception):
    pass


def _encodings(data: bytes) -> list[str]:
    """Every encoding a parser could read ``data`` in, most likely first."""
    found = [name for bom, name in _BOMS if data.startswith(bom)][:1]
    body = data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
    found += [name for pattern, name in _APPENDIX_F if body.startswith(pattern)][:1]
    for candidate in (*found, "utf-8"):
        try:
            head = data[:400].decode(candidate, errors="replace").encode("ascii", "replace")
        except LookupError:
            continue
        if match := _DECLARED_ENCODING.match(head.lstrip(b"?\x00 \t\r\n")):
            found.append(match.group(1).decode("ascii"))
            break
    found.append("utf-8")
    valid = []
    for name in found:
        try:
            codecs.lookup(name)
        except LookupError:
            continue
        if name not in valid:
            valid.append(name)
    return valid


def _expat_sees_declaration(data: bytes) -> bool:
    """True if expat, decoding ``data`` itself, meets a DOCTYPE or entity declaration."""
    parser = expat.ParserCreate()

    def found(*_args: object) -> None:
        raise _Found

    def root(*_args: object) -> None:
        raise _RootReached  # a DTD can only come before the root element

    parser.StartDoctypeDeclHandler = found
    parser.EntityDeclHandler = found
    parser.StartElementHandler = root
    try:
        parser.Parse(data, True)
    except _Found:
        return True
    except (_RootReached, expat.ExpatError, ValueError, LookupError):
        return False
    return False


def declares_dtd(data: bytes) -> bool:
    """True if ``data`` holds a DOCTYPE or ENTITY declaration in any encoding it can be read in."""
    if _expat_sees_declaration(data):
        return True
    return any(_DECLARATION.search(data.decode(name, errors="replace"))
               for name in _encodings(data))
