"""The desk's words in one place: languages, roles, and the groups of job and edition states.

The web (views, templates through the ``vocab`` Jinja global), the CLI and the services import
these names instead of spelling the lists out. Adding an edition language (say ``kk-Latn``) is
one more ``Language`` row here; the machine-translation libraries are told its ``base`` code.
Permissions (who may do what) and check codes live in their own modules.

A derived edition (``kk-Latn``, the Kazakh edition written in the Latin alphabet) has no machine
step and is no translation target: it is in ``PUBLISHED_LANGUAGES`` (feeds, partner scopes, the
publishing desk) but not in ``LANGUAGES`` (sources, targets, glossaries, people's languages).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from workflow.states import EditionState, JobState


@dataclass(frozen=True)
class Language:
    """One edition language: its code, English name, own name and the code MT libraries know."""

    code: str  # the edition's code as stored (BCP 47: "kk", later perhaps "kk-Latn")
    name: str  # English name; the interface translates it (web/dashboard.py's labels)
    native: str  # its own name, for the interface-language switcher
    base: str  # ISO 639-1 code for language detection, segmentation and MT packages
    interface: bool = True  # the desk's interface is translated into it
    derived_from: str | None = None  # a derived edition: written from this edition, no MT step


EDITION_LANGUAGES: Final[tuple[Language, ...]] = (
    Language("kk", "Kazakh", "Қазақша", "kk"),
    Language("ru", "Russian", "Русский", "ru"),
    Language("en", "English", "English", "en"),
)

LANGUAGES: Final[tuple[str, ...]] = tuple(lang.code for lang in EDITION_LANGUAGES)
"""Every edition language code, in desk order."""

LATIN_KAZAKH: Final = Language("kk-Latn", "Kazakh (Latin)", "Qazaqşa", "kk", interface=False,
                               derived_from="kk")
"""The optional Kazakh Latin edition, transliterated from the approved Kazakh one (instance
setting ``AUDARMA_KK_LATN``)."""

DERIVED_LANGUAGES: Final[tuple[Language, ...]] = (LATIN_KAZAKH,)

PUBLISHED_LANGUAGES: Final[tuple[str, ...]] = (
    *LANGUAGES, *(lang.code for lang in DERIVED_LANGUAGES))
"""Every language an edition can be published in: feeds, partner scopes, the publishing desk."""

NATIVE_NAMES: Final[dict[str, str]] = {
    lang.code: lang.native for lang in (*EDITION_LANGUAGES, *DERIVED_LANGUAGES)}
"""Each edition language in its own words (feed titles, public pages, the locale switcher)."""

INTERFACE_LOCALES: Final[tuple[str, ...]] = tuple(
    lang.code for lang in EDITION_LANGUAGES if lang.interface)
"""Languages the interface is translated into (a person's ``locale``)."""

DEFAULT_LOCALE: Final = "en"


def language(code: str) -> Language:
    """The Language row of ``code`` (KeyError if it is not an edition language)."""
    for lang in (*EDITION_LANGUAGES, *DERIVED_LANGUAGES):
        if lang.code == code:
            return lang
    raise KeyError(code)


def published_language(value: str | None) -> str | None:
    """The stored code of a published language written in any case ("kk-latn" in a feed's URL,
    a partner form), or None if it is none."""
    wanted = (value or "").strip().lower().replace("_", "-")
    return next((code for code in PUBLISHED_LANGUAGES if code.lower() == wanted), None)


def feed_slug(code: str) -> str:
    """How a language is written in its feed's path: lower case (``/feeds/kk-latn.rss``)."""
    return code.lower()


def base_language(code: str) -> str:
    """The edition language a derived edition is written from, else the code itself."""
    try:
        return language(code).derived_from or code
    except KeyError:
        return code


def other_languages(source: str) -> list[str]:
    """Every edition language except ``source``: an article's default targets."""
    return [code for code in LANGUAGES if code != source]


# Roles: admins hold every role (User.has_role).
TRANSLATOR: Final = "translator"
EDITOR: Final = "editor"
ADMIN: Final = "admin"
ROLES: Final[tuple[str, ...]] = (TRANSLATOR, EDITOR, ADMIN)


def holds_role(roles: list[str] | tuple[str, ...], role: str) -> bool:
    """True if someone with ``roles`` holds ``role`` (an admin holds every role)."""
    return role in roles or ADMIN in roles


# Job states by what the desk does with them.
OPEN_JOB_STATES: Final[tuple[str, ...]] = (
    JobState.QUEUED.value, JobState.TRANSLATING.value, JobState.WAITING_FOR_MODEL.value)
"""A job still on its way: it can be cancelled and the article page keeps polling."""

LIVE_JOB_STATES: Final[tuple[str, ...]] = (JobState.QUEUED.value, JobState.TRANSLATING.value)
"""A job a worker is on or about to be: the dashboard keeps polling."""

SHOWN_JOB_STATES: Final[tuple[str, ...]] = (*OPEN_JOB_STATES, JobState.FAILED.value)
"""A job worth showing in a desk cell (open, or failed and waiting for a person)."""

RETRYABLE_JOB_STATES: Final[tuple[str, ...]] = (JobState.FAILED.value, JobState.CANCELLED.value)
"""A job a person may send back to the queue."""

# Edition states by what the desk does with them.
EDITION_STATES: Final[tuple[str, ...]] = tuple(state.value for state in EditionState)
"""Every edition state, in workflow order (the dashboard's state filter)."""

EDITABLE_EDITION_STATES: Final[tuple[str, ...]] = (EditionState.EDITING.value,)
"""Translators may type into an edition only while it is being edited."""

OPEN_EDITION_STATES: Final[tuple[str, ...]] = (
    EditionState.TRANSLATING.value, EditionState.EDITING.value)
"""An edition a translator can still take up (My work)."""

PUBLISHING_DESK_STATES: Final[tuple[str, ...]] = (
    EditionState.APPROVED.value, EditionState.SCHEDULED.value, EditionState.PUBLISHED.value,
    EditionState.WITHDRAWN.value)
"""Editions an editor can publish, schedule, correct or kill."""

LIVE_EDITION_STATES: Final[tuple[str, ...]] = (
    EditionState.PUBLISHED.value, EditionState.SCHEDULED.value)
"""Editions partners see now or will see at their embargo: a kill withdraws them."""

PRIORITIES: Final[tuple[str, ...]] = ("breaking", "normal")
