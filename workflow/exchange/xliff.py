"""XLIFF 1.2 for offline work in a CAT tool: export an edition, import the returned file.

Written and read with translate-toolkit (the library Weblate and Pootle build on). Each
``trans-unit`` is one segment translation: its id is the translation's id, and two attributes in
Audarma's own namespace carry the version the file was made from and the source text's hash, so
an import knows which segments someone changed in the desk meanwhile (a conflict: listed, the
file's text kept as a conflict revision, nothing overwritten). Inline tags (``<1>…</1>``,
``<2/>``) travel as XLIFF inline codes (``<g id="1">``, ``<x id="2"/>``); the machine output is an
``alt-trans`` candidate with ``origin="machine-translation"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from sqlalchemy.orm import Session
from translate.storage import xliff
from translate.storage.placeables import StringElem
from translate.storage.placeables import xliff as codes

from workflow import review
from workflow.approval import active_translations
from workflow.errors import InvalidInput, NotFound
from workflow.exchange.units import (  # noqa: F401
    _TAG,
    NS,
    Returned,
    edition_to_export,
    segment_notes,
)
from workflow.models import Edition, SegmentTranslation
from workflow.states import SegmentState

XLIFF_12 = "urn:oasis:names:tc:xliff:document:1.2"
MAX_IMPORT_BYTES = 20 * 1024 * 1024

# Segment state in the desk → XLIFF 1.2 target state, and back.
_STATE_OUT = {
    SegmentState.PENDING.value: "new",
    SegmentState.MACHINE.value: "needs-review-translation",
    SegmentState.DRAFT.value: "translated",
    SegmentState.CONFIRMED.value: "signed-off",
    SegmentState.SOURCE_CHANGED.value: "needs-translation",
}
_CONFIRMING = {"signed-off", "final"}


class Xliff12File(xliff.xlifffile[xliff.xliffunit]):
    """translate-toolkit's XLIFF store, writing the 1.2 namespace and version."""

    namespace = XLIFF_12
    XMLskeleton = f"""<?xml version="1.0" ?>
<xliff version='1.2' xmlns='{XLIFF_12}' xmlns:au='{NS}'>
<file original='NoName' source-language='en' datatype='plaintext'>
<body>
</body>
</file>
</xliff>"""


def to_rich(text: str) -> StringElem:
    """Desk text with ``<1>…</1>`` and ``<2/>`` tags → toolkit placeables (g and x codes)."""
    root: list[StringElem | str] = []
    stack: list[tuple[str, list[StringElem | str]]] = []
    current = root
    position = 0
    for match in _TAG.finditer(text):
        if match.start() > position:
            current.append(text[position:match.start()])
        closing, number, empty = match.groups()
        if empty:
            current.append(codes.X(id=number))
        elif not closing:
            stack.append((number, current))
            current = []
        elif stack and stack[-1][0] == number:
            opened, parent = stack.pop()
            parent.append(codes.G(id=opened, sub=current or [""]))
            current = parent
        else:  # an unmatched closing tag: keep it as text rather than lose it
            current.append(match.group(0))
        position = match.end()
    if position < len(text):
        current.append(text[position:])
    while stack:  # unclosed tags: flatten back to text
        number, parent = stack.pop()
        parent.append(f"<{number}>")
        parent.extend(current)
        current = parent
    return StringElem(root or [""])


def from_rich(elements: list[Any]) -> str:
    """Toolkit placeables → desk text with ``<n>`` tags (the inverse of :func:`to_rich`)."""
    out: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, codes.G):
            out.append(f"<{node.id}>")
            for sub in node.sub:
                walk(sub)
            out.append(f"</{node.id}>")
        elif isinstance(node, codes.X | codes.Bx | codes.Ex):
            out.append(f"<{node.id}/>")
        elif isinstance(node, StringElem):
            for sub in node.sub:
                walk(sub)
        else:
            out.append(str(node))

    for element in elements:
        walk(element)
    return "".join(out)


def export_edition(session: Session, edition_id: int) -> bytes:
    """The edition as an XLIFF 1.2 document (UTF-8 bytes)."""
    edition, original = edition_to_export(session, edition_id)
    store = Xliff12File(sourcelanguage=edition.article.source_language,
                        targetlanguage=edition.language)
    file_node = store.document.getroot().find(f"{{{XLIFF_12}}}file")
    file_node.set("original", original)
    notes = segment_notes(session, edition.id)
    for row in active_translations(session, edition.id):
        unit = store.UnitClass("")
        store.addunit(unit)
        unit.setid(str(row.id))
        unit.rich_source = [to_rich(row.segment.source_text)]
        current = row.text if row.text is not None else None
        if current:
            unit.rich_target = [to_rich(current)]
            unit.xmlelement.find(f"{{{XLIFF_12}}}target").set("state", _STATE_OUT[row.state])
        if row.machine_text:
            unit.addalttrans(row.machine_text, origin="machine-translation")
        for body in notes.get(row.id, []):
            unit.addnote(body, origin="reviewer")
        element = unit.xmlelement
        element.set(f"{{{NS}}}version", str(row.version))
        element.set(f"{{{NS}}}source-hash", row.segment.source_hash)
        element.set(f"{{{NS}}}state", row.state)
        if row.state == SegmentState.CONFIRMED.value:
            unit.markapproved(True)
    return bytes(store)


