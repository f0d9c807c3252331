"""HTTP load test: gunicorn (2 workers) on 127.0.0.1 against a bench/load_data.py database, wrk.

    .venv/bin/python bench/load_data.py postgresql://postgres@127.0.0.1:5432/audarma_load --reset
    .venv/bin/python bench/load_test.py --db postgresql://postgres@127.0.0.1:5432/audarma_load \
        --duration 15 --connections 4,16 [--only dashboard,feed,publishing]

Prepares a partner key (``workflow.partners.keys.issue_key``) on a partner whose rate limit is
far above the load, starts gunicorn (``web.wsgi:app``, RATELIMIT_STORAGE_URI=memory:// unless
``--ratelimit-storage``, its own temporary AUDARMA_INSTANCE), signs in once through the login
form for a session cookie, then runs ``wrk`` (``--latency``, a Lua ``done()`` printing
p50/p95/p99 as JSON) per endpoint, the trivial static file first and last as the same-run
baseline, once per ``--connections`` level. Beside each run, the CPU time gunicorn and the
database's PostgreSQL backends spent per request (from /proc). Prints a Markdown table and the
goal checks per level; stops the server it started. Needs the Debian package ``wrk``.
"""

from __future__ import annotations

import argparse
import datetime
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EMAIL, PASSWORD = "load-admin@audarma.test", "load-test-password"
PARTNER = "load-partner"
SECRET = "load-test-secret-key-not-for-production"
# Flask-Login's "strong" session protection ties the session to the User-Agent: send one always.
AGENT = "audarma-load-test"
LUA = """
local paths = {%(paths)s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format(nil, paths[i])
end
done = function(summary, latency, requests)
  local out = {requests = summary.requests, duration_us = summary.duration,
    bytes = summary.bytes, status_errors = summary.errors.status,
    socket_errors = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout,
    p50 = latency:percentile(50), p95 = latency:percentile(95),
    p99 = latency:percentile(99), max = latency.max, mean = latency.mean}
  io.write("JSON " .. string.format(
    '{"requests":%%d,"duration_us":%%d,"bytes":%%d,"status_errors":%%d,"socket_errors":%%d,' ..
    '"p50":%%d,"p95":%%d,"p99":%%d,"max":%%d,"mean":%%.1f}',
    out.requests, out.duration_us, out.bytes, out.status_errors, out.socket_errors,
    out.p50, out.p95, out.p99, out.max, out.mean) .. "\\n")
end
"""


@dataclass
class Target:
    """One measured endpoint: the paths wrk cycles through and the headers it sends."""

    name: str
    paths: list[str]
    headers: dict[str, str]


def prepare(database_url: str) -> dict:
    """A fresh partner key (high rate limit), the bench user's password, and an edition id."""
    from sqlalchemy import func, select

    from web import create_app
    from workflow.models import Edition, Partner, SegmentTranslation, User
    from workflow.partners.admin import create_partner
    from workflow.partners.keys import issue_key
    from workflow.users import create_user, hash_password

    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"DATABASE_URL": database_url, "INSTANCE_DIR": instance,
                          "SECRET_KEY": SECRET})
        db = app.extensions["audarma.db"]
        with app.app_context(), db.transaction() as session:
            user = session.scalar(select(User).where(User.email == EMAIL))
            if user is None:
                create_user(session, EMAIL, PASSWORD, ["admin"], name="Load Admin")
            else:
                user.password_hash, user.is_active = hash_password(PASSWORD), True
            partner = session.scalar(select(Partner).where(Partner.name == PARTNER))
            if partner is None:
                partner, _key, _secret = create_partner(session, PARTNER, "kk,ru,en",
                                                        rate_limit="1000000/minute")
            partner.rate_limit, partner.active = "1000000/minute", True
            partner.languages, partner.categories = ["kk", "ru", "en"], []
            _key, secret = issue_key(session, partner_id=partner.id, label="load test")
            counts = (select(SegmentTranslation.edition_id, func.count().label("n"))
                      .group_by(SegmentTranslation.edition_id).subquery())
            edition_id = session.scalar(
                select(Edition.id).join(counts, counts.c.edition_id == Edition.id)
                .where(Edition.state == "editing", Edition.is_source.is_(False), counts.c.n >= 15)
                .order_by(Edition.id.desc()).limit(1))
        db.dispose()
    if edition_id is None:
        sys.exit("no editing edition with 15+ segments: generate data with bench/load_data.py")
    return {"key": secret, "edition_id": edition_id}


