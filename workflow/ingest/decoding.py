"""Bytes to text for uploads: encoding detection and binary sniffing behind small functions."""

from __future__ import annotations

import codecs

from translations.textnorm import UndecodableText
from translations.textnorm import clean_text as textnorm_clean
from translations.textnorm import decode_bytes as textnorm_decode
from workflow.ingest.article import IngestError
from workflow.ingest.limits import BINARY_CONTROL_RATIO, SNIFF_BYTES

_BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\x7fELF",
    b"MZ",
    b"\x1f\x8b",
    b"Rar!",
    b"7z\xbc\xaf",
    b"\xd0\xcf\x11\xe0",  # old binary .doc/.xls
)


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not text in any encoding a newsroom would send."""
    head = data[:SNIFF_BYTES]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF8)):
        return False
    if head.startswith(_BINARY_MAGIC) or b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13, 12)) + head.count(127)
    return bool(head) and controls / len(head) > BINARY_CONTROL_RATIO


def decode_bytes(data: bytes) -> str:
    """Bytes to str: BOM, UTF-8, then the code pages translations.textnorm scores."""
    if looks_binary(data):
        raise IngestError("binary", "This file looks like binary data, not text.")
    try:
        text, _encoding = textnorm_decode(data)
    except UndecodableText as exc:
        raise IngestError("binary", "This file looks like binary data, not text.") from exc
    return text


def clean_text(text: str) -> tuple[str, list[str]]:
    """Text hygiene (NFC, soft hyphens, odd spaces) via translations.textnorm; (text, warnings)."""
    result = textnorm_clean(text)
    return result.text, [w.message for w in result.warnings]
