"""Fault drill: kill workers, restart Redis and PostgreSQL while articles flow in and a translator
saves segments, then check that every article, job and saved segment is there exactly once.

Everything runs on 127.0.0.1 and belongs to the drill: its own PostgreSQL cluster (initdb into a
temp dir, started and restarted with pg_ctl; never the machine's server), its own redis-server on
a free port, gunicorn as in the Procfile (2 gthread workers × 4 threads, web/gunicorn_conf.py),
2 celery workers and beat, a tiny random-weight package.

    .venv/bin/python bench/fault_drill.py --runs 10 --duration 60

Exit code 0 only if every check of every run passed. Results: docs/benchmarks.md "Fault drill".
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "drill-password-123"
TRANSLATOR = "translator@drill.test"
LOADER = "loader@drill.test"
GRACE = 5.0  # seconds after an outage in which a 5xx still counts as "during the outage"
SENTENCES = ("Ministers met in Astana on Monday for round {n} of the talks.",
             "They signed agreements on trade, transport and water.",
             "Officials said the next meeting is planned for the autumn.",
             "Reporters waited outside the hall for several hours.",
             "The statement was published late in the evening.")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, timeout: float) -> bool:
    """True once 127.0.0.1:port accepts connections."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return True
        time.sleep(0.1)
    return False


class Proc:
    """A child process in its own process group, logging to a file; killed as a group."""

    def __init__(self, argv: list[str], log: Path, env: dict[str, str] | None = None) -> None:
        self.argv, self.log_path = argv, log
        self.log = open(log, "a")  # noqa: SIM115
        self.proc = subprocess.Popen(argv, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True, cwd=ROOT)

    def alive(self) -> bool:
        """True while the process runs."""
        return self.proc.poll() is None

    def signal(self, sig: int) -> None:
        """Send ``sig`` to the whole group."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)

    def stop(self, timeout: float = 8.0) -> None:
        """SIGTERM the group, SIGKILL it if it lingers."""
        if self.alive():
            self.signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        self.signal(signal.SIGKILL)  # stray pool children too
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        self.log.close()


class PgCluster:
    """A private PostgreSQL cluster (trust auth) the drill may stop and start at will."""

    def __init__(self, root: Path) -> None:
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        self.bin = bins[-1].parent if bins else Path(shutil.which("pg_ctl") or "pg_ctl").parent
        self.dir, self.port = root / "pgdata", free_port()
        self.log = root / "pg" / "postgres.log"
        self.log.parent.mkdir()
        self.sudo = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.sudo:  # initdb refuses root: the cluster belongs to the postgres user
            os.chmod(root, 0o755)
            self.dir.mkdir(mode=0o700)
            for path in (self.dir, self.log.parent):
                shutil.chown(path, "postgres")
        self._run("initdb", "-D", str(self.dir), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run([*self.sudo, str(self.bin / tool), *args], capture_output=True,
                              text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{tool} failed: {done.stdout[-1000:]}{done.stderr[-1000:]}")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        opts = (f"-p {self.port} -k {self.log.parent} -c listen_addresses=127.0.0.1 "
                "-c max_connections=200 -c fsync=off")
        self._run("pg_ctl", "-D", str(self.dir), "-o", opts, "-l", str(self.log), "-w", "start")

    def stop(self) -> None:
        """Fast shutdown: open connections are cut, as in a crash of the database host."""
        self._run("pg_ctl", "-D", str(self.dir), "-m", "fast", "-w", "stop")

    def url(self, name: str = "postgres") -> str:
        """Connection URL of database ``name``."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def admin(self, sql: str) -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE)."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql)

    def destroy(self) -> None:
        """Stop the cluster (its directory is removed with the drill's temp dir)."""
        with contextlib.suppress(Exception):
            self.stop()


@dataclass
class Call:
    """One HTTP request the drill made."""

    kind: str
    status: int  # 0: no response (connection refused, timeout)
    started: float
    ended: float