def start_server(database_url: str, port: int, workers: int, instance: str,
                 threads: int = 1, access_log_flush: float = 0,
                 ratelimit_storage: str = "memory://", tree: Path = ROOT,
                 keep_alive: float | None = None,
                 keepalive_max_seconds: float | None = None) -> subprocess.Popen:
    """gunicorn like the Procfile (gthread with ``threads`` > 1; 1 = sync workers), no access log.

    ``access_log_flush`` > 0 turns on the per-process partner access-log buffer (opt-in);
    ``ratelimit_storage`` is where the rate limits count (production: Redis); ``tree`` is the
    source tree served (another checkout, e.g. ``git worktree add /tmp/old <commit>``, runs with
    this checkout's .venv: old against new on one machine, one after the other). The Procfile's
    ``--config python:web.gunicorn_conf`` is passed when the tree has that module;
    ``keepalive_max_seconds`` sets its AUDARMA_KEEPALIVE_MAX_SECONDS (None: its default).
    """
    env = dict(os.environ, DATABASE_URL=database_url, AUDARMA_INSTANCE=instance,
               RATELIMIT_STORAGE_URI=ratelimit_storage, SECRET_KEY=SECRET,
               AUDARMA_ACCESS_LOG_FLUSH_SECONDS=str(access_log_flush))
    if keepalive_max_seconds is not None:
        env["AUDARMA_KEEPALIVE_MAX_SECONDS"] = f"{keepalive_max_seconds:g}"
    gunicorn = ROOT / ".venv/bin/gunicorn"
    if not gunicorn.exists():  # a worktree without its own .venv: the running interpreter's
        gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "--chdir", str(tree), "--bind",
               f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
               "--no-control-socket", "web.wsgi:app"]
    if (tree / "web" / "gunicorn_conf.py").exists():
        command[1:1] = ["--config", "python:web.gunicorn_conf"]
    if keep_alive is not None:  # gunicorn's default is 2 s; 0 closes after every response
        command[1:1] = ["--keep-alive", f"{keep_alive:g}"]
    server = subprocess.Popen(command, cwd=tree, env=env, stdout=subprocess.DEVNULL,
                              stderr=open(Path(instance) / "gunicorn.log", "a"))  # noqa: SIM115
    return wait_until_serving(server, port, instance)


def wait_until_serving(server: subprocess.Popen, port: int, instance: str) -> subprocess.Popen:
    """``server`` once it accepts connections on ``port`` (and its workers had 2 s to import);
    exits the bench if it died or took over 60 s."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn exited: see " + str(Path(instance) / "gunicorn.log"))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                time.sleep(2)  # let both workers finish importing
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn did not start within 60 s")


def sign_in(base: str) -> str:
    """Sign in through the login form once; return the Cookie header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", AGENT)]
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    form = {"email": EMAIL, "password": PASSWORD, "csrf_token": token.group(1) if token else ""}
    opener.open(f"{base}/login", urllib.parse.urlencode(form).encode()).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    check = urllib.request.Request(f"{base}/", headers={"Cookie": cookie, "User-Agent": AGENT})
    with urllib.request.urlopen(check) as response:
        if response.url.rstrip("/") != base or "matrix" not in response.read().decode():
            sys.exit("sign-in failed: the dashboard did not answer")
    return cookie


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, D102
        return None


