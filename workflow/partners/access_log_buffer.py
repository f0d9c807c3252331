"""Speed-up: partner access-log rows written per process in batches, not one INSERT per pull.

A pull writes nothing but its access-log row (and, at most once a minute, its key's last use).
Writing that row in the pull's own transaction costs an INSERT and a COMMIT per pull; taken out
alone (``bench/partner_path.py``, docs/benchmarks.md "Partner-path speed-ups") a cached feed pull
costs about 64 % more CPU. On by default under gunicorn (``web/wsgi.py``:
``AUDARMA_ACCESS_LOG_FLUSH_SECONDS``, 1 s); 0 writes each row in its pull instead.

Trade-off: a process killed without a clean exit (SIGKILL, OOM, power) loses the rows of its
last ``max_age`` seconds; a clean exit (gunicorn's SIGTERM, interpreter exit) flushes them. Rows
become visible up to ``max_age`` seconds after the pull; their ``at`` is the pull's time.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import Engine

from workflow.models import AccessLog

logger = logging.getLogger(__name__)


class AccessLogBuffer:
    """Rows held per process, written in one INSERT every ``max_age`` s or at ``max_rows``."""

    def __init__(self, max_age: float = 1.0, max_rows: int = 500) -> None:
        self.max_age, self.max_rows = max_age, max_rows
        self._rows: dict[Engine, list[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._flusher: threading.Thread | None = None

    def add(self, engine: Engine, row: dict[str, Any]) -> None:
        """Queue one row; write at once if ``max_rows`` are waiting."""
        with self._lock:
            rows = self._rows.setdefault(engine, [])
            rows.append(row)
            due = len(rows) >= self.max_rows
            if self._flusher is None or not self._flusher.is_alive():
                self._flusher = threading.Thread(target=self._run, name="access-log-flush",
                                                 daemon=True)
                self._flusher.start()
        if due:
            self.flush()

    def flush(self) -> int:
        """Write every waiting row (one multi-row INSERT per database); how many were written."""
        with self._lock:
            taken, self._rows = self._rows, {}
        written = 0
        for engine, rows in taken.items():
            try:
                with engine.begin() as connection:
                    if engine.dialect.name == "postgresql":
                        connection.execute(text("SET LOCAL synchronous_commit TO OFF"))
                    connection.execute(insert(AccessLog), rows)
                written += len(rows)
            except Exception:  # the database is away: keep the rows for the next flush
                logger.warning("access log: %d row(s) not written yet", len(rows), exc_info=True)
                with self._lock:
                    self._rows.setdefault(engine, [])[:0] = rows
        return written

    def _run(self) -> None:
        while True:
            time.sleep(self.max_age)
            self.flush()
