"""Fixtures for ingest tests: fixture files and a .docx factory built with python-docx."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixture_bytes() -> Callable[[str], bytes]:
    """Read one of our own fixture files as bytes."""
    return lambda name: (FIXTURES / name).read_bytes()


def add_hyperlink(paragraph: docx.text.paragraph.Paragraph, text: str, url: str) -> None:
    """Append a real w:hyperlink (python-docx has no public API to write one)."""
    rel_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    text_el = OxmlElement("w:t")
    text_el.text = text
    text_el.set(qn("xml:space"), "preserve")
    run.append(text_el)
    link.append(run)
    paragraph._p.append(link)


@pytest.fixture
def make_docx() -> Callable[..., bytes]:
    """Build a .docx from (style, [(text, {"bold"|"italic"|"href": ...}), ...]) paragraphs."""

    def build(*paragraphs: tuple[str, list[tuple[str, dict[str, object]]]]) -> bytes:
        document = docx.Document()
        for style, runs in paragraphs:
            paragraph = document.add_paragraph(style=style)
            for text, fmt in runs:
                if "href" in fmt:
                    add_hyperlink(paragraph, text, str(fmt["href"]))
                    continue
                run = paragraph.add_run(text)
                run.bold = bool(fmt.get("bold")) or None
                run.italic = bool(fmt.get("italic")) or None
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()

    return build
