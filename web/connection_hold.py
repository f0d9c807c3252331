"""Refused clients wait on the socket, not in a thread: gunicorn's gthread worker, plus holds.

A client looping on a refused request (``/healthz`` beyond its limit) sends the next one the
moment the 429 arrives: answering faster only makes it ask faster, and on two cores the loop
takes the CPU a partner's feed needs. So the answer can ask for its connection to be held
(``hold_connection``): the worker sends the response, then reads that connection's next
request only once the hold is over (when the client's window opens again). A held connection
costs a socket and no CPU or thread; other connections are served meanwhile. This is nginx's
``limit_req`` delay, inside gunicorn.

The Procfile runs ``--worker-class web.connection_hold.HoldingThreadWorker``. It extends the
gthread worker of gunicorn 27 (its ``finish_request`` and event loop); with a gthread worker
that lacks them, it logs a warning and holds nothing.
"""

from __future__ import annotations

import heapq
import inspect
import itertools
import threading
import time
from concurrent.futures import Future
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

_request = threading.local()


def hold_connection(seconds: float) -> None:
    """Ask the worker to read this request's connection again only ``seconds`` from now (called
    by the app while it answers; without a holding worker it changes nothing)."""
    _request.hold_until = time.monotonic() + seconds


def _take_hold() -> float:
    until = getattr(_request, "hold_until", 0.0)
    _request.hold_until = 0.0
    return float(until)


def _can_hold() -> bool:
    """True if this gunicorn's gthread worker has the two places a hold goes into."""
    loop = getattr(ThreadWorker, "wait_for_and_dispatch_events", None)
    finish = getattr(ThreadWorker, "finish_request", None)
    return (loop is not None and finish is not None
            and list(inspect.signature(finish).parameters) == ["self", "conn", "fs"])


CAN_HOLD = _can_hold()


class HoldingThreadWorker(ThreadWorker):
    """gthread, where a response that asked for a hold puts its kept-alive connection back on
    the poller only when the hold is over."""

    def init_process(self) -> None:
        self._held: list[tuple[float, int, Any, Future]] = []
        self._order = itertools.count()
        if not CAN_HOLD:
            self.log.warning("this gunicorn's gthread worker cannot hold connections; refused "
                             "/healthz probes are answered 429 but not slowed (gunicorn 27 can)")
        super().init_process()  # runs the worker's loop until it stops

    def handle(self, conn: Any) -> Any:
        """Serve one request (pool thread) and note the hold it asked for on its connection."""
        _take_hold()  # nothing left from an earlier request of this thread
        result = super().handle(conn)
        conn.audarma_hold_until = _take_hold()
        return result

    def finish_request(self, *args: Any) -> None:
        """Keep a held connection off the poller until its hold is over (main thread)."""
        if CAN_HOLD:
            conn, fs = args
            until = getattr(conn, "audarma_hold_until", 0.0)
            if (self.alive and until > time.monotonic() and not fs.cancelled()
                    and fs.exception() is None and fs.result() is True):
                heapq.heappush(self._held, (until, next(self._order), conn, fs))
                return
        super().finish_request(*args)

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        """Wake up in time for the next hold to end, then release every hold that is over
        (all of them once the worker is stopping)."""
        if self._held:
            timeout = max(0.0, min(timeout, self._held[0][0] - time.monotonic()))
        super().wait_for_and_dispatch_events(timeout)
        now = time.monotonic()
        while self._held and (self._held[0][0] <= now or not self.alive):
            _until, _order, conn, fs = heapq.heappop(self._held)
            conn.audarma_hold_until = 0.0
            super().finish_request(conn, fs)
