"""Does each partner-path speed-up still pay for itself? Each taken out alone, side by side.

    .venv/bin/python bench/load_data.py postgresql://postgres@127.0.0.1:5432/audarma_load --reset
    .venv/bin/python bench/partner_path.py --db postgresql://postgres@127.0.0.1:5432/audarma_load \
        --redis redis://127.0.0.1:6379/13 [--rounds 3 --duration 10]

gunicorn as in the Procfile (2 workers × 4 threads, ``HoldingThreadWorker``, rate limits in
Redis, access-log buffer of 1 s as ``web/wsgi.py`` sets it) serves a cached partner feed
(``/feeds/en.rss``, bearer key) and the items API (``/api/v1/items`` pages); ``wrk -c4``. Each
round serves the product as it is (``all``), then once without each speed-up
(``bench/partner_path_conf.py`` swaps in the plain way), in a rotating order. Per variant: the
median over rounds of requests/s, p95 and CPU ms per request (gunicorn + PostgreSQL backends +
redis-server), and the CPU ratio to ``all`` in the same round, whose median is the verdict:
a speed-up pays for itself when taking it out costs ≥ 5 % more CPU per pull.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import load_test  # noqa: E402  (bench/load_test.py: prepare, wrk, CPU sampling)

VARIANTS = {
    "all": "every speed-up in place (the product)",
    "key_lookup": "key found via SQLAlchemy Core, not a prepared psycopg statement",
    "redis_storage": "limits' RedisStorage (3 trips a hit), not OneTripRedisStorage",
    "access_log_buffer": "an access-log INSERT in each pull's transaction",
    "liveness": "pool_pre_ping (a SELECT 1 per checkout), not the socket poll",
}
WORTH = 1.05  # a speed-up pays when taking it out costs this much more CPU per pull


def redis_pid() -> int | None:
    """The local redis-server's pid (its CPU counts: the rate limits live there)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "redis-server":
                    return int(entry.name)
            except OSError:
                continue
    return None


def serve(db: str, redis: str, port: int, instance: str, without: str) -> subprocess.Popen:
    """gunicorn as in the Procfile, with ``without`` swapped for the plain way."""
    env = dict(os.environ, DATABASE_URL=db, AUDARMA_INSTANCE=instance, SECRET_KEY=load_test.SECRET,
               RATELIMIT_STORAGE_URI=redis, AUDARMA_BENCH_WITHOUT=without,
               AUDARMA_ACCESS_LOG_FLUSH_SECONDS="0" if without == "access_log_buffer" else "1")
    command = [str(Path(sys.executable).with_name("gunicorn")), "--config",
               str(ROOT / "bench" / "partner_path_conf.py"), "--chdir", str(ROOT), "--bind",
               f"127.0.0.1:{port}", "--workers", "2", "--threads", "4", "--worker-class",
               "web.connection_hold.HoldingThreadWorker", "--no-control-socket", "web.wsgi:app"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=open(Path(instance) / "gunicorn.log", "a"))  # noqa: SIM115
    return load_test.wait_until_serving(server, port, instance)


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


def measure(base: str, key: str, database: str, server: subprocess.Popen, duration: int,
            workdir: Path) -> dict[str, dict]:
    """wrk -c4 on the cached feed and on the items API pages; CPU per request of every part."""
    bearer = {"Authorization": f"Bearer {key}"}
    status, _h, body = load_test.fetch(f"{base}/feeds/en.rss", bearer)
    if status != 200 or body.count(b"<item>") < 50:
        sys.exit(f"/feeds/en.rss answered {status} with {body.count(b'<item>')} items")
    targets = [load_test.Target("feed", ["/feeds/en.rss"], bearer),
               load_test.Target("items", [f"/api/v1/items?{q}" for q in
                                          load_test.item_cursors(base, key, 10)], bearer)]
    redis = redis_pid()

    def cpu() -> dict:
        sample = load_test.cpu_sample(server.pid, database)
        sample["redis"] = {redis: load_test._cpu(redis)} if redis else {}
        return sample

    results = {}
    for target in targets:
        load_test.run_wrk(base, target, 2, 2, 4, workdir)  # warm: caches, pools, prepared SQL
        result = load_test.run_wrk(base, target, duration, 2, 4, workdir, cpu, server.pid)
        if result["status_errors"] or result["socket_errors"]:
            sys.exit(f"{target.name}: {result['status_errors']} status and "
                     f"{result['socket_errors']} socket errors")
        result["cpu_ms"] = sum(result.get(f"cpu_{g}_ms", 0.0)
                               for g in ("server", "postgres", "redis"))
        results[target.name] = result
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="postgresql://…/audarma_load")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13",
                        help="rate-limit storage (its keys are shared with nothing else)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint")
    parser.add_argument("--only", default=",".join(VARIANTS),
                        help="variants to run (comma-separated; 'all' always runs)")
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args(argv)
    url = args.db
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    key = load_test.prepare(url)["key"]
    database = urllib.parse.urlsplit(args.db).path.lstrip("/")
    chosen = ["all"] + [v for v in args.only.split(",") if v in VARIANTS and v != "all"]
    rounds: list[dict[str, dict]] = []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="audarma-partner-path-") as instance:
        for number in range(args.rounds):
            order = chosen[number % len(chosen):] + chosen[:number % len(chosen)]
            this_round = {}
            for variant in order:
                print(f"round {number + 1}: {variant} …", file=sys.stderr, flush=True)
                server = serve(url, args.redis, args.port, instance,
                               "" if variant == "all" else variant)
                try:
                    log = (Path(instance) / "gunicorn.log").read_text()
                    if variant not in ("all", "access_log_buffer") and log.count(
                            f"bench: {variant} swapped") < 2 * (number + 1):
                        sys.exit(f"{variant}: the workers did not swap it (gunicorn.log)")
                    this_round[variant] = measure(f"http://127.0.0.1:{args.port}", key,
                                                  database, server, args.duration,
                                                  Path(instance))
                finally:
                    stop(server)
            rounds.append(this_round)
    print(f"wrk -t2 -c4 -d{args.duration}s per endpoint, {args.rounds} rounds, gunicorn 2 × 4 "
          f"threads, {os.cpu_count()} CPUs; load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after\n")
    print("| without | endpoint | req/s | p95 ms | CPU ms/pull | CPU vs all (rounds) | verdict |")
    print("|---|---|---:|---:|---:|---|---|")
    for variant in chosen:
        for endpoint in ("feed", "items"):
            runs = [r[variant][endpoint] for r in rounds]
            ratios = [r[variant][endpoint]["cpu_ms"] / r["all"][endpoint]["cpu_ms"]
                      for r in rounds]
            ratio = statistics.median(ratios)
            verdict = "" if variant == "all" else "pays" if ratio >= WORTH else "—"
            print(f"| {variant if variant != 'all' else '(nothing: the product)'} | {endpoint} | "
                  f"{statistics.median(r['rps'] for r in runs):,.0f} | "
                  f"{statistics.median(r['p95'] for r in runs) / 1000:.1f} | "
                  f"{statistics.median(r['cpu_ms'] for r in runs):.2f} | "
                  f"{ratio:.3f} ({', '.join(f'{x:.2f}' for x in ratios)}) | {verdict} |")
    print()
    for variant in chosen[1:]:
        worst = max(statistics.median(r[variant][e]["cpu_ms"] / r["all"][e]["cpu_ms"]
                                      for r in rounds) for e in ("feed", "items"))
        print(f"- {variant} ({VARIANTS[variant]}): "
              f"{'pays for itself' if worst >= WORTH else 'does NOT pay for itself'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
