"""TMX 1.4b for the translation memory: take it away to another tool, or bring one in.

Written and read with translate-toolkit. Each ``tu`` is one approved pair with its creation date
and the approving person's name (``creationid``); an import stores every new pair of the asked
language direction as memory approved by the importing admin, and skips pairs already held.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session
from translate.storage import tmx

from workflow.errors import InvalidInput
from workflow.memory import source_hash
from workflow.models import MemoryEntry, User
from workflow.permissions import Action, require

MAX_IMPORT_BYTES = 50 * 1024 * 1024


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def export_memory(session: Session, source_language: str, target_language: str) -> bytes:
    """Every memory pair of one direction as a TMX 1.4b document."""
    store = tmx.tmxfile(sourcelanguage=source_language, targetlanguage=target_language)
    people = {u.id: (u.name or u.email) for u in session.scalars(select(User))}
    rows = session.scalars(
        select(MemoryEntry).where(MemoryEntry.source_language == source_language,
                                  MemoryEntry.target_language == target_language)
        .order_by(MemoryEntry.id))
    for entry in rows:
        if not _usable(entry):
            continue
        unit = store.addsourceunit(entry.source_text, source_language)
        unit.settarget(entry.target_text, target_language, append=True)
        element = unit.xmlelement
        element.set("creationdate", _stamp(entry.created_at))
        if entry.approved_by_id in people:
            element.set("creationid", people[entry.approved_by_id])
        if entry.edition_id is not None:
            unit.addnote(f"audarma edition {entry.edition_id}")
    return bytes(store)


def _usable(entry: MemoryEntry) -> bool:
    """Memory that may be offered again (a retracted entry is kept for audit only)."""
    return not getattr(entry, "retracted_at", None)


@dataclass(frozen=True)
class TmxImport:
    """How many pairs a TMX import stored, and how many it skipped as already held or empty."""

    stored: int
    skipped: int


def parse_untrusted(data: bytes, root_name: str, kind: str) -> bytes:
    """Check an untrusted XML file (size, no internal DTD subset, nothing fetched, the expected
    root element) and hand back its bytes re-serialised without the DOCTYPE for the toolkit."""
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidInput(f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB.",
                           code=f"{kind}_too_large")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise InvalidInput(f"Not an XML file: {exc.msg}.", code=f"{kind}_invalid") from None
    subset = root.getroottree().docinfo.internalDTD  # a standard SYSTEM/PUBLIC id is fine
    if subset is not None and (list(subset.iterentities()) or list(subset.elements())):
        raise InvalidInput("Files that declare entities are refused.", code=f"{kind}_doctype")
    if etree.QName(root).localname != root_name:
        raise InvalidInput(f"Not a {kind.upper()} file.", code=f"{kind}_invalid")
    return etree.tostring(root, encoding="UTF-8")


def _parse(data: bytes) -> tmx.tmxfile:
    """Parse an untrusted TMX file."""
    return tmx.tmxfile.parsestring(parse_untrusted(data, "tmx", "tmx"))


def _language(unit: tmx.tmxunit, language: str) -> str | None:
    """The text of a ``tu``'s variant in ``language`` (``kk-KZ`` counts as ``kk``)."""
    for tuv in unit.xmlelement.iter("{*}tuv", "tuv"):
        lang = (tuv.get("{http://www.w3.org/XML/1998/namespace}lang") or tuv.get("lang") or "")
        if lang.lower().split("-")[0].split("_")[0] == language:
            seg = tuv.find("{*}seg")
            if seg is None:
                seg = tuv.find("seg")
            if seg is not None:
                return "".join(seg.itertext())
    return None


def import_memory(session: Session, data: bytes, source_language: str, target_language: str,
                  user_id: int) -> TmxImport:
    """Store the file's new pairs of one direction as memory approved by ``user_id`` (an admin)."""
    require(session.get(User, user_id), Action.ADMIN)
    store = _parse(data)
    held = {(source_hash, target_text) for source_hash, target_text in session.execute(
        select(MemoryEntry.source_hash, MemoryEntry.target_text)
        .where(MemoryEntry.source_language == source_language,
               MemoryEntry.target_language == target_language))}
    stored = skipped = 0
    for unit in store.units:
        source = _language(unit, source_language)
        target = _language(unit, target_language)
        if not source or not target or not source.strip() or not target.strip():
            skipped += 1
            continue
        key = (source_hash(source), target)
        if key in held:
            skipped += 1
            continue
        held.add(key)
        session.add(MemoryEntry(source_language=source_language, target_language=target_language,
                                source_text=source, source_hash=key[0], target_text=target,
                                edition_id=None, approved_by_id=user_id))
        stored += 1
    session.flush()
    return TmxImport(stored=stored, skipped=skipped)