NO_REDIRECT = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """One GET without following redirects; status, headers and body (3xx included)."""
    try:
        request = urllib.request.Request(url, headers={"User-Agent": AGENT, **headers})
        with NO_REDIRECT.open(request) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def item_cursors(base: str, key: str, pages: int) -> list[str]:
    """Query strings of the first ``pages`` pages of /api/v1/items (limit 50), walking ``next``."""
    queries, since = [], ""
    for _ in range(pages):
        query = "limit=50" + (f"&since={since}" if since else "")
        status, _h, body = fetch(f"{base}/api/v1/items?{query}", {"Authorization": f"Bearer {key}"})
        if status != 200:
            sys.exit(f"/api/v1/items answered {status}: {body[:200]!r}")
        page = json.loads(body)
        queries.append(query)
        if not page["has_more"]:
            break
        since = page["next"]
    return queries


def targets(base: str, cookie: str, key: str, edition_id: int) -> list[Target]:
    """The endpoints to measure, each checked once before the run."""
    bearer = {"Authorization": f"Bearer {key}"}
    status, headers, body = fetch(f"{base}/feeds/en.rss", bearer)
    items = body.count(b"<item>")
    if status != 200 or items < 50:
        sys.exit(f"/feeds/en.rss: status {status} with {items} items (want 200 and >= 50)")
    etag = headers.get("ETag", "")
    status, _h, _b = fetch(f"{base}/feeds/en.rss", {**bearer, "If-None-Match": etag})
    if status != 304:
        sys.exit(f"/feeds/en.rss with If-None-Match answered {status}, not 304")
    session = {"Cookie": cookie}
    filters = ["/?state=editing", "/?language=kk&state=published", "/?assignee=none",
               "/?priority=breaking", "/?page=40", "/?q=ba"]
    today = datetime.date.today()
    week = f"from={today - datetime.timedelta(days=30)}&to={today - datetime.timedelta(days=23)}"
    desk_filters = ["/publishing/?state=approved", "/publishing/?language=kk&state=published",
                    "/publishing/?category=sport", "/publishing/?q=ba", f"/publishing/?{week}",
                    "/publishing/?state=scheduled&language=ru", "/publishing/?page=40",
                    "/publishing/?category=politics&state=withdrawn&q=ka"]
    found = [
        Target("static file /static/app.css (baseline)", ["/static/app.css"], {}),
        Target("publishing desk first page /publishing/", ["/publishing/"], session),
        Target("publishing desk filters and pages", desk_filters, session),
        Target("dashboard list /", ["/"], session),
        Target("dashboard filters and pages", filters, session),
        Target(f"segment editor /editions/{edition_id}", [f"/editions/{edition_id}"], session),
        Target(f"feed /feeds/en.rss ({items} items)", ["/feeds/en.rss"], bearer),
        Target("feed 304 (If-None-Match)", ["/feeds/en.rss"], {**bearer, "If-None-Match": etag}),
        Target("/api/v1/items pages (limit 50)",
               [f"/api/v1/items?{q}" for q in item_cursors(base, key, 20)], bearer),
        Target("static file /static/app.css (again)", ["/static/app.css"], {}),
    ]
    for target in found:  # every path answers what it should (a redirect to /login would not)
        for path in target.paths:
            status, _h, _b = fetch(base + path, target.headers)
            if status != (304 if "304" in target.name else 200):
                sys.exit(f"{target.name}: {path} answered {status}")
    return found


