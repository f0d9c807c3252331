"""The pseudo-locale (every catalogue string wrapped in ⟦…⟧) and the publishing factories
(stories with approved editions, partners) for interface tests."""

from __future__ import annotations

import html
import re

import pytest
from babel.support import NullTranslations

from tests.publishing.conftest import make_partner, make_story  # noqa: F401

OPEN, CLOSE = "⟦", "⟧"
# Not interface text: the product's name, key caps, and units and formats that read the same in
# every language of the desk.
ALLOWED = {"Audarma", "Ctrl", "Enter", "Alt", "UTC", "MB", "KB", "ninjs", "CSV", "JSON",
           "AM", "PM",  # CLDR time of day of the locale under test (en), not catalogue text
           "English",  # the interface-language switch names each language in itself
           "ak"}  # API keys start "ak_": shown as they are typed
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'’-]+")


class PseudoTranslations(NullTranslations):
    """Wraps every message: anything a page shows outside ⟦…⟧ did not come from the catalogue."""

    def gettext(self, message):
        return f"{OPEN}{message}{CLOSE}"

    def ngettext(self, singular, plural, n):
        return f"{OPEN}{singular if n == 1 else plural}{CLOSE}"

    def pgettext(self, context, message):
        return self.gettext(message)

    def npgettext(self, context, singular, plural, n):
        return self.ngettext(singular, plural, n)

    ugettext, ungettext = gettext, ngettext


@pytest.fixture
def pseudo(monkeypatch):
    import flask_babel

    monkeypatch.setattr(flask_babel.Domain, "get_translations",
                        lambda self: PseudoTranslations())


def visible_text(page: str) -> str:
    """A page's text as a reader sees it: no tags, scripts or styles."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def outside_markers(text: str) -> str:
    """What a text shows outside the ⟦…⟧ markers: strings that skipped the catalogue."""
    depth, out = 0, []
    for char in text:
        if char == OPEN:
            depth += 1
        elif char == CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(char)
    return "".join(out)
