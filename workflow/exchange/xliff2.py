"""XLIFF 2.0 for current CAT tools: the same units as the 1.2 file, in the 2.0 core and the
Translation Candidates module (``mtc:match`` for the machine output).

translate-toolkit reads 2.0 files (the tests read every export back with it), but its writer
puts notes inside ``<segment>`` and keeps 1.2's ``<g>``/``<x>`` inline codes, which 2.0 does not
have; so the document is written here with lxml: inline tags become ``<pc id="n">…</pc>`` and
``<ph id="n"/>``, notes sit in the unit's ``<notes>``.
"""

from __future__ import annotations

from lxml import etree
from sqlalchemy.orm import Session

from workflow.approval import active_translations
from workflow.exchange.units import _TAG, NS, Returned, edition_to_export, segment_notes
from workflow.states import SegmentState

XLIFF_20 = "urn:oasis:names:tc:xliff:document:2.0"
MTC = "urn:oasis:names:tc:xliff:matches:2.0"
_STATE_OUT = {
    SegmentState.DRAFT.value: "translated",
    SegmentState.CONFIRMED.value: "reviewed",
}
_CONFIRMING = {"reviewed", "final"}


def _x(name: str) -> str:
    return f"{{{XLIFF_20}}}{name}"


def write_inline(parent: etree._Element, text: str) -> None:
    """Desk text with ``<1>…</1>`` and ``<2/>`` tags → text, ``pc`` and ``ph`` under ``parent``."""
    stack: list[tuple[str, etree._Element]] = []
    current = parent
    position = 0

    def add_text(value: str) -> None:
        if not value:
            return
        if len(current):
            last = current[-1]
            last.tail = (last.tail or "") + value
        else:
            current.text = (current.text or "") + value

    for match in _TAG.finditer(text):
        add_text(text[position:match.start()])
        closing, number, empty = match.groups()
        if empty:
            etree.SubElement(current, _x("ph"), id=number)
        elif not closing:
            stack.append((number, current))
            current = etree.SubElement(current, _x("pc"), id=number)
        elif stack and stack[-1][0] == number:
            current = stack.pop()[1]
        else:
            add_text(match.group(0))
        position = match.end()
    add_text(text[position:])
    if stack:  # an unclosed tag: the whole text stays plain rather than change meaning
        for child in list(parent):
            parent.remove(child)
        parent.text = text


def read_inline(element: etree._Element) -> str:
    """``pc``/``ph`` (and ``sc``/``ec``) back to desk tags; other markup keeps its text."""
    out = [element.text or ""]
    for child in element:
        name = etree.QName(child).localname
        if name == "pc":
            out.append(f"<{child.get('id')}>{read_inline(child)}</{child.get('id')}>")
        elif name == "ph":
            out.append(f"<{child.get('id')}/>")
        elif name == "sc":
            out.append(f"<{child.get('id')}>")
        elif name == "ec":
            out.append(f"</{child.get('startRef') or child.get('id')}>")
        else:
            out.append(read_inline(child))
        out.append(child.tail or "")
    return "".join(out)


def export_edition(session: Session, edition_id: int) -> bytes:
    """The edition as an XLIFF 2.0 document (UTF-8 bytes)."""
    edition, original = edition_to_export(session, edition_id)
    root = etree.Element(_x("xliff"), nsmap={None: XLIFF_20, "mtc": MTC, "au": NS},
                         version="2.0", srcLang=edition.article.source_language,
                         trgLang=edition.language)
    file_node = etree.SubElement(root, _x("file"), id="f1", original=original)
    notes = segment_notes(session, edition.id)
    for row in active_translations(session, edition.id):
        unit = etree.SubElement(file_node, _x("unit"), id=str(row.id))
        unit.set(f"{{{NS}}}version", str(row.version))
        unit.set(f"{{{NS}}}source-hash", row.segment.source_hash)
        unit.set(f"{{{NS}}}state", row.state)
        if row.machine_text:
            matches = etree.SubElement(unit, f"{{{MTC}}}matches")
            match = etree.SubElement(matches, f"{{{MTC}}}match", ref=f"#s{row.id}",
                                     type="mt", origin="machine-translation")
            write_inline(etree.SubElement(match, _x("source")), row.segment.source_text)
            write_inline(etree.SubElement(match, _x("target")), row.machine_text)
        if notes.get(row.id):
            holder = etree.SubElement(unit, _x("notes"))
            for body in notes[row.id]:
                etree.SubElement(holder, _x("note"), category="reviewer").text = body
        segment = etree.SubElement(unit, _x("segment"), id=f"s{row.id}",
                                   state=_STATE_OUT.get(row.state, "initial"))
        source = etree.SubElement(segment, _x("source"))
        source.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        write_inline(source, row.segment.source_text)
        if row.text:
            write_inline(etree.SubElement(segment, _x("target")), row.text)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def returned_units(root: etree._Element) -> tuple[str | None, list[Returned]]:
    """The target language and units of a returned XLIFF 2.x file."""
    units = []
    for unit in root.iter(_x("unit")):
        segment = unit.find(_x("segment"))
        target = segment.find(_x("target")) if segment is not None else None
        text = read_inline(target) if target is not None else None
        state = segment.get("state", "") if segment is not None else ""
        units.append(Returned(unit.get("id"), unit.get(f"{{{NS}}}source-hash"),
                              unit.get(f"{{{NS}}}version"), text, state in _CONFIRMING))
    return root.get("trgLang"), units
