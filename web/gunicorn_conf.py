"""gunicorn settings for the web process: ``gunicorn --config python:web.gunicorn_conf …``.

Keep-alive connections are sticky: a gthread worker that accepts a connection serves every
request on it until the client closes it. Clients that pull over a few long-lived connections
(a partner's poller, a proxy's upstream pool, wrk) can all land on one worker when the other
was busy at the moment they connected, and then one process (one GIL) serves everything while
the other idles; the load test measured 512–633 instead of 1,200–1,400 304s per second that way.
So a connection is closed after its first response once it is ``AUDARMA_KEEPALIVE_MAX_SECONDS``
old (default 1; nginx's ``keepalive_time`` is the same idea): that response says
``Connection: close``, the client reconnects, and the worker that is less busy accepts first.
An age rather than a request count (nginx's ``keepalive_requests``), because a connection to a
slow page (the segment editor, 40 requests per second over four connections) would take
minutes to reach any useful count. One reconnect per connection per second costs nothing
measurable; 0 turns the limit off.
"""

from __future__ import annotations

import os
import time
import weakref


def _max_seconds() -> float:
    raw = os.environ.get("AUDARMA_KEEPALIVE_MAX_SECONDS", "1").strip()
    try:
        value = float(raw)
    except ValueError:
        raise SystemExit(
            f"AUDARMA_KEEPALIVE_MAX_SECONDS must be a number of seconds, not {raw!r}") from None
    if not value >= 0 or value == float("inf"):
        raise SystemExit(
            f"AUDARMA_KEEPALIVE_MAX_SECONDS must be 0 (no limit) or more seconds, not {raw!r}")
    return value


KEEPALIVE_MAX_SECONDS = _max_seconds()

# When each open connection of this worker began its first request, keyed by gunicorn's
# per-connection reader (one object per connection; the entry goes with the connection).
_OPENED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def pre_request(worker, req) -> None:  # noqa: ARG001 (gunicorn's hook signature)
    """Close the connection after this response when it is older than the limit (server hook).

    ``req.unreader`` is the connection's reader (its first request records the time);
    ``must_close`` makes gunicorn answer ``Connection: close`` and close the connection.
    """
    if not KEEPALIVE_MAX_SECONDS:
        return
    now = time.monotonic()
    if now - _OPENED.setdefault(req.unreader, now) >= KEEPALIVE_MAX_SECONDS:
        req.must_close = True


def _metrics_dir() -> str:
    """Where the workers write their Prometheus samples (one scrape answers for all of them)."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.path.join(
        os.environ.get("AUDARMA_INSTANCE", "instance"), "prometheus")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = path  # set before the workers import the app
    return path


def on_starting(server) -> None:  # noqa: ARG001 (gunicorn's hook signature)
    """Start every run with no samples of a previous run's processes (server hook)."""
    import shutil

    path = _metrics_dir()
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path, mode=0o700, exist_ok=True)


def child_exit(server, worker) -> None:  # noqa: ARG001 (gunicorn's hook signature)
    """Drop a dead worker's live gauges from the scrape (server hook)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
