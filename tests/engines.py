"""The tests' stand-in translation engine: a real ``translations.interface.Engine``.

It translates by tagging and upper-casing (``[kk] TEXT``), so tests can tell machine text from
a person's, but otherwise keeps the contract the Argos engine keeps (tests/translations/
test_engine_protocol.py runs the same checks on both): memory hits first, one Translation per
text in order, a route, a confidence (a mean log-probability <= 0, ``confidence(text)``,
default -0.2) on machine output and none on memory hits, NoRoute for a pair it does not serve.
Post-edit checks run only with ``checks=True`` (its tagged upper-case output would trip them and
block the desk's tests).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from translations.checks import run_checks
from translations.errors import NoRoute
from translations.glossary import Glossary
from translations.interface import Translation
from translations.memory import MemoryLookup
from translations.routes import Route, RouteStep


class FakeEngine:
    """Tags and upper-cases text; ``before_batch(n)`` runs before the n-th translate call."""

    def __init__(self, before_batch: Callable[[int], None] | None = None, *,
                 languages: Sequence[str] = ("kk", "ru", "en"), checks: bool = False,
                 confidence: Callable[[str], float] | None = None) -> None:
        self.before_batch = before_batch
        self.checks = checks
        self.confidence = confidence or (lambda _text: -0.2)
        self.languages = tuple(languages)
        self.calls: list[list[str]] = []

    def route(self, source: str, target: str) -> Route:
        if source == target or source not in self.languages or target not in self.languages:
            raise NoRoute(source, target)
        return Route((RouteStep(f"fake-{source}_{target}", "1.0", source, target),))

    def translate(self, texts: Sequence[str], source: str, target: str, *,
                  glossary: Glossary | None = None,
                  memory: MemoryLookup | None = None) -> list[Translation]:
        self.calls.append(list(texts))
        if self.before_batch:
            self.before_batch(len(self.calls))
        route = self.route(source, target)
        results = []
        for text in texts:
            remembered = memory.exact(text) if memory is not None else None
            if remembered is not None:
                origin, output, used, sure = "memory", remembered, None, None
            else:
                origin, output, used = "machine", f"[{target}] {text.upper()}", route
                sure = self.confidence(text)
            found = (run_checks(text, output, target, glossary, source_language=source)
                     if self.checks else [])
            results.append(Translation(output, origin, used, found, confidence=sure))
        return results
