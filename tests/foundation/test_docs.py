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