@dataclass
class Record:
    """What one run saw: requests, outages, chaos events, accepted articles, the save ledger."""

    calls: list[Call] = field(default_factory=list)
    db_outages: list[tuple[float, float]] = field(default_factory=list)
    events: dict[str, int] = field(default_factory=dict)
    accepted: dict[str, int] = field(default_factory=dict)  # external id -> article id
    unsure_articles: set[str] = field(default_factory=set)  # never got an answer
    saves: list[tuple[int, str, int, str]] = field(default_factory=list)  # tid, text, status, code
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def call(self, kind: str, status: int, started: float) -> None:
        with self.lock:
            self.calls.append(Call(kind, status, started, time.time()))

    def event(self, name: str) -> None:
        with self.lock:
            self.events[name] = self.events.get(name, 0) + 1

    def in_db_outage(self, call: Call) -> bool:
        return any(call.started <= end + GRACE and call.ended >= start
                   for start, end in self.db_outages)


def article_body(n: int, paragraphs: int) -> str:
    """A small news article: a headline and paragraphs of two sentences."""
    parts = [f"Talks round {n} open in Astana"]
    for p in range(paragraphs):
        parts.append(" ".join(SENTENCES[(n + p * 2 + i) % 5].format(n=n) for i in range(2)))
    return "\n\n".join(parts)


def loader(base: str, key: str, run: int, count: int, duration: float, stop: threading.Event,
           rec: Record, rng: random.Random) -> None:
    """POST ``count`` articles spread over ``duration``; retry unanswered ones with the same id."""
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {key}"
    interval = duration / count
    began = time.time()
    for n in range(count):
        if stop.is_set():
            break
        ext = f"drill-{run}-{n}"
        payload = {"body": article_body(n, rng.randint(1, 3)), "language": "en",
                   "external_id": ext, "title": f"Drill {run}/{n}",
                   "priority": "breaking" if rng.random() < 0.1 else "normal"}
        for attempt in range(12):
            started = time.time()
            try:
                reply = http.post(f"{base}/api/v1/articles", json=payload, timeout=30)
            except requests.RequestException:
                rec.call("api", 0, started)
                rec.unsure_articles.add(ext)
                time.sleep(min(1 + attempt, 5))
                continue
            rec.call("api", reply.status_code, started)
            if reply.status_code in (200, 201):
                rec.accepted[ext] = reply.json()["id"]
                rec.unsure_articles.discard(ext)
                break
            if reply.status_code < 500:
                rec.errors.append(f"article {ext}: {reply.status_code} {reply.text[:200]}")
                break
            rec.unsure_articles.add(ext)
            time.sleep(min(float(reply.headers.get("Retry-After", 1 + attempt)), 5))
        stop.wait(max(0.0, began + (n + 1) * interval - time.time()))


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'data-csrf="([^"]+)"', html)
    return match.group(1) if match else ""


