"""Does a flood of anonymous /healthz probes slow a partner's feed? (issue 15, row 1)

    .venv/bin/python bench/healthz_load.py [--rounds 3] [--duration 10] [--baseline-tree DIR]

Builds a throw-away instance with embedded defaults (SQLite, filesystem broker, no Redis) under
/tmp/audarma-healthz-*, publishes a few kk editions, creates a partner with a limit far above the
load, and starts the Procfile's ``web:`` command line (gunicorn, 2 workers × 4 threads (gthread),
redacting access log) on 127.0.0.1 only. Then, per round, wrk measures the partner's
``GET /feeds/kk.json`` (1 thread, 2 connections) for ``--duration`` seconds alone, and again while
a second wrk runs 10 anonymous ``GET /healthz`` clients (2 threads, 10 connections; a closed
loop, or each pausing ``--probe-interval-ms`` between probes) for the same time (every other
round in the reverse order). Prints the feed's p50/p95 in both phases per round, their medians,
what the /healthz clients got (requests, non-2xx answers = 429s), the CPU the server and each
wrk used, and the load average. ``--tree`` serves another checkout with this checkout's venv;
``--baseline-tree`` serves a second one (e.g. the code before a fix) beside it, measured in the
same rounds; ``--control`` serves ``--tree`` once more with no /healthz clients in either
phase (how much the feed moves between two phases on this machine anyway). Before the rounds,
the 10 clients run alone once against each tree (the server's CPU for the flood by itself).
Stops everything it started;
bounded (``rounds × 2 × duration`` seconds per tree plus start-up). Needs the Debian package
``wrk``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PORT = 5103
PACED = """
delay = function()
  return %d
