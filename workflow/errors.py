"""Typed domain errors with stable codes; the web layer turns them into messages, never 500s."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every expected, user-facing error: ``code`` is stable, ``message`` is for people."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, keep_work: bool = False,
                 **detail: object) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.keep_work = keep_work  # commit what the service wrote before refusing (audit, text)
        self.detail = detail


class NotFound(DomainError):
    """The thing asked for does not exist (or the caller may not know it does)."""

    code = "not_found"
    status = 404


class Forbidden(DomainError):
    """The caller may not do this."""

    code = "forbidden"
    status = 403


class Conflict(DomainError):
    """The request clashes with the current state (stale save, duplicate, illegal move)."""

    code = "conflict"
    status = 409


class InvalidInput(DomainError):
    """The input cannot be accepted as given."""

    code = "invalid_input"
    status = 422
