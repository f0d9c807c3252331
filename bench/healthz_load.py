"""Does a flood of anonymous /healthz probes slow a partner's feed? (issue 15, row 1)

    .venv/bin/python bench/healthz_load.py [--rounds 3] [--duration 10] [--tree /path/to/tree]

Builds a throw-away instance with embedded defaults (SQLite, filesystem broker, no Redis) under
/tmp/audarma-healthz-*, publishes a few kk editions, creates a partner with a limit far above the
load, and starts the Procfile's ``web:`` command line (gunicorn, 2 gthread workers × 4 threads,
redacting access log) on 127.0.0.1 only. Then, per round, wrk measures the partner's
``GET /feeds/kk.json`` (1 thread, 2 connections) for ``--duration`` seconds alone, and again while
a second wrk runs 10 anonymous ``GET /healthz`` clients (2 threads, 10 connections; a closed
loop, or each pausing ``--probe-interval-ms`` between probes) for the same time. Prints the
feed's p50/p95 in both phases per round, their medians, and what the /healthz clients got
(requests, non-2xx answers = 429s). ``--tree`` serves another checkout (e.g. the code before
the fix) with this checkout's venv. Stops everything it started; bounded
(``rounds × 2 × duration`` seconds plus start-up). Needs the Debian package ``wrk``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
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
    from workflow.partners import create_partner
    from workflow.publishing import publish_edition
    from workflow.states import EditionState, transition

    app = create_app({"INSTANCE_DIR": str(instance), "CELERY_BROKER_URL": "filesystem://"})
    url = app.config["DATABASE_URL"]
    upgrade(url)
    database = app.extensions["audarma.db"]
    with app.app_context(), database.transaction() as session:
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
            for state in (EditionState.EDITING, EditionState.SUBMITTED, EditionState.APPROVED):
                transition(edition, state)
            session.flush()
            publish_edition(session, edition.id, None)
        _partner, _key, secret = create_partner(session, "bench", "kk", None, "1000000/minute")
    database.dispose()
    return url, secret


def start_web(tree: Path, instance: Path, database_url: str,
              ratelimit_storage: str | None = None) -> subprocess.Popen:
    """The Procfile's web command line, in its own process group, once /healthz answers."""
    from tests.procfile import web_command

    venv_bin = str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items()
           if k not in ("REDIS_URL", "RATELIMIT_STORAGE_URI", "CELERY_BROKER_URL")}
    env.update(AUDARMA_BIND=f"127.0.0.1:{PORT}", WEB_CONCURRENCY="2", WEB_THREADS="4",
               AUDARMA_INSTANCE=str(instance), DATABASE_URL=database_url,
               CELERY_BROKER_URL="filesystem://", PYTHONPATH=str(tree),
               PATH=f"{venv_bin}{os.pathsep}{env.get('PATH', '')}")
    if ratelimit_storage:
        env["RATELIMIT_STORAGE_URI"] = ratelimit_storage
    log = open(instance / "gunicorn.log", "w")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(["bash", "-c", f"exec {web_command()}"], env=env, cwd=tree,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn exited: see " + str(instance / "gunicorn.log"))
        try:
            with socket.create_connection(("127.0.0.1", PORT), timeout=1):
                time.sleep(3)  # both workers imported, first health checks done
                return server
        except OSError:
            time.sleep(0.3)
    os.killpg(server.pid, signal.SIGTERM)
    sys.exit("gunicorn did not start within 60 s")


def wrk(path: str, threads: int, connections: int, duration: int, script: Path,
        headers: dict[str, str] | None = None) -> subprocess.Popen:
    """Start one bounded wrk run (its JSON summary comes on stdout)."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
               "-s", str(script)]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    return subprocess.Popen([*command, f"http://127.0.0.1:{PORT}{path}"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def summary(process: subprocess.Popen, duration: int) -> dict:
    out, err = process.communicate(timeout=duration + 60)
    line = next((x for x in out.splitlines() if x.startswith("JSON ")), None)
    if process.returncode != 0 or line is None:
        sys.exit(f"wrk failed: {err or out}")
    return json.loads(line[5:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per phase")
    parser.add_argument("--stories", type=int, default=20, help="published kk editions")
    parser.add_argument("--tree", type=Path, default=ROOT, help="source tree to serve")
    parser.add_argument("--probe-interval-ms", type=int, default=0,
                        help="pause of each /healthz client between probes (0: tight loop)")
    parser.add_argument("--ratelimit-storage", default=None,
                        help="RATELIMIT_STORAGE_URI (default: the app's, a shared SQLite file)")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    instance = Path(tempfile.mkdtemp(prefix="audarma-healthz-"))
    script = instance / "summary.lua"
    script.write_text(LUA)
    probe_script = instance / "probe.lua"
    pause = PACED % args.probe_interval_ms if args.probe_interval_ms else ""
    probe_script.write_text(LUA + pause)
    server = None
    try:
        database_url, key = prepare(instance, args.stories)
        server = start_web(args.tree.resolve(), instance, database_url, args.ratelimit_storage)
        feed = {"Authorization": f"Bearer {key}"}
        summary(wrk("/feeds/kk.json", 1, 2, 3, script, feed), 3)  # warm-up: caches, connections
        rows = []
        for n in range(1, args.rounds + 1):
            alone = summary(wrk("/feeds/kk.json", 1, 2, args.duration, script, feed),
                            args.duration)
            probes = wrk("/healthz", 2, 10, args.duration, probe_script)
            loaded = summary(wrk("/feeds/kk.json", 1, 2, args.duration, script, feed),
                             args.duration)
            health = summary(probes, args.duration)
            rows.append((n, alone, loaded, health))
            print(f"round {n}: feed alone p50 {alone['p50'] / 1000:.1f} ms p95 "
                  f"{alone['p95'] / 1000:.1f} ms ({alone['requests']} req); with /healthz flood "
                  f"p50 {loaded['p50'] / 1000:.1f} ms p95 {loaded['p95'] / 1000:.1f} ms "
                  f"({loaded['requests']} req, {loaded['non2xx']} non-2xx); /healthz "
                  f"{health['requests']} req, {health['non2xx']} non-2xx (429), "
                  f"p95 {health['p95'] / 1000:.1f} ms", flush=True)
        before = statistics.median(r[1]["p95"] for r in rows) / 1000
        after = statistics.median(r[2]["p95"] for r in rows) / 1000
        print(f"median feed p95: alone {before:.1f} ms, with 10 /healthz clients {after:.1f} ms "
              f"({(after / before - 1) * 100:+.0f} %; goal within +20 %)")
        return 0 if after <= before * 1.2 else 1
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
