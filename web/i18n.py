"""Interface language (kk, ru, en: workflow.vocabulary) with Flask-Babel; catalogues compiled."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from babel.dates import format_datetime as babel_format_datetime
from babel.dates import get_timezone_location
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, request
from flask_babel import Babel, get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user

from workflow import clock, latin_edition, vocabulary
from workflow.clock import Zone
from workflow.db import utcnow
from workflow.errors import InvalidInput
from workflow.vocabulary import DEFAULT_LOCALE, INTERFACE_LOCALES

LOCALES = INTERFACE_LOCALES
CATALOGUES = Path(__file__).resolve().parent / "translations"

babel = Babel()


def select_locale() -> str:
    """The signed-in user's language, else the browser's best match, else English."""
    if current_user and getattr(current_user, "is_authenticated", False):
        locale = getattr(current_user, "locale", None)
        if locale in LOCALES:
            return locale
    chosen = request.args.get("lang") if request else None
    if chosen in LOCALES:
        return chosen
    return (request.accept_languages.best_match(LOCALES) if request else None) or DEFAULT_LOCALE


def select_timezone() -> Zone:
    """The signed-in user's time zone, else the instance's (``AUDARMA_TIMEZONE``)."""
    own = None
    if current_user and getattr(current_user, "is_authenticated", False):
        own = getattr(current_user, "timezone", None)
    return clock.user_zone(own, current_app.config["TIMEZONE"])


def viewer_zone() -> Zone:
    """The zone the current request's times are shown and read in."""
    return get_timezone() or clock.zone(current_app.config["TIMEZONE"])


def zone_name(tz: Zone | None = None) -> str:
    """The zone's city in the interface language, e.g. ``Алматы``; ``UTC`` for UTC."""
    return _city(tz or viewer_zone(), _locale())


def _locale() -> str:
    return str(get_locale() or DEFAULT_LOCALE)


@lru_cache(maxsize=256)
def _city(tz: Zone, locale: str) -> str:
    """CLDR's city of a zone (a walk through Babel's locale data: ~20 µs, kept per process)."""
    if tz.key in ("UTC", "Etc/UTC", "Etc/Universal", "Etc/Zulu", "Universal", "Zulu"):
        return "UTC"
    return get_timezone_location(tz, locale=locale, return_city=True)


def zone_label(moment: datetime | None = None, tz: Zone | None = None) -> str:
    """The zone with its offset at ``moment`` (default now): ``Almaty (UTC+5)``."""
    return _zone_label(moment or utcnow(), tz or viewer_zone(), _locale())


def _zone_label(moment: datetime, tz: Zone, locale: str) -> str:
    offset = clock.offset_label(moment, tz)
    name = _city(tz, locale)
    return name if name == offset else f"{name} ({offset})"


def when_zoned(value: datetime | None) -> str:
    """A stored UTC time in the viewer's zone with the zone: ``12/2/26, 6:00 PM Almaty (UTC+5)``."""
    if value is None:
        return ""
    return _when_zoned(value, viewer_zone(), _locale())


@lru_cache(maxsize=4096)
def _when_zoned(value: datetime, tz: Zone, locale: str) -> str:
    """``when_zoned`` as a pure function of its inputs, kept per process: Babel's formatting
    costs ~0.1 ms, and the desk shows the same embargoes on every refresh."""
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    return (f"{babel_format_datetime(moment, 'short', tzinfo=tz, locale=locale)} "
            f"{_zone_label(moment, tz, locale)}")


def compile_catalogues(target: Path) -> Path:
    """Compile every ``messages.po`` under web/translations into ``target`` (fast; at start-up)."""
    for po_path in CATALOGUES.glob("*/LC_MESSAGES/messages.po"):
        locale = po_path.parent.parent.name
        mo_path = target / locale / "LC_MESSAGES" / "messages.mo"
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        # Each gunicorn worker compiles at start-up, at the same moment: each writes its own
        # temporary file and renames it into place (atomic; the last one wins, all identical).
        with tempfile.NamedTemporaryFile(dir=mo_path.parent, prefix="messages.", suffix=".tmp",
                                         delete=False) as fh:
            write_mo(fh, catalog)
        os.replace(fh.name, mo_path)
    return target


def main_nav() -> list[tuple[str, str]]:
    """Top navigation entries the signed-in user may use (only endpoints that exist)."""
    entries = [
        ("dashboard.index", _("Articles"), None),
        ("dashboard.my_work", _("My work"), "translator"),
        ("ingest.new_article", _("New article"), "editor"),
        ("metrics.index", _("Metrics"), "editor"),
        ("publishing.index", _("Publishing"), "editor"),
        ("partners_admin.index", _("Partners"), "admin"),
        ("admin.index", _("Admin"), "admin"),
    ]
    views = current_app.view_functions
    return [(endpoint, label) for endpoint, label, role in entries
            if endpoint in views and (role is None or current_user.has_role(role))]


def init_app(app: Flask) -> None:
    """Set up Babel with catalogues compiled under the instance directory."""
    compiled = compile_catalogues(Path(app.config["INSTANCE_DIR"]) / "i18n")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    try:
        app.config["TIMEZONE"] = clock.check_zone_name(app.config.get("TIMEZONE"))
    except InvalidInput as exc:
        raise RuntimeError(f"AUDARMA_TIMEZONE: {exc.message}") from None
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.globals.update(current_locale=lambda: str(get_locale() or DEFAULT_LOCALE),
                                 main_nav=main_nav, vocab=vocabulary, zone_label=zone_label,
                                 published_languages=latin_edition.published_languages,
                                 zone_name=zone_name, when_zoned=when_zoned)
