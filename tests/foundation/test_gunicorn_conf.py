"""web/gunicorn_conf.py: a kept-alive connection is closed once it is older than a limit, so
long-lived client connections spread over the gunicorn workers again (see its docstring)."""

from __future__ import annotations

import importlib
import socket
import time
import urllib.parse

import pytest

from tests.procfile import procfile_web


class _Connection:
    """One client connection speaking HTTP/1.1 by hand (to see what the server does to it)."""

    def __init__(self, base: str) -> None:
        address = urllib.parse.urlsplit(base)
        self.host = address.netloc
        self.sock = socket.create_connection((address.hostname, address.port), timeout=10)
        self.stream = self.sock.makefile("rb")

    def get(self, path: str = "/static/app.css") -> str:
        """GET ``path``; the response's Connection header (the body is read and dropped)."""
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode())
        assert int(self.stream.readline().split()[1]) == 200
        headers = {}
        while (line := self.stream.readline().decode().strip()):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        self.stream.read(int(headers.get("content-length", "0")))
        return headers["connection"]

    def closed_by_server(self) -> bool:
        self.sock.settimeout(5)
        return self.stream.read(1) == b""

    def close(self) -> None:
        self.stream.close()
        self.sock.close()


def test_procfile_web_closes_a_connection_older_than_the_limit(make_app):
    app = make_app()
    with procfile_web(app, AUDARMA_KEEPALIVE_MAX_SECONDS="0.6") as (base, _log):
        connection = _Connection(base)
        try:
            started = time.monotonic()
            early = [connection.get() for _ in range(20)]
            assert time.monotonic() - started < 0.6, "the machine was too slow for this check"
            time.sleep(0.7)
            assert early == ["keep-alive"] * 20
            assert connection.get() == "close"
            assert connection.closed_by_server()
        finally:
            connection.close()


def test_default_limit_is_one_second_and_0_turns_it_off(make_app):
    app = make_app()
    with procfile_web(app) as (base, _log):
        connection = _Connection(base)
        try:
            assert connection.get() == "keep-alive"
            time.sleep(1.1)
            assert connection.get() == "close" and connection.closed_by_server()
        finally:
            connection.close()
    with procfile_web(app, AUDARMA_KEEPALIVE_MAX_SECONDS="0") as (base, _log):
        connection = _Connection(base)
        try:
            assert connection.get() == "keep-alive"
            time.sleep(1.1)
            assert {connection.get() for _ in range(20)} == {"keep-alive"}
        finally:
            connection.close()


@pytest.mark.parametrize("raw", ["abc", "-1", "nan", "inf"])
def test_a_bad_limit_stops_the_start_with_a_reason(monkeypatch, raw):
    import web.gunicorn_conf as conf

    monkeypatch.setenv("AUDARMA_KEEPALIVE_MAX_SECONDS", raw)
    with pytest.raises(SystemExit, match="AUDARMA_KEEPALIVE_MAX_SECONDS must be"):
        importlib.reload(conf)
    monkeypatch.delenv("AUDARMA_KEEPALIVE_MAX_SECONDS")
    importlib.reload(conf)
    assert conf.KEEPALIVE_MAX_SECONDS == 1.0