def translator(base: str, stop: threading.Event, rec: Record, rng: random.Random) -> None:
    """Sign in, open editions from "my work", save segments; every attempt goes in the ledger."""
    http = requests.Session()
    counter = 0
    signed_in, session_began = False, time.time()
    while not stop.is_set():
        try:
            if signed_in and time.time() - session_began > 10:  # a new tab: sign in again
                http, signed_in, session_began = requests.Session(), False, time.time()
            if not signed_in:
                page = http.get(f"{base}/login", timeout=30)
                started = time.time()
                reply = http.post(f"{base}/login", timeout=30, allow_redirects=False, data={
                    "email": TRANSLATOR, "password": PASSWORD, "csrf_token": _csrf(page.text)})
                rec.call("login", reply.status_code, started)
                signed_in = reply.status_code == 302
                if not signed_in:
                    stop.wait(2)
                    continue
            started = time.time()
            page = http.get(f"{base}/my-work", timeout=30, allow_redirects=False)
            rec.call("page", page.status_code, started)
            if page.status_code == 302:
                signed_in = False
                continue
            editions = sorted(set(re.findall(r'href="/editions/(\d+)"', page.text)))
            if not editions:
                stop.wait(1)
                continue
            edition = rng.choice(editions)
            started = time.time()
            page = http.get(f"{base}/editions/{edition}", timeout=30)
            rec.call("page", page.status_code, started)
            segments = [(int(tid), int(version)) for state, tid, version in re.findall(
                r'class="seg seg-(\w+)[^"]*" id="seg-\d+" data-id="(\d+)" data-version="(\d+)"',
                page.text) if state != "pending"]
            if page.status_code != 200 or not segments:
                stop.wait(0.5)
                continue
            token = _csrf(page.text)
            for tid, version in rng.sample(segments, min(len(segments), 4)):
                if stop.is_set():
                    break
                for _edit in range(rng.randint(1, 3)):
                    counter += 1
                    text = f"drill edit {counter} {rng.getrandbits(48):x} of segment {tid}"
                    stale = rng.random() < 0.1 and version > 1
                    sent = version - 1 if stale else version
                    started = time.time()
                    try:
                        reply = http.post(f"{base}/segments/{tid}/save", timeout=30, json={
                            "text": text, "version": sent, "time_ms": 1500},
                            headers={"X-CSRFToken": token, "X-Requested-With": "fetch"})
                    except requests.RequestException:
                        rec.call("save", 0, started)
                        rec.saves.append((tid, text, 0, "no_response"))
                        break
                    rec.call("save", reply.status_code, started)
                    code = ""
                    with contextlib.suppress(ValueError, KeyError, TypeError, AttributeError):
                        body = reply.json()
                        if "error" in body:
                            code = body["error"].get("code", "")
                            version = int(body["error"].get("version", version))
                        else:
                            version = int(body["version"])
                    rec.saves.append((tid, text, reply.status_code, code))
                    if reply.status_code >= 300 and code != "stale_version":
                        break
                    stop.wait(rng.uniform(0.05, 0.3))
        except requests.RequestException:
            rec.call("page", 0, time.time())
            stop.wait(1)


