"""The newsroom's clock: IANA zones from the pinned ``tzdata`` package, typed times read as UTC.

Zones are loaded from the ``tzdata`` package, never from the host's tz database, so every
machine agrees (Kazakhstan has been one zone, UTC+5, since 1 March 2024; older databases still
put Almaty at UTC+6). A local time that a clock change skips or repeats is refused, not guessed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

import tzdata

from workflow.errors import InvalidInput

DEFAULT_ZONE = "Asia/Almaty"
_NAME = re.compile(r"\A[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}\Z")


class Zone(ZoneInfo):
    """A ``zoneinfo`` zone that also answers pytz's ``localize``/``normalize``.

    Flask-Babel's time-zone support calls those two on whatever zone its selector returns;
    on a ``zoneinfo`` zone they are plain replace/convert.
    """

    def localize(self, moment: datetime, is_dst: bool | None = False) -> datetime:
        """``moment`` (naive, local) with this zone attached."""
        return moment.replace(tzinfo=self)

    def normalize(self, moment: datetime) -> datetime:
        """``moment`` converted to this zone."""
        return moment.astimezone(self)


@cache
def zone_names() -> tuple[str, ...]:
    """Every zone name the pinned tz database knows, sorted."""
    text = resources.files(tzdata).joinpath("zones").read_text(encoding="utf-8")
    return tuple(sorted(line.strip() for line in text.splitlines() if line.strip()))


def tz_version() -> str:
    """The IANA release of the pinned database (e.g. ``2026f``)."""
    return tzdata.IANA_VERSION


def check_zone_name(name: str | None) -> str:
    """``name`` if it is a zone of the pinned database; InvalidInput otherwise."""
    name = (name or "").strip()
    if not _NAME.match(name) or name not in zone_names():
        raise InvalidInput(f"{name!r} is not a time zone name such as Asia/Almaty.",
                           code="unknown_zone", zone=name)
    return name


@cache
def zone(name: str) -> Zone:
    """The zone called ``name`` (an IANA name such as ``Asia/Almaty``), from ``tzdata``."""
    name = check_zone_name(name)
    path = resources.files("tzdata.zoneinfo").joinpath(*name.split("/"))
    with path.open("rb") as fh:
        return Zone.from_file(fh, key=name)


def user_zone(user_zone_name: str | None, instance_zone_name: str) -> Zone:
    """A person's zone: their own choice, else (none, or a name the database dropped) the
    instance's."""
    if user_zone_name:
        try:
            return zone(user_zone_name)
        except InvalidInput:
            pass
    return zone(instance_zone_name)


def read_local(raw: str | None, tz: Zone, *, what: str = "time") -> datetime | None:
    """A typed date and time (``2026-12-02T18:00``) read in ``tz``, returned in UTC.

    An explicit offset in the text wins over ``tz``. Times that a clock change skips (they never
    happen) or repeats (they happen twice) are refused with the two readings spelled out.
    """
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        typed = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"The {what} {raw!r} is not a date and time.", code="bad_time",
                           value=raw) from None
    if typed.tzinfo is not None:
        return typed.astimezone(UTC)
    early = typed.replace(tzinfo=tz, fold=0)
    late = typed.replace(tzinfo=tz, fold=1)
    if early.utcoffset() == late.utcoffset():
        return early.astimezone(UTC)
    shown = typed.strftime("%Y-%m-%d %H:%M")
    if early.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != typed:
        raise InvalidInput(f"{shown} does not exist in {tz.key}: the clocks skip it. "
                           "Choose another time.", code="nonexistent_time", value=shown,
                           zone=tz.key)
    raise InvalidInput(f"{shown} happens twice in {tz.key} (the clocks go back): it is "
                       f"{_offset(early.utcoffset())} or {_offset(late.utcoffset())}. "
                       "Choose another time, or type it with its offset.",
                       code="ambiguous_time", value=shown, zone=tz.key,
                       first=_offset(early.utcoffset()), second=_offset(late.utcoffset()))


def _offset(delta: timedelta | None) -> str:
    """``UTC+5``, ``UTC-3:30``, ``UTC``."""
    minutes = int((delta or timedelta()).total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def offset_label(moment: datetime, tz: Zone) -> str:
    """The offset of ``tz`` at ``moment``, as ``UTC+5``."""
    return _offset(moment.astimezone(tz).utcoffset())


def local_input_value(moment: datetime | None, tz: Zone) -> str:
    """``moment`` as a ``datetime-local`` form value in ``tz`` (``2026-12-02T18:00``)."""
    return moment.astimezone(tz).strftime("%Y-%m-%dT%H:%M") if moment else ""