@dataclass
class ImportReport:
    """What an import did: saved, confirmed, unchanged, conflicts and refused units."""

    saved: list[int] = field(default_factory=list)
    confirmed: list[int] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The report as JSON for the API."""
        return {"saved": self.saved, "confirmed": self.confirmed, "unchanged": self.unchanged,
                "conflicts": self.conflicts, "refused": self.refused}


def _root(data: bytes) -> etree._Element:
    """Parse untrusted XLIFF: size-limited, no DTD, no entities, no network."""
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidInput(f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB.",
                           code="xliff_too_large")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise InvalidInput(f"Not an XML file: {exc.msg}.", code="xliff_invalid") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise InvalidInput("XLIFF files with a DOCTYPE or entities are refused.",
                           code="xliff_doctype")
    if etree.QName(root).localname != "xliff":
        raise InvalidInput("Not an XLIFF file.", code="xliff_invalid")
    return root


def _units_12(root: etree._Element) -> tuple[str | None, list[Returned]]:
    """The target language and units of an XLIFF 1.x file, read by translate-toolkit."""
    store = Xliff12File()  # what the toolkit's parsestring does, through its typed methods
    store.parse(etree.tostring(root, encoding="UTF-8"))
    units = []
    for unit in store.getunits():
        element = unit.xmlelement
        target = element.find(f"{{{store.namespace}}}target")
        text = from_rich(unit.rich_target) if target is not None and unit.target else None
        state = target.get("state", "") if target is not None else ""
        units.append(Returned(element.get("id"), element.get(f"{{{NS}}}source-hash"),
                              element.get(f"{{{NS}}}version"), text, state in _CONFIRMING))
    language: str | None = store.targetlanguage  # the <file target-language>
    return language, units


def import_edition(session: Session, edition_id: int, data: bytes, user_id: int) -> ImportReport:
    """Save every changed target of a returned XLIFF file (1.2 or 2.0) as the importing
    translator's edit.

    A unit whose segment changed in the desk since the export is a conflict: the file's text is
    kept as a conflict revision (nothing typed is lost) and listed, not written over the desk's.
    """
    from workflow.exchange import xliff2

    edition = session.get(Edition, edition_id)
    if edition is None:
        raise NotFound(f"No edition {edition_id}.")
    root = _root(data)
    version = root.get("version") or ""
    if version.startswith("1."):
        language, units = _units_12(root)
    elif version.startswith("2."):
        language, units = xliff2.returned_units(root)
    else:
        raise InvalidInput("Only XLIFF 1.2 and 2.x files can be imported.", code="xliff_version")
    if language and language != edition.language:
        raise InvalidInput(f"This file is for {language}, not {edition.language}.",
                           code="xliff_language")
    rows = {str(row.id): row for row in active_translations(session, edition.id)}
    report = ImportReport()
    edits: list[tuple[review.SegmentEdit, SegmentTranslation]] = []
    for unit in units:
        found = _edit_for(unit, rows.get(unit.unit_id or ""), report)
        if found is not None:
            edits.append(found)
    outcomes = review.save_segments(session, edition.id, [e for e, _row in edits], user_id)
    for (edit, row), refusal in zip(edits, outcomes, strict=True):
        if refusal is None:
            (report.confirmed if edit.confirm else report.saved).append(row.id)
        elif refusal.code == "stale_version":
            report.conflicts.append({"id": row.id, "yours": edit.text,
                                     "theirs": refusal.detail.get("theirs", ""),
                                     "version": refusal.detail.get("version")})
        else:
            report.refused.append({"id": row.id, "reason": refusal.code})
    review.audit(session, user_id, "edition.xliff_imported", edition,
                 saved=len(report.saved), confirmed=len(report.confirmed),
                 conflicts=len(report.conflicts), refused=len(report.refused))
    return report


def _edit_for(unit: Returned, row: SegmentTranslation | None, report: ImportReport
              ) -> tuple[review.SegmentEdit, SegmentTranslation] | None:
    """The edit a returned unit asks for, or None (with the reason recorded in ``report``)."""
    if row is None:
        report.refused.append({"id": unit.unit_id, "reason": "unknown_unit"})
        return None
    if unit.source_hash != row.segment.source_hash:
        report.refused.append({"id": unit.unit_id, "reason": "source_changed"})
        return None
    version = unit.version or ""
    if not version.isdigit():
        report.refused.append({"id": unit.unit_id, "reason": "no_version"})
        return None
    if not unit.text or (unit.text == (row.text or "") and (
            not unit.confirm or row.state == SegmentState.CONFIRMED.value)):
        report.unchanged += 1
        return None
    return review.SegmentEdit(row.id, unit.text, int(version), unit.confirm), row