class System:
    """One run's processes (redis, gunicorn, workers, beat) and the environment they share."""

    def __init__(self, workdir: Path, database_url: str) -> None:
        self.dir = workdir
        self.redis_port, self.web_port = free_port(), free_port()
        self.base = f"http://127.0.0.1:{self.web_port}"
        self.env = dict(os.environ, AUDARMA_INSTANCE=str(workdir / "instance"),
                        DATABASE_URL=database_url,
                        CELERY_BROKER_URL=f"redis://127.0.0.1:{self.redis_port}/0",
                        SECRET_KEY=os.urandom(24).hex(), AUDARMA_JOB_LEASE_SECONDS="10",
                        AUDARMA_JOB_TICK_SECONDS="3", AUDARMA_JOB_REDISPATCH_SECONDS="15",
                        AUDARMA_INTER_THREADS="1", AUDARMA_INTRA_THREADS="1")
        for name in ("REDIS_URL", "RATELIMIT_STORAGE_URI", "AUDARMA_PACKAGES_DIR"):
            self.env.pop(name, None)
        self.redis: Proc | None = None
        self.web: Proc | None = None
        self.beat: Proc | None = None
        self.workers: dict[str, Proc] = {}
        self.seq = 0

    def cli(self, *args: str, stdin: str | None = None) -> str:
        """Run ``audarma ARGS`` against this run's database and instance; its stdout."""
        done = subprocess.run([str(BIN / "audarma"), *args], env=self.env, input=stdin,
                              capture_output=True, text=True, timeout=180, cwd=ROOT)
        if done.returncode:
            raise RuntimeError(f"audarma {' '.join(args)}: {done.stderr[-2000:]}")
        return done.stdout

    def start_redis(self) -> None:
        """redis-server without persistence: a restart loses every queued message."""
        self.redis = Proc(["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
                           "--save", "", "--appendonly", "no", "--dir", str(self.dir)],
                          self.dir / "redis.log")
        if not wait_port(self.redis_port, 10):
            raise RuntimeError("redis-server did not start")

    def start_worker(self) -> str:
        """A new ``celery worker`` (concurrency 1) with its own name."""
        self.seq += 1
        name = f"drill{self.seq}"
        self.workers[name] = Proc(
            [sys.executable, "-m", "celery", "-A", "tasks.worker", "worker", "-Q",
             "translate_breaking,translate,default", "--concurrency", "1", "--loglevel", "INFO",
             "--without-gossip", "--without-mingle", "--hostname", f"{name}@%h"],
            self.dir / f"worker-{name}.log", self.env)
        return name

    def start_web(self) -> None:
        """gunicorn as the Procfile runs it (2 gthread workers × 4 threads, its config)."""
        self.web = Proc([sys.executable, "-m", "gunicorn", "--config", "python:web.gunicorn_conf",
                         "--bind", f"127.0.0.1:{self.web_port}", "--workers", "2",
                         "--worker-class", "web.connection_hold.HoldingThreadWorker",
                         "--threads", "4", "--timeout", "60",
                         "--no-control-socket", "--access-logfile", "-",
                         "--logger-class", "web.access_log.RedactingLogger", "web.wsgi:app"],
                        self.dir / "web.log", self.env)

    def start_beat(self) -> None:
        self.beat = Proc([sys.executable, "-m", "celery", "-A", "tasks.worker", "beat",
                          "--schedule", str(self.dir / "beat-schedule"), "--loglevel", "INFO"],
                         self.dir / "beat.log", self.env)

    def start(self, package: Path) -> str:
        """Migrate, create the people, install the package, start everything; the API key."""
        self.start_redis()
        self.cli("db", "upgrade")
        self.cli("users", "create", TRANSLATOR, "--role", "translator", "--languages", "kk,ru,en",
                 stdin=PASSWORD + "\n")
        self.cli("users", "create", LOADER, "--role", "editor", stdin=PASSWORD + "\n")
        key = self.cli("users", "token", LOADER).strip().splitlines()[-1]
        self.cli("models", "install", str(package))
        self.start_web()
        self.start_beat()
        for _ in range(2):
            self.start_worker()
        deadline = time.time() + 90
        while time.time() < deadline:
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.base}/healthz", timeout=5).status_code < 600:
                    break
            time.sleep(0.3)
        else:
            raise RuntimeError("gunicorn did not answer /healthz")
        while time.time() < deadline and not all(
                "ready." in p.log_path.read_text(errors="replace") for p in self.workers.values()):
            time.sleep(0.3)
        return key

    def supervise(self, rec: Record) -> None:
        """Like systemd: restart a process that died on its own (and count it)."""
        if self.web and not self.web.alive():
            rec.event("died:web")
            self.web.stop()
            self.start_web()
        if self.beat and not self.beat.alive():
            rec.event("died:beat")
            self.beat.stop()
            self.start_beat()
        for name, proc in list(self.workers.items()):
            if not proc.alive():
                rec.event("died:worker")
                proc.stop()
                del self.workers[name]
                self.start_worker()

    def stop(self) -> None:
        """Stop every process of the run."""
        for proc in [self.web, self.beat, *self.workers.values(), self.redis]:
            if proc is not None:
                with contextlib.suppress(Exception):
                    proc.stop()


def busy_worker(db_url: str) -> str | None:
    """The name of a worker holding a job right now (None if none or the database is away)."""
    import psycopg

    with contextlib.suppress(Exception), psycopg.connect(db_url, connect_timeout=2) as conn:
        row = conn.execute("SELECT claimed_by FROM translation_jobs WHERE state = 'translating' "
                           "ORDER BY random() LIMIT 1").fetchone()
        return row[0].split("@", 1)[0] if row and row[0] else None
    return None


