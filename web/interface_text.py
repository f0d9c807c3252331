"""Interface text made from stored data: model routes ("en→kk via …"), ingest notices kept in
articles, and partner rate limits, each said in the reader's language through the catalogue."""

from __future__ import annotations

import re

from flask import Blueprint
from flask_babel import gettext as _

bp = Blueprint("interface_text", __name__)

_BLOCK_LANGUAGE = re.compile(r"^Block (\d+) \((\w+)\) looks like (\w+), not (\w+)\.$")
_NAMES = {"Kazakh": "kk", "Russian": "ru", "English": "en"}
# Text hygiene notes (translations.textnorm): "removed 2 soft hyphen(s) (U+00AD)", and a word
# that mixes scripts, quoted as Python quotes it: 'Алмaты' mixes ...; probably 'Алматы'.
_COUNTED = re.compile(r"^(removed|replaced|inserted) (\d+) (.+)$")
_MIXED = re.compile(r"""^(['"])(.+?)\1 mixes Latin and Cyrillic letters"""
                    r"""(?:; probably (['"])(.+)\3)?$""")


def route_text(route: dict | None) -> str:
    """A machine route as "English → Kazakh, via translate-en_kk 1.0" in the reader's language."""
    from web.dashboard import label_for

    if not route:
        return ""
    steps = route.get("steps") or []
    if steps:
        languages = [steps[0].get("source", "?"), *(s.get("target", "?") for s in steps)]
        packages = ", ".join(f"{s.get('package_code', '')} {s.get('package_version', '')}"
                             .strip() for s in steps)
    else:  # a route stored with its label only
        head, _sep, packages = str(route.get("label", "")).partition(" via ")
        languages = head.split("→") if head else []
    return _("%(languages)s, via %(packages)s",
             languages=" → ".join(label_for(code) for code in languages), packages=packages)


def _notices() -> dict[str, str]:
    return {
        "A quotation run into its attribution was split into two blocks.":
            _("A quotation run into its attribution was split into two blocks."),
        "Script or style markup was found in the text and removed.":
            _("Script or style markup was found in the text and removed."),
        "The article could not be told apart from the page; check the text.":
            _("The article could not be told apart from the page; check the text."),
        "No headline found; the first sentence was used. Please check it.":
            _("No headline found; the first sentence was used. Please check it."),
    }


def notice(text: str) -> str:
    """An ingest notice stored with an article, in the reader's language when it is known."""
    from web.dashboard import label_for

    known = _notices().get(text)
    if known is not None:
        return known
    match = _BLOCK_LANGUAGE.match(text)
    if match:
        number, kind, found, expected = match.groups()
        return _("Block %(number)s (%(kind)s) looks like %(found)s, not %(expected)s.",
                 number=number, kind=label_for(kind),
                 found=label_for(_NAMES.get(found, found)),
                 expected=label_for(_NAMES.get(expected, expected)))
    return _hygiene(text)


def _hygiene(text: str) -> str:
    """A text-hygiene note in the reader's language (the stored English if it is not one)."""
    mixed = _MIXED.match(text)
    if mixed:
        _q, word, _q2, fixed = mixed.groups()
        if fixed:
            return _("“%(word)s” mixes Latin and Cyrillic letters; probably “%(fixed)s”.",
                     word=word, fixed=fixed)
        return _("“%(word)s” mixes Latin and Cyrillic letters.", word=word)
    counted = _COUNTED.match(text)
    if not counted:
        return text
    verb, n, what = counted.groups()
    notes = {
        ("removed", "soft hyphen(s) (U+00AD)"): lambda: _("removed %(n)s soft hyphen(s)", n=n),
        ("removed", "zero-width character(s)"):
            lambda: _("removed %(n)s zero-width character(s)", n=n),
        ("removed", "bidirectional control character(s)"):
            lambda: _("removed %(n)s bidirectional control character(s)", n=n),
        ("removed", "control character(s)"): lambda: _("removed %(n)s control character(s)", n=n),
        ("replaced", "non-breaking or exotic space(s) with a normal space"):
            lambda: _("replaced %(n)s non-breaking or unusual space(s) with a normal space", n=n),
        ("inserted", "missing space(s) after a comma before a capitalised word"):
            lambda: _("inserted %(n)s missing space(s) after a comma before a capital letter",
                      n=n),
    }
    make = notes.get((verb, what))
    return make() if make else text


def rate_text(rate: str | None) -> str:
    """A partner's rate limit ("120/minute") in the reader's language."""
    count, _sep, unit = (rate or "").partition("/")
    units = {"second": lambda: _("%(n)s a second", n=count),
             "minute": lambda: _("%(n)s a minute", n=count),
             "hour": lambda: _("%(n)s an hour", n=count),
             "day": lambda: _("%(n)s a day", n=count)}
    make = units.get(unit.strip())
    return make() if make and count.strip().isdigit() else (rate or "")


def detail_text(key: str, value: object) -> str:
    """One detail of an audit event ("version 2", "reason: …") in the reader's language; the
    values are the record's own (codes among them named through the labels)."""
    from web.dashboard import label_for

    if key == "digest":
        return ""  # a checksum of the approved snapshot: for the software, not for people
    if isinstance(value, bool):
        return _("with an override note") if key == "override" and value else ""
    shown = label_for(value) if isinstance(value, str) else str(value)
    known = {
        "snapshot": lambda: _("approved snapshot %(value)s", value=shown),
        "blocking": lambda: _("blocking warnings: %(value)s", value=shown),
        "version": lambda: _("version %(value)s", value=shown),
        "partner_version": lambda: _("partner version %(value)s", value=shown),
        "reason": lambda: _("reason: %(value)s", value=shown),
        "embargo_until": lambda: _("embargo until %(value)s", value=shown),
        "embargo_from": lambda: _("embargo was %(value)s", value=shown),
        "language": lambda: shown,
        "note": lambda: _("note: %(value)s", value=shown),
        "correction_note": lambda: _("note: %(value)s", value=shown),
    }
    make = known.get(key)
    return make() if make else shown


@bp.app_context_processor
def _helpers() -> dict:
    return {"route_text": route_text, "notice": notice, "rate_text": rate_text,
            "detail_text": detail_text}