TICKS = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float:
    """User + system CPU seconds of one process so far (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def cpu_sample(server_pid: int, database: str) -> dict[str, dict[int, float]]:
    """CPU seconds so far of gunicorn (master and workers) and of PostgreSQL's backends serving
    ``database`` (found by their process titles): a per-request cost that other engineers' load
    on the machine disturbs far less than req/s."""
    server = {pid: _cpu(pid) for pid in [server_pid, *_children(server_pid)]}
    backends = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if title.startswith("postgres: ") and f" {database} " in title:
                backends[int(entry.name)] = _cpu(int(entry.name))
    return {"server": server, "postgres": backends}


def cpu_used(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]) -> dict:
    """CPU seconds spent between two samples, per group (processes started meanwhile: all)."""
    return {group: sum(max(0.0, cpu - before[group].get(pid, 0.0))
                       for pid, cpu in after[group].items()) for group in after}


def worker_split(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]],
                 server_pid: int) -> list[int]:
    """Each gunicorn worker's share (%) of the workers' CPU between two samples, largest first:
    50/50 when the requests were spread evenly, 99/1 when one process served them all."""
    spent = [max(0.0, cpu - before["server"].get(pid, 0.0))
             for pid, cpu in after["server"].items() if pid != server_pid]
    total = sum(spent) or 1.0
    return sorted((round(100 * s / total) for s in spent), reverse=True)


def run_wrk(base: str, target: Target, duration: int, threads: int, connections: int,
            workdir: Path, measure_cpu: Callable[[], dict] | None = None,
            server_pid: int | None = None) -> dict:
    """One bounded wrk run; its JSON summary line plus wrk's own latency distribution."""
    script = workdir / "bench.lua"
    script.write_text(LUA % {"paths": ", ".join(json.dumps(p) for p in target.paths)})
    command = ["wrk", "--latency", f"-t{threads}", f"-c{connections}", f"-d{duration}s",
               "--timeout", "10s", "-s", str(script)]
    for name, value in {"User-Agent": AGENT, **target.headers}.items():
        command += ["-H", f"{name}: {value}"]
    cpu_before = measure_cpu() if measure_cpu else None
    done = subprocess.run([*command, base], capture_output=True, text=True,
                          timeout=duration + 60)
    cpu_after = measure_cpu() if measure_cpu else None
    cpu = cpu_used(cpu_before, cpu_after) if measure_cpu else {}
    if done.returncode != 0:
        sys.exit(f"wrk failed on {target.name}: {done.stderr or done.stdout}")
    output = done.stdout
    line = next(x for x in output.splitlines() if x.startswith("JSON "))
    result = json.loads(line[5:])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["name"] = target.name
    for group, seconds in cpu.items():
        result[f"cpu_{group}_ms"] = seconds * 1000 / max(result["requests"], 1)
    if cpu_before is not None and server_pid is not None:
        result["worker_split"] = worker_split(cpu_before, cpu_after, server_pid)
    return result


def table(results: list[dict]) -> str:
    """Markdown table of the results (latencies in ms)."""
    lines = ["| endpoint | req/s | p50 ms | p95 ms | p99 ms | max ms | bytes/resp | errors "
             "| CPU ms/req gunicorn | CPU ms/req PostgreSQL | workers' CPU % |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        lines.append(
            f"| {r['name']} | {r['rps']:,.0f} | {r['p50'] / 1000:.1f} | {r['p95'] / 1000:.1f} | "
            f"{r['p99'] / 1000:.1f} | {r['max'] / 1000:.0f} | "
            f"{r['bytes'] / max(r['requests'], 1):,.0f} | "
            f"{r['status_errors'] + r['socket_errors']} | "
            f"{r.get('cpu_server_ms', float('nan')):.2f} | "
            f"{r.get('cpu_postgres_ms', float('nan')):.2f} | "
            f"{'/'.join(str(p) for p in r.get('worker_split', [])) or '-'} |")
    return "\n".join(lines)


def goals(results: list[dict]) -> list[str]:
    """The issue's goals, each checked against this run."""
    out = []
    for r in results:
        if r["name"].startswith(("dashboard", "publishing desk")):
            out.append(f"{r['name']}: p95 {r['p95'] / 1000:.1f} ms (goal <= 100): "
                       f"{'met' if r['p95'] <= 100_000 else 'MISSED'}")
        elif r["name"].startswith("feed 304"):
            out.append(f"304 {r['rps']:,.0f} req/s (goal >= 1,000): "
                       f"{'met' if r['rps'] >= 1000 else 'MISSED'}")
        elif r["name"].startswith("feed"):
            out.append(f"feed {r['rps']:,.0f} req/s (goal >= 300): "
                       f"{'met' if r['rps'] >= 300 else 'MISSED'}")
    return out


