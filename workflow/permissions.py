"""Who may do what: one table of role × action × language, asked by every way in.

The dashboard, the JSON API, the CLI and the tasks call ``require`` (through the workflow
services) with the acting user; a view's role gate only spares a round trip, it decides nothing
the table does not. Admins hold every role. A user with no working languages works in all.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from workflow.errors import Forbidden
from workflow.vocabulary import base_language


class Action(StrEnum):
    """Everything a signed-in person or API key can ask the desk to do."""

    VIEW = "view"  # the desk, editions, previews, history
    MY_WORK = "my_work"
    TAKE = "take"
    EDIT_SEGMENT = "edit_segment"
    EDIT_BYLINE = "edit_byline"
    COMMENT = "comment"
    SUBMIT = "submit"
    SUBMIT_SOURCE = "submit_source"  # the source edition: its text is edited on the source form
    APPROVE = "approve"
    SEND_BACK = "send_back"
    ASSIGN = "assign"
    INGEST = "ingest"
    EDIT_SOURCE = "edit_source"
    CANCEL_JOBS = "cancel_jobs"
    RETRY_JOB = "retry_job"
    PUBLISH = "publish"
    CORRECT = "correct"
    KILL = "kill"
    METRICS = "metrics"
    ADMIN = "admin"  # models, glossary, people, partners


@dataclass(frozen=True)
class Rule:
    """The roles allowed an action, and whether the edition's language must be one of theirs."""

    roles: frozenset[str]
    by_language: bool


def _rule(*roles: str, by_language: bool = False) -> Rule:
    return Rule(frozenset(roles), by_language)


ANYONE = ("translator", "editor", "admin")

PERMISSIONS: dict[Action, Rule] = {
    Action.VIEW: _rule(*ANYONE),
    Action.MY_WORK: _rule("translator"),
    Action.TAKE: _rule("translator", by_language=True),
    Action.EDIT_SEGMENT: _rule("translator", by_language=True),
    Action.EDIT_BYLINE: _rule("translator", by_language=True),
    Action.COMMENT: _rule("translator", "editor", by_language=True),
    Action.SUBMIT: _rule("translator", by_language=True),
    Action.SUBMIT_SOURCE: _rule("translator", "editor", by_language=True),
    Action.APPROVE: _rule("editor", by_language=True),
    Action.SEND_BACK: _rule("editor", by_language=True),
    Action.ASSIGN: _rule("editor", by_language=True),
    Action.INGEST: _rule("editor"),
    Action.EDIT_SOURCE: _rule("editor"),
    Action.CANCEL_JOBS: _rule("editor"),
    Action.RETRY_JOB: _rule("editor"),
    Action.PUBLISH: _rule("editor", by_language=True),
    Action.CORRECT: _rule("editor", by_language=True),
    Action.KILL: _rule("editor", by_language=True),
    Action.METRICS: _rule("editor"),
    Action.ADMIN: _rule("admin"),
}


def _holds(person, role: str) -> bool:
    return role in (person.roles or []) or "admin" in (person.roles or [])


def _works_in(person, language: str) -> bool:
    """A derived edition (kk-Latn) is worked on by the people of its language (kk)."""
    return (not person.languages or language in person.languages
            or base_language(language) in person.languages)


def roles_for(action: Action | str) -> frozenset[str]:
    """The roles the table allows ``action`` (for a page's cheap role gate)."""
    return PERMISSIONS[Action(action)].roles


def allowed(person, action: Action | str, language: str | None = None) -> bool:
    """True if ``person`` may do ``action`` (on an edition in ``language``, when it matters)."""
    if person is None or not getattr(person, "is_active", True):
        return False
    rule = PERMISSIONS[Action(action)]
    if not any(_holds(person, role) for role in rule.roles):
        return False
    return not (rule.by_language and language is not None and not _works_in(person, language))


def require(person, action: Action | str, language: str | None = None) -> None:
    """Raise Forbidden unless ``person`` may do ``action`` (in ``language``)."""
    if person is None or not getattr(person, "is_active", True):
        raise Forbidden("Sign in again to continue.", code="no_user")
    rule = PERMISSIONS[Action(action)]
    if not any(_holds(person, role) for role in rule.roles):
        raise Forbidden("Your role does not allow this.", code="role_not_allowed",
                        action=str(action))
    if rule.by_language and language is not None and not _works_in(person, language):
        raise Forbidden(f"You do not work in {language}.", code="wrong_language",
                        action=str(action))