def chaos(system: System, pg: PgCluster, db_url: str, duration: float, stop: threading.Event,
          rec: Record, rng: random.Random) -> None:
    """Every ~duration/5 s: SIGKILL a (busy) worker, restart Redis, or restart PostgreSQL."""
    kinds = ["kill", "redis", "postgres"]
    rng.shuffle(kinds)
    slots = max(3, round(duration / 12))
    plan = [(duration * (i + 1) / (slots + 1) + rng.uniform(-2, 2), kinds[i % 3])
            for i in range(slots)]
    started = time.time()
    for at, kind in plan:
        while time.time() - started < at:
            if stop.wait(0.5):
                return
            system.supervise(rec)
        if kind == "kill":
            name = busy_worker(db_url)
            name = name if name in system.workers else rng.choice(sorted(system.workers))
            system.workers.pop(name).signal(signal.SIGKILL)
            system.start_worker()
            rec.event("kill")
        elif kind == "redis":
            system.redis.stop(timeout=5)
            time.sleep(rng.uniform(2, 5))
            system.start_redis()
            rec.event("redis")
        else:
            down = time.time()
            pg.stop()
            time.sleep(rng.uniform(2, 5))
            pg.start()
            with rec.lock:
                rec.db_outages.append((down, time.time()))
            rec.event("postgres")


def settle(system: System, db_url: str, rec: Record, timeout: float) -> float:
    """Wait until no job is queued or translating (bounded); seconds waited."""
    import psycopg

    started = time.time()
    while time.time() - started < timeout:
        system.supervise(rec)
        with contextlib.suppress(Exception), psycopg.connect(db_url, connect_timeout=2) as conn:
            open_jobs = conn.execute(
                "SELECT count(*) FROM translation_jobs WHERE state IN "
                "('queued', 'translating', 'waiting_for_model')").fetchone()[0]
            known = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            if open_jobs == 0 and known >= len(rec.accepted):
                return time.time() - started
        time.sleep(1)
    return time.time() - started


def check(db_url: str, rec: Record) -> dict[str, str]:
    """Each check's verdict: "ok" or what is wrong."""
    import psycopg

    results: dict[str, str] = {}
    with psycopg.connect(db_url) as conn:
        rows = conn.execute("SELECT external_id, count(*), min(id) FROM articles "
                            "GROUP BY external_id").fetchall()
        stored = {ext: (count, first) for ext, count, first in rows}
        bad = [ext for ext, art in rec.accepted.items() if stored.get(ext) != (1, art)]
        bad += [ext for ext in rec.unsure_articles if stored.get(ext, (0,))[0] > 1]
        bad += [ext for ext in stored if ext not in rec.accepted and ext not in rec.unsure_articles]
        results["articles once"] = "ok" if not bad else f"{len(bad)} wrong: {bad[:5]}"

        jobs = conn.execute("SELECT a.external_id, j.target_language, j.state, j.error FROM "
                            "translation_jobs j JOIN articles a ON a.id = j.article_id").fetchall()
        per_article: dict[str, set[str]] = {}
        not_done = [f"{ext}/{lang}:{state}:{error}" for ext, lang, state, error in jobs
                    if state != "in_review"]
        for ext, lang, _state, _error in jobs:
            per_article.setdefault(ext, set()).add(lang)
        missing = [ext for ext in stored if per_article.get(ext) != {"kk", "ru"}]
        results["jobs in_review"] = ("ok" if not not_done and not missing else
                                     f"{len(not_done)} open/failed {not_done[:3]}, "
                                     f"{len(missing)} without both jobs")

        segs = conn.execute(
            "SELECT st.id, st.state, st.machine_text IS NOT NULL, (SELECT count(*) FROM "
            "segment_revisions r WHERE r.translation_id = st.id AND r.kind = 'machine') "
            "FROM segment_translations st JOIN segments s ON s.id = st.segment_id "
            "JOIN editions e ON e.id = st.edition_id WHERE s.active AND NOT e.is_source"
        ).fetchall()
        lacking = [tid for tid, state, has, n in segs if state == "pending" or not has or n == 0]
        twice = [tid for tid, _state, _has, n in segs if n > 1]
        results["machine text once"] = ("ok" if not lacking and not twice and segs else
                                        f"{len(segs)} segments, {len(lacking)} missing, "
                                        f"{len(twice)} duplicated")

        runs = conn.execute(
            "SELECT j.id, (SELECT coalesce(sum(r.segments_translated), 0) FROM job_runs r "
            "WHERE r.job_id = j.id), (SELECT count(*) FROM segment_revisions v JOIN "
            "segment_translations st ON st.id = v.translation_id WHERE st.edition_id = "
            "j.edition_id AND v.kind = 'machine') FROM translation_jobs j").fetchall()
        uneven = [(job, claimed, written) for job, claimed, written in runs if claimed != written]
        results["work counted once"] = "ok" if not uneven else f"{len(uneven)} jobs: {uneven[:3]}"

        revisions: dict[tuple[int, str], list[str]] = {}
        for tid, text, kind in conn.execute("SELECT translation_id, text, kind FROM "
                                            "segment_revisions WHERE kind <> 'machine'"):
            revisions.setdefault((tid, text), []).append(kind)
        current = dict(conn.execute("SELECT id, text FROM segment_translations").fetchall())
    lost, last = [], {}
    for tid, text, status, code in rec.saves:
        kinds = revisions.get((tid, text), [])
        if 200 <= status < 300:
            ok = kinds == ["save"]
        elif code == "stale_version":
            ok = kinds == ["conflict"]
        elif status in (0,) or status >= 500:
            ok = len(kinds) <= 1  # unanswered: stored once or not at all
        else:
            ok = not kinds  # refused: nothing stored
        if not ok:
            lost.append(f"{tid}:{status}/{code}:{kinds}")
        last[tid] = (text, status)
    stale = [tid for tid, (text, status) in last.items()
             if 200 <= status < 300 and current.get(tid) != text]
    results["saves kept once"] = ("ok" if not lost and not stale else
                                  f"{len(lost)} wrong {lost[:3]}, {len(stale)} not current")
    unexcused = [c for c in rec.calls
                 if c.status >= 500 and (c.status != 503 or not rec.in_db_outage(c))]
    results["5xx only 503 in db outage"] = "ok" if not unexcused else (
        f"{len(unexcused)}: " + ", ".join(f"{c.kind}:{c.status}" for c in unexcused[:5]))
    results["no process died"] = "ok" if not any(k.startswith("died:") for k in rec.events) \
        else str({k: v for k, v in rec.events.items() if k.startswith("died:")})
    results["articles accepted"] = "ok" if rec.accepted and not rec.errors else (
        f"{len(rec.accepted)} accepted; errors {rec.errors[:3]}")
    return results


