#!/usr/bin/env bash
# Audit the installed dependencies with pip-audit and say which of three things happened:
#   exit 0  audited: every third-party dependency was checked, no known vulnerability
#   exit 1  vulnerabilities found (listed; explain or upgrade, see docs/security.md)
#   exit 3  no data: pip-audit could not check (most) dependencies, e.g. a PyPI mirror without
#           the vulnerability API answers "Dependency not found on PyPI" for everything and
#           pip-audit still prints "No known vulnerabilities found" and exits 0
#   exit 4  pip-audit itself failed (network, crash)
# pip-audit runs from its own venv (default /tmp/pip-audit-venv), never inside the project's.
# Usage: bench/pip_audit.sh [extra pip-audit args, e.g. --ignore-vuln GHSA-xxxx]
# Env: PIP_AUDIT (a pip-audit executable), PIP_AUDIT_VENV, SITE_PACKAGES, PIP_AUDIT_OUT.
set -uo pipefail
cd "$(dirname "$0")/.."

site="${SITE_PACKAGES:-$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')}"
out="${PIP_AUDIT_OUT:-$(mktemp -t pip-audit.XXXXXX.json)}"
tool="${PIP_AUDIT:-}"
if [ -z "$tool" ]; then
  venv="${PIP_AUDIT_VENV:-/tmp/pip-audit-venv}"
  if [ ! -x "$venv/bin/pip-audit" ]; then
    python3 -m venv "$venv" && "$venv/bin/pip" install -q pip-audit >&2 || {
      echo "pip-audit: could not install pip-audit into $venv" >&2; exit 4; }
  fi
  tool="$venv/bin/pip-audit"
fi

"$tool" --path "$site" --format json --output "$out" --progress-spinner off "$@" 2>"$out.err"
rc=$?
if [ ! -s "$out" ]; then
  echo "pip-audit: failed (exit $rc) without a report:" >&2
  tail -n 20 "$out.err" >&2
  exit 4
fi

python3 - "$out" "$rc" <<'PY'
import json
import sys

report = json.load(open(sys.argv[1]))
rc = int(sys.argv[2])
deps = report.get("dependencies", [])
LOCAL = ("audarma",)  # the project itself is not on PyPI
skipped = [d for d in deps if d.get("skip_reason") and d["name"].lower() not in LOCAL]
audited = [d for d in deps if not d.get("skip_reason")]
vulnerable = [d for d in audited if d.get("vulns")]
for dep in vulnerable:
    for vuln in dep["vulns"]:
        fixes = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
        print(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
print(f"pip-audit: {len(deps)} dependencies, {len(audited)} audited, {len(skipped)} without "
      f"data, {len(vulnerable)} vulnerable")
if vulnerable:
    sys.exit(1)
if not audited or len(skipped) > len(deps) // 10:
    reasons = sorted({d["skip_reason"].split(":")[0] for d in skipped})
    print("pip-audit: NO DATA - the result means nothing: " + "; ".join(reasons))
    for dep in skipped[:5]:
        print(f"  {dep['skip_reason']}")
    sys.exit(3)
if skipped:
    print("pip-audit: not audited: " + ", ".join(d["name"] for d in skipped))
if rc not in (0, 1):
    sys.exit(4)
print("pip-audit: OK - no known vulnerability")
PY
