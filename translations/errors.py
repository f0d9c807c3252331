"""Typed errors raised by the machine-translation library."""

from __future__ import annotations


class TranslationError(Exception):
    """Base class for every error raised by `translations`."""


class NoRoute(TranslationError):
    """No installed package, alone or chained through a pivot, translates source into target."""

    def __init__(self, source: str, target: str) -> None:
        self.source = source
        self.target = target
        super().__init__(
            f"No installed translation package or pivot route from {source!r} to {target!r}; "
            "install one with `audarma models install`."
        )


class ModelMissing(TranslationError):
    """A package named by code is not installed (or vanished from disk)."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        message = f"Translation package {code!r} is not installed"
        super().__init__(f"{message}: {detail}" if detail else message)


class InvalidPackage(TranslationError):
    """A package file or directory is unsafe, malformed, or its model does not load."""


class IndexUnavailable(TranslationError):
    """The online package index could not be reached (e.g. the machine is offline)."""


class EngineUnavailable(TranslationError):
    """The engine failed for a transient reason (memory, threads); the caller should retry."""
