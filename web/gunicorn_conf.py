"""gunicorn settings for the web process: ``gunicorn --config python:web.gunicorn_conf …``.

Keep-alive connections are sticky: a gthread worker that accepts a connection serves every
request on it until the client closes it. Clients that pull over a few long-lived connections
(a partner's poller, a proxy's upstream pool, wrk) can all land on one worker when the other
was busy at the moment they connected, and then one process (one GIL) serves everything
while the other idles; the load test measured 512–612 instead of 1,300 304s per second that way.
So a connection serves at most ``AUDARMA_KEEPALIVE_REQUESTS`` requests (default 100; nginx's
``keepalive_requests`` does the same, 1,000 there): the last response says
``Connection: close``, the client reconnects, and the worker that is free first accepts it.
One reconnect per hundred requests costs nothing measurable; 0 turns the cap off.
"""

import os


def _keepalive_requests() -> int:
    raw = os.environ.get("AUDARMA_KEEPALIVE_REQUESTS", "100").strip()
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(
            f"AUDARMA_KEEPALIVE_REQUESTS must be a whole number, not {raw!r}") from None
    if value < 0:
        raise SystemExit(f"AUDARMA_KEEPALIVE_REQUESTS must be 0 (no cap) or more, not {value}")
    return value


KEEPALIVE_REQUESTS = _keepalive_requests()


def pre_request(worker, req) -> None:  # noqa: ARG001 (gunicorn's hook signature)
    """Close the connection after its ``KEEPALIVE_REQUESTS``-th request (gunicorn server hook).

    ``req.req_number`` counts the requests on this connection from 1; ``must_close`` makes
    gunicorn answer with ``Connection: close`` and close the socket after the response.
    """
    if KEEPALIVE_REQUESTS and req.req_number >= KEEPALIVE_REQUESTS:
        req.must_close = True
