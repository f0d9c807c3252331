"""Choose the cheapest chain of installed packages from a source to a target language."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from packaging.version import InvalidVersion, Version

from translations.errors import NoRoute
from translations.packages import PackageInfo

PREFERRED_PIVOT = "en"
MAX_STEPS = 3


@dataclass(frozen=True)
class RouteStep:
    """One model pass: a package translating from one language to another."""

    package_code: str
    package_version: str
    source: str
    target: str
    licence: str | None = None  # of the package's weights, as its metadata recorded it

    def to_json(self) -> dict[str, str | None]:
        """JSON form stored with every translated segment."""
        return {
            "package_code": self.package_code,
            "package_version": self.package_version,
            "source": self.source,
            "target": self.target,
            "licence": self.licence,
        }


@dataclass(frozen=True)
class Route:
    """The steps that turn source-language text into target-language text."""

    steps: tuple[RouteStep, ...]

    @property
    def source(self) -> str:
        """Language the route starts from."""
        return self.steps[0].source

    @property
    def target(self) -> str:
        """Language the route ends in."""
        return self.steps[-1].target

    @property
    def label(self) -> str:
        """Reviewer-facing label, e.g. 'ru→en→kk via translate-ru_en 1.0, translate-en_kk 1.0'."""
        languages = "→".join([self.steps[0].source, *(step.target for step in self.steps)])
        packages = ", ".join(package_label(s.package_code, s.package_version) for s in self.steps)
        return f"{languages} via {packages}"

    def to_json(self) -> dict[str, Any]:
        """JSON form stored with every translated segment."""
        return {"label": self.label, "steps": [step.to_json() for step in self.steps]}


def plan_route(packages: Sequence[PackageInfo], source: str, target: str) -> Route:
    """Direct route if any package has one, else the shortest pivot (through English first)."""
    if source == target:
        raise NoRoute(source, target)
    best: dict[tuple[str, str], PackageInfo] = {}
    for package in packages:
        for direction in package.directions():
            current = best.get(direction)
            if current is None or _preference(package) > _preference(current):
                best[direction] = package
    edges: dict[str, list[str]] = {}
    for src, tgt in sorted(best, key=lambda pair: (pair[1] != PREFERRED_PIVOT, pair)):
        edges.setdefault(src, []).append(tgt)
    previous: dict[str, str] = {source: source}
    queue = deque([source])
    while queue:
        language = queue.popleft()
        if language == target:
            break
        for following in edges.get(language, []):
            if following not in previous:
                previous[following] = language
                queue.append(following)
    if target not in previous:
        raise NoRoute(source, target)
    chain = [target]
    while chain[-1] != source:
        chain.append(previous[chain[-1]])
    chain.reverse()
    if len(chain) - 1 > MAX_STEPS:
        raise NoRoute(source, target)
    steps = []
    for src, tgt in zip(chain, chain[1:], strict=False):
        package = best[(src, tgt)]
        steps.append(RouteStep(package.code, package.version, src, tgt, package.licence))
    return Route(tuple(steps))


def _preference(package: PackageInfo) -> tuple[bool, Version, str]:
    """Prefer a dedicated bilingual package, then the newest version, then a stable code order."""
    try:
        version = Version(package.version)
    except InvalidVersion:
        version = Version("0")
    return (not package.multilingual, version, package.code)


def package_label(code: str, version: str) -> str:
    """How a route label names a package: 'translate-en_kk 1.0'."""
    return f"{_short_code(code)} {version}"


def _short_code(code: str) -> str:
    """translate-en_kk-1_0 → translate-en_kk (the version is printed separately)."""
    head, _, tail = code.rpartition("-")
    return head if head and tail.replace("_", "").isdigit() else code


def served_pairs(packages: Sequence[PackageInfo], languages: Sequence[str]) -> set[tuple[str, str]]:
    """Every (source, target) among ``languages`` the packages can translate, pivots included."""
    pairs = set()
    for source in languages:
        for target in languages:
            if source == target:
                continue
            try:
                plan_route(packages, source, target)
            except NoRoute:
                continue
            pairs.add((source, target))
    return pairs
