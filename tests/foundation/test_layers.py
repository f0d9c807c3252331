"""The layering rule, checked: no import cycle, and no import against the dependency direction.

translations/ imports nothing of ours; workflow/ may import translations/ but no Flask, Celery,
web/ or tasks/; tasks/ imports workflow/ and translations/ (only the worker entry point builds
the web app); web/ imports the rest. Imports inside functions count: a cycle hidden in a
function body is still a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("workflow", "translations", "tasks", "web")
FORBIDDEN = {
    "translations": ("workflow", "tasks", "web", "flask", "celery", "sqlalchemy"),
    "workflow": ("tasks", "web", "flask", "celery", "kombu", "flask_babel", "flask_login"),
    "tasks": ("web",),
}
ALLOWED = {("tasks.worker", "web")}  # the worker entry point builds the Flask app for Celery


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Every module (ours, or a top-level third-party name) that ``name`` imports, anywhere."""
    is_package = path.name == "__init__.py"
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                keep = len(name.split(".")) - node.level + (1 if is_package else 0)
                anchor = name.split(".")[:keep]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from package import module`` imports the module; ``from module import name``
            # the module itself
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules and "." in target:
                target = target.rsplit(".", 1)[0]
            out.add(target if target in modules else target.split(".")[0])
    out.discard(name)
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def test_no_wrong_way_import():
    wrong = []
    for name, targets in _graph().items():
        layer = name.split(".")[0]
        for target in sorted(targets):
            top = target.split(".")[0]
            if top in FORBIDDEN.get(layer, ()) and (name, top) not in ALLOWED:
                wrong.append(f"{name} imports {target}")
    assert wrong == []


def test_no_import_cycle():
    graph = {name: {t for t in targets if t in _modules()} for name, targets in _graph().items()}
    # a package's __init__ re-exporting its modules is not a cycle through those modules
    for name in graph:
        graph[name] = {t for t in graph[name] if not name.startswith(t + ".")}
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert cycles == []


def test_the_checker_sees_a_cycle_and_a_wrong_way_import(tmp_path, monkeypatch):
    """The walker itself: a planted cycle and a planted Flask import are found."""
    (tmp_path / "workflow").mkdir()
    (tmp_path / "workflow" / "a.py").write_text("def f():\n    from workflow import b\n")
    (tmp_path / "workflow" / "b.py").write_text("from workflow.a import f\nimport flask\n")
    for package in PACKAGES[1:]:
        (tmp_path / package).mkdir()
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    graph = _graph()
    assert graph["workflow.a"] == {"workflow.b"}
    assert graph["workflow.b"] == {"workflow.a", "flask"}