end
"""
LUA = """
done = function(summary, latency, requests)
  io.write(string.format('JSON {"requests":%d,"duration_us":%d,"non2xx":%d,"socket_errors":%d,'
    .. '"p50":%d,"p95":%d,"p99":%d}\\n', summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def prepare(instance: Path, stories: int) -> tuple[str, str]:
    """Schema, ``stories`` published kk editions and a partner key; (database URL, key)."""
    os.environ["AUDARMA_INSTANCE"] = str(instance)
    from web import create_app
    from workflow.migrations import upgrade
    from workflow.models import Article, Block, Edition, Segment, SegmentTranslation
    from workflow.partners.admin import create_partner
    from workflow.publishing.publish import publish_edition
    from workflow.review import approve_edition
    from workflow.states import EditionState, transition
    from workflow.users import create_user

    app = create_app({"INSTANCE_DIR": str(instance), "CELERY_BROKER_URL": "filesystem://"})
    url = app.config["DATABASE_URL"]
    upgrade(url)
    database = app.extensions["audarma.db"]
    with app.app_context(), database.transaction() as session:
        editor = create_user(session, "editor@bench.test", "bench-password-1", ["editor"],
                             languages=["kk"])
        for n in range(stories):
            title = f"River levels fall in the north, report {n}"
            body = [f"Sentence {i} of report {n} about the river and the roads." for i in range(8)]
            article = Article(title=title, source_language="en", language_confidence=1.0,
                              source_key=f"bench-{n}", content_hash=f"{n:064d}", priority="normal")
            session.add(article)
            blocks = [Block(article=article, position=0, kind="title", text=title),
                      Block(article=article, position=1, kind="paragraph", text=" ".join(body))]
            segments = [Segment(article=article, block=blocks[0], sid="s0", position=0,
                                source_text=title, source_hash=f"t{n}", end_offset=len(title))]
            segments += [Segment(article=article, block=blocks[1], sid=f"s{i + 1}", position=i + 1,
                                 source_text=text, source_hash=f"b{n}-{i}", end_offset=len(text))
                         for i, text in enumerate(body)]
            session.add_all(blocks + segments)
            edition = Edition(article=article, language="kk", is_source=False, state="translating")
            session.add(edition)
            session.flush()
            session.add_all(SegmentTranslation(edition_id=edition.id, segment_id=s.id,
                                               state="confirmed", text=f"[kk] {s.source_text}")
                            for s in segments)
            for state in (EditionState.EDITING, EditionState.SUBMITTED):
                transition(edition, state)
            session.flush()
            approve_edition(session, edition.id, editor.id)
            publish_edition(session, edition.id, None)
        _partner, _key, secret = create_partner(session, "bench", "kk", None, "1000000/minute")
    database.dispose()
    return url, secret


def start_web(tree: Path, instance: Path, port: int, database_url: str,
              ratelimit_storage: str | None = None) -> subprocess.Popen:
    """``tree``'s Procfile web command line, in its own process group, once /healthz answers."""
    procfile = (tree / "Procfile").read_text()
    command = next(line.split(":", 1)[1] for line in procfile.splitlines()
                   if line.startswith("web:")).strip()
    venv_bin = str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items()
           if k not in ("REDIS_URL", "RATELIMIT_STORAGE_URI", "CELERY_BROKER_URL")}
    env.update(AUDARMA_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2", WEB_THREADS="4",
               AUDARMA_INSTANCE=str(instance), DATABASE_URL=database_url,
               CELERY_BROKER_URL="filesystem://", PYTHONPATH=str(tree),
               PATH=f"{venv_bin}{os.pathsep}{env.get('PATH', '')}")
    if ratelimit_storage:
        env["RATELIMIT_STORAGE_URI"] = ratelimit_storage
    log = open(instance / "gunicorn.log", "w")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(["bash", "-c", f"exec {command}"], env=env, cwd=tree,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn exited: see " + str(instance / "gunicorn.log"))
        try:  # an HTTP answer, not just the master's socket: a worker has imported the app
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                pass
        except urllib.error.HTTPError:
            pass  # answered (a 429 or 503 is an answer)
        except OSError:
            time.sleep(0.3)
            continue
        time.sleep(3)  # the other worker too, first health checks done
        return server
    os.killpg(server.pid, signal.SIGTERM)
    sys.exit("gunicorn did not start within 60 s")


def wrk(port: int, path: str, threads: int, connections: int, duration: int, script: Path,
        headers: dict[str, str] | None = None) -> subprocess.Popen:
    """Start one bounded wrk run (its JSON summary comes on stdout)."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
               "-s", str(script)]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    return subprocess.Popen([*command, f"http://127.0.0.1:{port}{path}"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def summary(process: subprocess.Popen) -> dict:
    """wrk's JSON summary (wrk stops itself after its duration), with the CPU seconds (user +
    system) wrk itself used as ``cpu``: reaped with wait4 to read its resource usage."""
    assert process.stdout is not None
    out = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    line = next((x for x in out.splitlines() if x.startswith("JSON ")), None)
    if process.returncode != 0 or line is None:
        sys.exit(f"wrk failed: {out}")
    return {**json.loads(line[5:]), "cpu": usage.ru_utime + usage.ru_stime}


def group_cpu(group: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of process group ``group``
    (gunicorn's master and workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[2]) == group:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def phase(server: subprocess.Popen, port: int, key: str, duration: int, script: Path,
          probe_script: Path | None) -> dict:
    """One phase: the partner's feed for ``duration`` s, with 10 /healthz clients if
    ``probe_script``; wrk's figures and the CPU seconds of the server and of each wrk."""
    feed_headers = {"Authorization": f"Bearer {key}"}
    cpu_before = group_cpu(server.pid)
    probes = wrk(port, "/healthz", 2, 10, duration, probe_script) if probe_script else None
    feed = summary(wrk(port, "/feeds/kk.json", 1, 2, duration, script, feed_headers))
    health = summary(probes) if probes else None
    return {"feed": feed, "health": health, "server_cpu": group_cpu(server.pid) - cpu_before}


def flood_cost(server: subprocess.Popen, port: int, duration: int, probe_script: Path) -> str:
    """The 10 /healthz clients alone for ``duration`` s: the server's CPU and what they got."""
    cpu_before = group_cpu(server.pid)
    health = summary(wrk(port, "/healthz", 2, 10, duration, probe_script))
    return (f"/healthz clients alone: server CPU {group_cpu(server.pid) - cpu_before:.2f} s in "
            f"{duration} s for {health['requests']} answers ({health['non2xx']} non-2xx), "
            f"wrk CPU {health['cpu']:.2f} s")


def describe(alone: dict, loaded: dict, duration: int) -> str:
    """One round's line: the feed's latency in both phases, and who used the CPU."""
    feed0, feed1, health = alone["feed"], loaded["feed"], loaded["health"]
    probes = (f"/healthz {health['requests']} req, {health['non2xx']} non-2xx (429), p95 "
              f"{health['p95'] / 1000:.1f} ms, wrk CPU {health['cpu'] / duration:.2f} cores"
              if health else "control: no /healthz clients in either phase")
    return (f"feed alone p50 {feed0['p50'] / 1000:.1f} ms p95 {feed0['p95'] / 1000:.1f} ms "
            f"({feed0['requests']} req); with 10 /healthz clients p50 {feed1['p50'] / 1000:.1f} ms "
            f"p95 {feed1['p95'] / 1000:.1f} ms ({feed1['requests']} req, {feed1['non2xx']} "
            f"non-2xx); {probes}; server CPU cores {alone['server_cpu'] / duration:.2f} -> "
            f"{loaded['server_cpu'] / duration:.2f}, feed wrk {feed1['cpu'] / duration:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per phase")
    parser.add_argument("--stories", type=int, default=20, help="published kk editions")
    parser.add_argument("--tree", type=Path, default=ROOT, help="source tree to serve")
    parser.add_argument("--baseline-tree", type=Path, default=None,
                        help="another tree (e.g. the code before a fix) served beside --tree and "
                             "measured in the same rounds, alternately")
    parser.add_argument("--probe-interval-ms", type=int, default=0,
                        help="pause of each /healthz client between probes (0: tight loop)")
    parser.add_argument("--control", action="store_true",
                        help="also serve --tree a second time with no /healthz clients in either "
                             "phase, in the same rounds: the machine's own noise between phases")
    parser.add_argument("--ratelimit-storage", default=None,
                        help="RATELIMIT_STORAGE_URI (default: the app's, a shared SQLite file)")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    trees = [("tree", args.tree.resolve())]
    if args.baseline_tree:
        trees.append(("baseline", args.baseline_tree.resolve()))
    if args.control:
        trees.append(("control", args.tree.resolve()))
    folder = Path(tempfile.mkdtemp(prefix="audarma-healthz-"))
    script = folder / "summary.lua"
    script.write_text(LUA)
    probe_script = folder / "probe.lua"
    pause = PACED % args.probe_interval_ms if args.probe_interval_ms else ""
    probe_script.write_text(LUA + pause)
    servers: list[tuple[str, subprocess.Popen, int, str]] = []
    try:
        for n, (label, tree) in enumerate(trees):
            instance = folder / label
            instance.mkdir()
            database_url, key = prepare(instance, args.stories)
            port = PORT + n
            server = start_web(tree, instance, port, database_url, args.ratelimit_storage)
            servers.append((label, server, port, key))
            summary(wrk(port, "/feeds/kk.json", 1, 2, 3, script,  # warm-up: caches, connections
                        {"Authorization": f"Bearer {key}"}))
        for label, server, port, _key in servers:
            if label != "control":
                print(f"{label}: {flood_cost(server, port, args.duration, probe_script)}",
                      flush=True)
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
        rows: dict[str, list[tuple[dict, dict]]] = {label: [] for label, _tree in trees}
        for n in range(1, args.rounds + 1):
            # every other round runs the trees and the phases in reverse order, so a machine
            # getting busier or quieter during the run favours neither
            for label, server, port, key in servers[::-1] if n % 2 == 0 else servers:
                loaded_probes = None if label == "control" else probe_script
                results = {which: phase(server, port, key, args.duration, script,
                                        loaded_probes if which == "loaded" else None)
                           for which in (("alone", "loaded") if n % 2 else ("loaded", "alone"))}
                alone, loaded = results["alone"], results["loaded"]
                rows[label].append((alone, loaded))
                print(f"round {n} {label}: {describe(alone, loaded, args.duration)}", flush=True)
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        verdicts = {}
        for label, tree in trees:
            before = statistics.median(a["feed"]["p95"] for a, _ in rows[label]) / 1000
            after = statistics.median(b["feed"]["p95"] for _, b in rows[label]) / 1000
            p50 = [statistics.median(r[i]["feed"]["p50"] for r in rows[label]) / 1000
                   for i in (0, 1)]
            change = statistics.median(b["feed"]["p95"] / a["feed"]["p95"] - 1
                                       for a, b in rows[label]) * 100
            probes = [b["health"]["requests"] if b["health"] else 0 for _, b in rows[label]]
            verdicts[label] = after <= before * 1.2
            print(f"{label} ({tree.name}): median feed p95 alone {before:.1f} ms, with 10 /healthz "
                  f"clients {after:.1f} ms ({(after / before - 1) * 100:+.0f} %; goal within "
                  f"+20 %); median of the rounds' changes {change:+.0f} %; median p50 "
                  f"{p50[0]:.1f} -> {p50[1]:.1f} ms; /healthz answers per phase "
                  f"{min(probes)}-{max(probes)}")
        return 0 if verdicts["tree"] else 1
    finally:
        for _label, server, _port, _key in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
