"""Word .docx to a structured article; the zip is checked for bombs before python-docx opens it."""

from __future__ import annotations

import io
import zipfile

import docx
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from workflow.ingest.article import IngestError, ParsedArticle, ParsedBlock, safe_href
from workflow.ingest.limits import (
    DOCX_MAX_ENTRIES,
    DOCX_MAX_RATIO,
    DOCX_MAX_UNCOMPRESSED,
    MAX_UPLOAD_BYTES,
)
from workflow.ingest.structure import InlineText, finish_article
from workflow.ingest.xml_guard import declares_dtd

_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_RATIO_FLOOR = 1024 * 1024  # below 1 MB unpacked, a high ratio is just a small plain document
_STYLE_KINDS = {
    "title": "title",
    "subtitle": "lead",
    "quote": "quote",
    "intense quote": "quote",
    "caption": "caption",
}


def check_docx_zip(data: bytes) -> None:
    """Reject damaged zips, zip bombs and XML with DTDs using only the central directory."""
    if data.startswith(_OLE_MAGIC):
        raise IngestError(
            "unsupported_format",
            "This is an old .doc or a password-protected Word file; save it as .docx.",
            reason="doc",
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise IngestError("malformed", "This .docx file is damaged or is not a Word document.",
                          reason="not_docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > DOCX_MAX_ENTRIES:
                raise IngestError("zip_bomb", "This .docx file has too many parts to be safe.",
                                  reason="parts")
            unpacked = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if unpacked > DOCX_MAX_UNCOMPRESSED or (
                unpacked > _RATIO_FLOOR and unpacked / packed > DOCX_MAX_RATIO
            ):
                raise IngestError(
                    "zip_bomb", "This .docx file unpacks to far more data than is safe."
                )
            names = {i.filename for i in infos}
            if "word/document.xml" not in names:
                raise IngestError("malformed", "This file is a zip but not a Word document.",
                                  reason="zip")
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    if declares_dtd(archive.read(info)):
                        raise IngestError("malformed", "This Word document contains unsafe XML.",
                                          reason="unsafe_xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise IngestError("malformed", "This .docx file is damaged.", reason="damaged") from exc


def _kind(paragraph: Paragraph) -> str:
    """Block kind from the paragraph's Word style."""
    try:
        name = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
    except (KeyError, ValueError):
        name = ""
    if name.startswith("heading"):
        return "title" if name.strip() == "heading 1" else "heading"
    return _STYLE_KINDS.get(name, "paragraph")


def _paragraph_block(paragraph: Paragraph, kind: str, warnings: list[str]) -> ParsedBlock | None:
    """One paragraph's text with bold/italic/hyperlink marks."""
    line = InlineText()
    for item in paragraph.iter_inner_content():
        if isinstance(item, Hyperlink):
            start = line.open()
            for run in item.runs:
                _add_run(line, run)
            href = safe_href(item.url if item.address else None)
            if href:
                line.close(start, "link", href)
        else:
            _add_run(line, item)
    warnings.extend(line.warnings)
    return line.build(kind)


def _add_run(line: InlineText, run: Run) -> None:
    """Append one run, marking it strong/em when it is bold/italic."""
    start = line.open()
    line.add(run.text)
    if run.bold:
        line.close(start, "strong")
    if run.italic:
        line.close(start, "em")


def _paragraphs(document: docx.document.Document) -> list[Paragraph]:
    """Body paragraphs in order, table cells flattened in reading order."""
    out: list[Paragraph] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            out.append(item)
        else:
            for row in item.rows:
                for cell in row.cells:
                    out.extend(cell.paragraphs)
    return out


def parse_docx(data: bytes) -> ParsedArticle:
    """Parse a .docx: Title/Heading/Quote styles, bold/italic runs and hyperlinks survive."""
    if not data:
        raise IngestError("empty", "The Word file is empty.", reason="docx")
    if len(data) > MAX_UPLOAD_BYTES:
        raise IngestError("too_large", "The Word file is larger than the upload limit.",
                          reason="docx", limit=MAX_UPLOAD_BYTES)
    check_docx_zip(data)
    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = _paragraphs(document)
        warnings: list[str] = []
        blocks: list[ParsedBlock] = []
        seen_title = False
        for paragraph in paragraphs:
            kind = _kind(paragraph)
            if kind == "title":
                kind = "heading" if seen_title else "title"
            block = _paragraph_block(paragraph, kind, warnings)
            if block is not None:
                seen_title = seen_title or kind == "title"
                blocks.append(block)
    except IngestError:
        raise
    except Exception as exc:  # python-docx raises many types on damaged files
        raise IngestError("malformed", "This Word document could not be read.",
                          reason="unreadable") from exc
    if not blocks:
        raise IngestError("no_text", "This Word document has no text.", reason="docx")
    # The file's "author" property is usually the template's owner, so it is not the byline.
    return finish_article(title=None, blocks=blocks, source_format="docx", warnings=warnings)
