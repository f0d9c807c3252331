"""The docs state the product as it is: current figures, no machine paths, no working notes."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_benchmarks_hold_current_figures_only():
    lines = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 300, f"docs/benchmarks.md has {len(lines)} lines; keep the current figure"


def test_no_machine_path_in_the_docs():
    found = [f"{path.name}: {match.group(0)}" for path in DOCS
             for match in re.finditer(r"(?<![\w.])/(?:work|root|home|tmp/audarma)/[\w./-]+",
                                      path.read_text(encoding="utf-8"))]
    assert found == []


def _readme_commands() -> set[str]:
    """``group command`` pairs (and lone commands) named in the README's "Command line" table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Command line", 1)[1].split("\n## ", 1)[0]
    named = set()
    for span in re.findall(r"`([^`]+)`", section):
        words = span.replace("\\|", "|").split()
        if not words or not re.fullmatch(r"[a-z][a-z-]*", words[0]):
            continue
        named.update(words[0].split("|"))
        if len(words) > 1:
            named.update(f"{words[0]} {sub}" for sub in words[1].split("|"))
    return named


def test_the_readme_names_every_command(app):
    """Each command ``audarma --help`` lists, and each command of each group, is in the README."""
    import click

    from web.cli import main

    commands = {**app.cli.commands, **main.commands}
    wanted = set()
    for name, command in commands.items():
        wanted.add(name)
        if isinstance(command, click.Group):
            wanted.update(f"{name} {sub}" for sub in command.commands)
    missing = sorted(wanted - _readme_commands())
    assert missing == [], f"README's command list misses: {missing}"
