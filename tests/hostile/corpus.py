"""The hostile corpus, built at test time in a temporary directory (nothing large is committed).

Each entry is ``(name, filename, bytes, expected error codes)``; an empty code set means the input
must be accepted (and shown inert later), a non-empty one that it must be refused with one of them.
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

JS_URL = "javascript:alert(1)"
XSS = ('<img src=x onerror=alert(1)>', '"><script>alert(1)</script>', "<svg onload=alert(1)>",
       JS_URL)
BIG_BYTES = 50 * 1024 * 1024  # the "50 MB text" of the brief
NEST_LEVELS = 100_000


@dataclass(frozen=True)
class Hostile:
    """One hostile input: its file name, its bytes and the codes a refusal may carry."""

    name: str
    filename: str
    data: bytes
    codes: frozenset[str]

    @property
    def refused(self) -> bool:
        """True if this input must be refused."""
        return bool(self.codes)


def _docx_parts(document_xml: bytes) -> dict[str, bytes]:
    content_types = (
        b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        b'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        b'"application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    rels = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxml'
        b'formats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/'
        b'document.xml"/></Relationships>')
    return {"[Content_Types].xml": content_types, "_rels/.rels": rels,
            "word/document.xml": document_xml}


def zip_bomb_docx(unpacked_mb: int = 100) -> bytes:
    """A .docx whose document.xml inflates to ``unpacked_mb`` MB of spaces (about 100 KB packed)."""
    head = (b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxml'
            b'formats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>')
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in _docx_parts(b"").items():
            if name != "word/document.xml":
                archive.writestr(name, data)
        with archive.open("word/document.xml", "w") as entry:
            entry.write(head)
            chunk = b" " * (1024 * 1024)
            for _ in range(unpacked_mb):
                entry.write(chunk)
            entry.write(tail)
    return buffer.getvalue()


def lying_zip_bomb_docx() -> bytes:
    """A zip bomb whose headers claim document.xml is 2 KB (the stream inflates to 20 MB)."""
    data = bytearray(zip_bomb_docx(20))
    claimed = 2048
    # Patch the uncompressed size in the central directory and the local header of the entry.
    offset = 0
    while True:
        central = data.find(b"PK\x01\x02", offset)
        if central < 0:
            break
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        name = bytes(data[central + 46:central + 46 + name_len])
        if name == b"word/document.xml":
            local = struct.unpack_from("<I", data, central + 42)[0]
            struct.pack_into("<I", data, central + 24, claimed)
            struct.pack_into("<I", data, local + 22, claimed)
        offset = central + 4
    return bytes(data)


def tiny_docx(text: str) -> bytes:
    """A minimal valid .docx with one paragraph of ``text`` (escaped as XML text)."""
    from xml.sax.saxutils import escape

    xml = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxml'
           'formats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
           f"{escape(text)}</w:t></w:r></w:p></w:body></w:document>").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in _docx_parts(xml).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def big_text(size: int = BIG_BYTES) -> bytes:
    """``size`` bytes of plausible text."""
    line = b"The council met again on Tuesday and the debate went on late into the night.\n"
    return (line * (size // len(line) + 1))[:size]


def invalid_utf8() -> bytes:
    """Text with bytes that are not UTF-8 (lone continuation bytes, overlongs, surrogates)."""
    return (b"Council approves tram line\n\nThe council \xff\xfe approved \xc0\xaf a line "
            b"\xed\xa0\x80 on Tuesday \x80\x80 after a long debate in the city hall.\n")


def nested_html(levels: int = NEST_LEVELS) -> bytes:
    """An HTML page with ``levels`` nested <div>s around one paragraph."""
    return (b"<html><head><title>Deep</title></head><body>" + b"<div>" * levels
            + b"<p>The council approved a tram line on Tuesday after a long debate.</p>"
            + b"</div>" * levels + b"</body></html>")


def billion_laughs_feed() -> bytes:
    """An RSS feed whose DTD defines the billion-laughs entity expansion."""
    entities = "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY lol0 "lol">' + entities + "]>\n"
        '<rss version="2.0"><channel><title>Laughs</title><item><title>&lol9;</title>'
        "<guid>laugh-1</guid><description>&lol9;</description></item></channel></rss>"
    ).encode()


def external_entity_feed() -> bytes:
    """An Atom feed that tries to read /etc/passwd through an external entity (XXE)."""
    return (b'<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><entry><id>x1</id>'
            b"<title>&xxe;</title><content>&xxe; The council approved a tram line on "
            b"Tuesday.</content></entry></feed>")


def script_everywhere_html() -> bytes:
    """An HTML article with script, handlers and javascript: links in every place they fit."""
    return (
        b'<html><head><title>Tram <script>alert(1)</script> line</title>'
        b"<script>alert(2)</script></head><body onload=alert(3)>"
        b'<h1>Council <img src=x onerror=alert(4)> approves tram line</h1>'
        b'<p>The council <a href="javascript:alert(5)">approved</a> a new <b onclick=alert(6)>'
        b'tram</b> line on Tuesday <svg onload=alert(7)></svg> after a long debate.</p>'
        b'<p><a href=" JaVaScRiPt:alert(8)">Another link</a> and <a href="data:text/html,'
        b'<script>alert(9)</script>">data link</a> in the second paragraph of the story.</p>'
        b'<iframe src="javascript:alert(10)"></iframe><style>p{}</style></body></html>'
    )


def script_markdown() -> bytes:
    """Markdown with script tags and javascript: links."""
    return (
        b"# Council approves <script>alert(1)</script> tram line\n\n"
        b"The council [approved](javascript:alert(2)) a new tram line on Tuesday "
        b'"><script>alert(3)</script> after a long debate <img src=x onerror=alert(4)>.\n\n'
        b"Construction starts in May <svg onload=alert(5)>.\n"
    )


def build(folder: Path | None = None) -> list[Hostile]:
    """Every hostile input; with ``folder``, also written there as files."""
    items = [
        Hostile("zip bomb", "bomb.docx", zip_bomb_docx(), frozenset({"zip_bomb"})),
        Hostile("zip bomb, lying sizes", "liar.docx", lying_zip_bomb_docx(),
                frozenset({"malformed", "zip_bomb"})),
        Hostile("50 MB text", "big.txt", big_text(), frozenset({"too_large"})),
        Hostile("invalid UTF-8", "bad.txt", invalid_utf8(), frozenset()),
        Hostile("100k nested divs", "deep.html", nested_html(), frozenset()),
        Hostile("script everywhere (HTML)", "xss.html", script_everywhere_html(), frozenset()),
        Hostile("script everywhere (Markdown)", "xss.md", script_markdown(), frozenset()),
        Hostile("binary", "noise.txt", bytes(range(256)) * 64, frozenset({"binary"})),
        Hostile("empty", "empty.txt", b"", frozenset({"empty"})),
        Hostile("old Word file", "old.docx", b"\xd0\xcf\x11\xe0" + b"\0" * 600,
                frozenset({"unsupported_format"})),
    ]
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        for item in items:
            (folder / item.filename).write_bytes(item.data)
    return items

