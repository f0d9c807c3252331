"""Issue 15 row 12: a DTD is refused in a feed or a Word part whatever the document's encoding."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from workflow.ingest.feeds import FeedError, parse_feed
from workflow.ingest.parse import IngestError, parse_docx

DTD = ('<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
       '<!ENTITY xxe SYSTEM "file:///etc/hostname">]>')
ITEM = "<item><title>Hello &b; &xxe;</title><description>Body text</description></item>"


def _rss(encoding: str, declared: str | None, dtd: bool = True) -> bytes:
    prolog = f'<?xml version="1.0" encoding="{declared}"?>' if declared else ""
    item = ITEM if dtd else ITEM.replace(" &b; &xxe;", "")
    text = (f"{prolog}{DTD if dtd else ''}<rss version=\"2.0\"><channel><title>T</title>"
            f"<link>https://example.test/</link>{item}</channel></rss>")
    return text.encode(encoding)


@pytest.mark.parametrize(("encoding", "declared"), [
    ("utf-16", "UTF-16"),  # with a byte-order mark (what the attack sent)
    ("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16"),  # no BOM: XML appendix F patterns
    ("utf-16", None), ("utf-32", "UTF-32"), ("utf-8-sig", None),
    ("cp037", "cp037"),  # EBCDIC
])
def test_row12_feed_dtd_refused_in_any_encoding(encoding, declared):
    with pytest.raises(FeedError) as caught:
        parse_feed(_rss(encoding, declared))
    assert caught.value.code == "unsafe_xml"


def test_row12_utf16_feed_without_dtd_still_reads():
    entries = parse_feed(_rss("utf-16", "UTF-16", dtd=False))
    assert [e.title for e in entries] == ["Hello"]


def _docx_with(part_xml) -> bytes:
    document = docx.Document()
    document.add_paragraph("A paragraph long enough to be an article.")
    buffer = io.BytesIO()
    document.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = part_xml(data)
            target.writestr(info, data)
    return out.getvalue()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_row12_docx_part_with_dtd_refused_in_any_encoding(encoding):
    def hostile(original: bytes) -> bytes:
        text = original.decode("utf-8")
        declaration_end = text.index("?>") + 2
        body = text[declaration_end:]
        declaration = f'<?xml version="1.0" encoding="{encoding.split("-le")[0].upper()}"?>'
        return (declaration + '<!DOCTYPE w:document [<!ENTITY x "boom">]>' + body).encode(
            encoding)

    with pytest.raises(IngestError) as caught:
        parse_docx(_docx_with(hostile))
    assert caught.value.code == "malformed"
    assert "unsafe XML" in caught.value.message