def tamper(db_url: str) -> None:
    """Break what the checks guard (proves they can fail): one machine text twice, one save lost,
    one article stored twice, one job left queued."""
    import psycopg

    with psycopg.connect(db_url) as conn:
        conn.execute("INSERT INTO segment_revisions (translation_id, version, text, kind, "
                     "created_at) SELECT translation_id, version, text, kind, created_at FROM "
                     "segment_revisions WHERE kind = 'machine' ORDER BY id LIMIT 1")
        conn.execute("DELETE FROM segment_revisions WHERE id = (SELECT max(id) FROM "
                     "segment_revisions WHERE kind = 'save')")
        conn.execute("UPDATE articles SET external_id = (SELECT min(external_id) FROM articles) "
                     "WHERE id = (SELECT max(id) FROM articles)")
        conn.execute("UPDATE translation_jobs SET state = 'queued' WHERE id = (SELECT min(id) "
                     "FROM translation_jobs)")


def run_once(n: int, args: argparse.Namespace, pg: PgCluster, package: Path, root: Path) -> dict:
    """One drill run on a fresh database, Redis and set of processes; its row of results."""
    rng = random.Random(args.seed * 1000 + n)
    name = f"audarma_drill_{n}"
    workdir = root / f"run{n}"
    workdir.mkdir()
    pg.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    pg.admin(f'CREATE DATABASE "{name}"')
    db_url = pg.url(name)
    system = System(workdir, db_url)
    rec = Record()
    stop = threading.Event()
    threads: list[threading.Thread] = []
    try:
        key = system.start(package)
        threads = [
            threading.Thread(target=loader, args=(system.base, key, n, args.articles,
                                                  args.duration, stop, rec, rng), daemon=True),
            threading.Thread(target=translator, args=(system.base, stop, rec,
                                                      random.Random(rng.random())), daemon=True),
            threading.Thread(target=chaos, args=(system, pg, db_url, args.duration, stop, rec,
                                                 random.Random(rng.random())), daemon=True),
        ]
        for thread in threads:
            thread.start()
        stop.wait(args.duration)
        threads[0].join(timeout=30)  # let the loader finish its last retries
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        waited = settle(system, db_url, rec, args.settle)
        if args.tamper:
            tamper(db_url)
        checks = check(db_url, rec)
    finally:
        stop.set()
        system.stop()
        with contextlib.suppress(Exception):
            pg.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    saves = [s for s in rec.saves if 200 <= s[2] < 300]
    fivexx = [c for c in rec.calls if c.status >= 500]
    row = {"run": n, "articles": len(rec.accepted), "saves": len(saves),
           "conflicts": sum(s[3] == "stale_version" for s in rec.saves),
           "kills": rec.events.get("kill", 0), "redis": rec.events.get("redis", 0),
           "postgres": rec.events.get("postgres", 0), "5xx": len(fivexx),
           "5xx_in_outage": sum(rec.in_db_outage(c) for c in fivexx),
           "no_reply": sum(c.status == 0 for c in rec.calls), "settle_s": waited,
           "checks": checks, "passed": all(v == "ok" for v in checks.values())}
    if row["passed"] and not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--duration", type=float, default=60.0, help="chaos phase per run, s")
    parser.add_argument("--articles", type=int, default=80, help="articles posted per run")
    parser.add_argument("--settle", type=float, default=150.0, help="max wait after chaos, s")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep temp dirs (logs) of passed runs")
    parser.add_argument("--tamper", action="store_true",
                        help="corrupt the database before checking: every run must then FAIL")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="audarma-drill-"))
    pg: PgCluster | None = None
    rows: list[dict] = []
    try:
        pg = PgCluster(root)
        package = root / "drill.argosmodel"
        subprocess.run([str(BIN / "audarma"), "models", "build-random", str(package),
                        "--languages", "kk,ru,en", "--seed", str(args.seed)], check=True,
                       env=dict(os.environ, AUDARMA_INSTANCE=str(root / "build")), cwd=ROOT,
                       stdout=subprocess.DEVNULL)
        print(f"# fault drill: {args.runs} run(s) x {args.duration:.0f} s, PostgreSQL "
              f"{pg.bin.parent.name} on :{pg.port}, work dir {root}", flush=True)
        print("| run | articles | saves (2xx) | stale 409 | kills | Redis restarts | PG restarts "
              "| 5xx (in DB outage) | no reply | settle s | checks |", flush=True)
        print("|---|---|---|---|---|---|---|---|---|---|---|", flush=True)
        for n in range(1, args.runs + 1):
            row = run_once(n, args, pg, package, root)
            rows.append(row)
            passed = sum(v == "ok" for v in row["checks"].values())
            verdict = (f"{passed}/{len(row['checks'])} pass" if row["passed"] else
                       f"**FAIL** {passed}/{len(row['checks'])}: " + "; ".join(
                           f"{k}: {v}" for k, v in row["checks"].items() if v != "ok"))
            print(f"| {n} | {row['articles']} | {row['saves']} | {row['conflicts']} | "
                  f"{row['kills']} | {row['redis']} | {row['postgres']} | {row['5xx']} "
                  f"({row['5xx_in_outage']}) | {row['no_reply']} | {row['settle_s']:.0f} | "
                  f"{verdict} |", flush=True)
    finally:
        if pg is not None:
            pg.destroy()
        failed = any(not r["passed"] for r in rows) or len(rows) < args.runs
        if failed or args.keep:
            print(f"# logs kept in {root}", flush=True)
            for sub in root.glob("pg*"):
                shutil.rmtree(sub, ignore_errors=True)
        else:
            shutil.rmtree(root, ignore_errors=True)
    ok = len(rows) == args.runs and all(r["passed"] for r in rows)
    print(f"# {sum(r['passed'] for r in rows)}/{args.runs} runs passed every check", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
