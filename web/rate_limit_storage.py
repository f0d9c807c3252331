"""Rate-limit counters every web process on this machine shares when no Redis is configured.

Flask-Limiter's ``memory://`` storage counts per process, so with gunicorn's two workers a limit
of 10 sign-ins a minute let 20 through, and a partner limited to 5/minute got 10. Without Redis
the counters live in a small SQLite file in the instance folder (``audarma+sqlite:///<path>``),
one row per limit window: a hit is one atomic UPSERT (the window restarts once it has expired),
so every process and thread counts in the same row. WAL mode and ``synchronous=NORMAL`` keep a
hit to tens of microseconds (no fsync per hit; a power cut can lose the last counts, which only
makes a limit briefly lenient). Several machines need a shared Redis (``REDIS_URL``).
"""

from __future__ import annotations

import fcntl
import os
import random
import sqlite3
import threading
import time
from pathlib import Path

from limits.storage import Storage

_SCHEMA = ("CREATE TABLE IF NOT EXISTS rate_limits ("
           "key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires_at REAL NOT NULL)")
_HIT = """
INSERT INTO rate_limits (key, count, expires_at) VALUES (:key, :amount, :expires_at)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN rate_limits.expires_at <= :now THEN :amount
                 ELSE rate_limits.count + :amount END,
    expires_at = CASE WHEN rate_limits.expires_at <= :now THEN :expires_at
                      ELSE rate_limits.expires_at END
RETURNING count, expires_at
"""


class SQLiteStorage(Storage):
    """A ``limits`` storage (fixed windows) in one SQLite file shared by every process."""

    STORAGE_SCHEME = ["audarma+sqlite"]
    FRESH_SECONDS = 1.0  # the same thread's reads right after a hit (the response headers)

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: object) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = Path(uri.split("://", 1)[1].removeprefix("/"))
        if not self.path.is_absolute():
            self.path = Path("/") / self.path
        self._local = threading.local()
        # one writer at a time, across threads (this lock) and processes (flock on a lock file):
        # waiters are woken the moment the writer is done, where SQLite's own busy handler
        # sleeps 1, 2, 5, 10 ms… between retries (those sleeps were most of a hit's latency
        # with two workers counting at once)
        self._write = threading.Lock()
        self._lock_fd: int | None = None
        with self._connect() as connection:
            connection.execute(_SCHEMA)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=5, isolation_level=None,
                                     check_same_thread=False)
        # two web workers starting together both switch a new file to WAL; SQLite answers the
        # loser "database is locked" at once, without its busy handler: retry for a while
        deadline = time.monotonic() + 5
        while True:
            try:
                connection.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        connection.execute("PRAGMA synchronous=NORMAL")
        return connection

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not self.path.exists():  # private like the rest of the instance folder
                self.path.touch(mode=0o600)
            connection = self._local.connection = self._connect()
        return connection

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        connection = self._connection()
        with self._write:
            if self._lock_fd is None:
                self._lock_fd = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
            try:
                now = time.time()
                count, expires_at = connection.execute(
                    _HIT, {"key": key, "amount": amount, "now": now, "expires_at": now + expiry}
                ).fetchone()
            finally:
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
        self._local.hit = (key, int(count), float(expires_at), time.monotonic())
        if random.random() < 0.001:  # noqa: S311 - now and then, drop long-expired windows
            self._connection().execute("DELETE FROM rate_limits WHERE expires_at < ?",
                                       (now - 3600,))
        return int(count)

    def _just_hit(self, key: str) -> tuple[str, int, float, float] | None:
        hit = getattr(self._local, "hit", None)
        if hit and hit[0] == key and time.monotonic() - hit[3] < self.FRESH_SECONDS:
            return hit
        return None

    def get(self, key: str) -> int:
        if hit := self._just_hit(key):
            return hit[1]
        row = self._connection().execute(
            "SELECT count FROM rate_limits WHERE key = ? AND expires_at > ?",
            (key, time.time())).fetchone()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        if hit := self._just_hit(key):
            self._local.hit = None  # the headers read the count, then the expiry: used up
            return hit[2]
        row = self._connection().execute(
            "SELECT expires_at FROM rate_limits WHERE key = ? AND expires_at > ?",
            (key, time.time())).fetchone()
        return float(row[0]) if row else time.time()

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._connection().execute("DELETE FROM rate_limits").rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM rate_limits WHERE key = ?", (key,))
