"""What every translation engine promises: the ``Engine`` protocol and its typed results.

The Argos engine (translations/engine.py) implements it; so does the tests' stand-in. The
worker (workflow/jobs/run.py) types its engine as ``Engine`` and reads only these fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from translations.checks import Check
from translations.glossary import Glossary
from translations.memory import MemoryLookup, MemorySuggestion
from translations.routes import Route


@dataclass(frozen=True)
class Translation:
    """One translated segment with where it came from and what the checks found."""

    text: str
    origin: Literal["memory", "machine"]
    route: Route | None
    checks: list[Check] = field(default_factory=list)
    memory_suggestions: list[MemorySuggestion] = field(default_factory=list)
    # Machine output only: the model's mean log-probability per token (translations/confidence.py),
    # <= 0, the weakest leg's on a pivot route; None for memory hits and empty segments.
    confidence: float | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON form stored with the segment."""
        return {
            "text": self.text,
            "origin": self.origin,
            "route": self.route.to_json() if self.route else None,
            "checks": [c.to_json() for c in self.checks],
            "memory_suggestions": [s.to_json() for s in self.memory_suggestions],
            "confidence": self.confidence,
        }


@runtime_checkable
class Engine(Protocol):
    """Translates an article's segments from one language into another.

    ``translate`` returns one Translation per text, in order: an exact memory hit verbatim
    (origin "memory", no route), the rest machine-translated along ``route(source, target)``
    with a ``confidence`` (the model's mean log-probability per token, <= 0) on each.
    It raises ``translations.errors.NoRoute`` when no installed model serves the pair,
    ``ModelMissing``/``InvalidPackage`` for a broken package and ``EngineUnavailable`` when a
    retry later may succeed.
    """

    def route(self, source: str, target: str) -> Route:
        """The route ``translate`` would take now (NoRoute if none)."""
        ...

    def translate(self, texts: Sequence[str], source: str, target: str, *,
                  glossary: Glossary | None = None,
                  memory: MemoryLookup | None = None) -> list[Translation]:
        """Translate ``texts`` (one article's segments) from ``source`` into ``target``."""
        ...