def main(argv: list[str] | None = None) -> int:
    """Prepare, serve, measure every endpoint, print the table, stop the server."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="postgresql://…/audarma_load")
    parser.add_argument("--duration", type=int, default=15, help="seconds per endpoint")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", default="4,16",
                        help="wrk connections; a comma list runs every endpoint at each")
    parser.add_argument("--only", default="",
                        help="measure only endpoints whose name contains one of these "
                             "comma-separated words (the static baseline always runs)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--gthreads", type=int, default=4,
                        help="gunicorn --threads per worker (4 as in the Procfile; 1 = sync)")
    parser.add_argument("--access-log-flush", type=float, default=0,
                        help="seconds: buffer partner access-log rows per process (0 = write "
                             "each in its pull, the default)")
    parser.add_argument("--ratelimit-storage", default="memory://",
                        help="RATELIMIT_STORAGE_URI of the server (production: "
                             "redis://127.0.0.1:6379/0)")
    parser.add_argument("--tree", type=Path, default=ROOT,
                        help="source tree to serve (default: this checkout), e.g. a git worktree "
                             "of an older commit, to measure old and new side by side")
    parser.add_argument("--keep-alive", type=float, default=None,
                        help="gunicorn --keep-alive seconds (default: gunicorn's 2; 0 = a new "
                             "connection per request, which spreads them over the workers)")
    parser.add_argument("--keepalive-max-seconds", type=float, default=None,
                        help="AUDARMA_KEEPALIVE_MAX_SECONDS: age at which the server closes a "
                             "kept-alive connection (default: web/gunicorn_conf.py's 1; 0 = never)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install -y wrk")
    url = args.db
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    prepared = prepare(url)
    base = f"http://127.0.0.1:{args.port}"
    levels = [int(c) for c in str(args.connections).split(",") if c.strip()]
    words = [w.strip() for w in args.only.split(",") if w.strip()]
    runs: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="audarma-load-") as instance:
        server = start_server(args.db, args.port, args.workers, instance, args.gthreads,
                              args.access_log_flush, args.ratelimit_storage, args.tree,
                              args.keep_alive, args.keepalive_max_seconds)
        database = urllib.parse.urlsplit(args.db).path.lstrip("/")

        def measure_cpu() -> dict:
            return cpu_sample(server.pid, database)

        try:
            cookie = sign_in(base)
            chosen = [t for t in targets(base, cookie, prepared["key"], prepared["edition_id"])
                      if "static" in t.name or not words or any(w in t.name for w in words)]
            for connections in levels:
                load_before, results = os.getloadavg(), []
                for target in chosen:
                    print(f"  -c{connections} {target.name} …", file=sys.stderr, flush=True)
                    results.append(run_wrk(base, target, args.duration,
                                           min(args.threads, connections), connections,
                                           Path(instance), measure_cpu, server.pid))
                runs.append({"connections": connections, "load": [load_before[0],
                             os.getloadavg()[0]], "results": results})
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    for run in runs:
        if args.tree.resolve() != ROOT:
            print(f"serving {args.tree}")
        if args.keep_alive is not None:
            print(f"gunicorn --keep-alive {args.keep_alive:g}")
        if args.keepalive_max_seconds is not None:
            print(f"AUDARMA_KEEPALIVE_MAX_SECONDS={args.keepalive_max_seconds:g}")
        print(f"wrk -t{min(args.threads, run['connections'])} -c{run['connections']} "
              f"-d{args.duration}s, gunicorn {args.workers} workers × {args.gthreads} "
              f"thread(s), access-log buffer {args.access_log_flush:g} s, rate limits in "
              f"{args.ratelimit_storage.split('://')[0]}, "
              f"{os.cpu_count()} CPUs; load average {run['load'][0]:.1f} before, "
              f"{run['load'][1]:.1f} after (1 min)\n")
        print(table(run["results"]))
        print()
        print("\n".join(goals(run["results"])))
        print()
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
