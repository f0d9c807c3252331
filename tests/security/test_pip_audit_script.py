"""bench/pip_audit.sh tells "audited, clean", "vulnerable" and "no data" apart (fake pip-audit)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "pip_audit.sh"
DEP = {"name": "flask", "version": "3.1.0", "vulns": []}


def _run(tmp_path: Path, report: dict | None, rc: int = 0) -> subprocess.CompletedProcess:
    fake = tmp_path / "pip-audit"
    body = "" if report is None else (
        f"out=''; while [ $# -gt 0 ]; do [ \"$1\" = --output ] && out=$2; shift; done\n"
        f"cat > \"$out\" <<'JSON'\n{json.dumps(report)}\nJSON\n")
    fake.write_text(f"#!/usr/bin/env bash\n{body}exit {rc}\n")
    fake.chmod(0o755)
    env = dict(os.environ, PIP_AUDIT=str(fake), SITE_PACKAGES=str(tmp_path),
               PIP_AUDIT_OUT=str(tmp_path / "report.json"))
    return subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True,
                          timeout=30)


@pytest.mark.parametrize(("report", "rc", "code", "says"), [
    ({"dependencies": [DEP, {**DEP, "name": "lxml"}]}, 0, 0, "OK"),
    ({"dependencies": [DEP, {**DEP, "name": "lxml", "vulns": [
        {"id": "GHSA-test", "fix_versions": ["6.2"]}]}]}, 1, 1, "VULNERABLE lxml"),
    ({"dependencies": [{"name": n, "skip_reason": f"Dependency not found on PyPI and could not "
                        f"be audited: {n} (1.0)"} for n in ("flask", "lxml", "nh3")]},
     0, 3, "NO DATA"),
    ({"dependencies": []}, 0, 3, "NO DATA"),
    (None, 1, 4, "failed"),
])
def test_outcomes(tmp_path, report, rc, code, says):
    result = _run(tmp_path, report, rc)
    assert result.returncode == code, result.stdout + result.stderr
    assert says in result.stdout + result.stderr
