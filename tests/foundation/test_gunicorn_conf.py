"""web/gunicorn_conf.py: a kept-alive connection serves a bounded number of requests, so
long-lived client connections spread over the gunicorn workers again (see its docstring)."""

from __future__ import annotations

import importlib
import socket
import urllib.parse

import pytest

from tests.procfile import procfile_web


def _get(stream, sock: socket.socket, host: str, path: str) -> tuple[int, dict[str, str]]:
    """One HTTP/1.1 GET on an open connection; status and headers (the body is read and dropped)."""
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    status = int(stream.readline().split()[1])
    headers = {}
    while (line := stream.readline().decode().strip()):
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    stream.read(int(headers.get("content-length", "0")))
    return status, headers


def _connection_headers(base: str, requests: int) -> tuple[list[str], bytes]:
    """The Connection header of ``requests`` GETs made on one connection, and what the socket
    reads after the last response (b"" once the server has closed it)."""
    address = urllib.parse.urlsplit(base)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        stream = sock.makefile("rb")
        seen = []
        for _ in range(requests):
            status, headers = _get(stream, sock, address.netloc, "/static/app.css")
            assert status == 200
            seen.append(headers["connection"])
        sock.settimeout(5)
        return seen, stream.read(1)


def test_procfile_web_closes_a_connection_after_its_cap(make_app):
    app = make_app()
    with procfile_web(app, AUDARMA_KEEPALIVE_REQUESTS="3") as (base, _log):
        seen, after = _connection_headers(base, 3)
    assert seen == ["keep-alive", "keep-alive", "close"]
    assert after == b""  # the server closed the connection


def test_procfile_web_default_cap_is_100_and_0_turns_it_off(make_app):
    app = make_app()
    with procfile_web(app) as (base, _log):
        seen, after = _connection_headers(base, 100)
    assert seen[:99] == ["keep-alive"] * 99 and seen[99] == "close" and after == b""
    with procfile_web(app, AUDARMA_KEEPALIVE_REQUESTS="0") as (base, _log):
        address = urllib.parse.urlsplit(base)
        with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
            stream = sock.makefile("rb")
            assert {_get(stream, sock, address.netloc, "/static/app.css")[1]["connection"]
                    for _ in range(150)} == {"keep-alive"}


@pytest.mark.parametrize("raw", ["abc", "-1", "2.5"])
def test_a_bad_cap_stops_the_start_with_a_reason(monkeypatch, raw):
    import web.gunicorn_conf as conf

    monkeypatch.setenv("AUDARMA_KEEPALIVE_REQUESTS", raw)
    with pytest.raises(SystemExit, match="AUDARMA_KEEPALIVE_REQUESTS must be"):
        importlib.reload(conf)
    monkeypatch.delenv("AUDARMA_KEEPALIVE_REQUESTS")
    importlib.reload(conf)
    assert conf.KEEPALIVE_REQUESTS == 100
