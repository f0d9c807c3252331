"""Issue 15 row 8: the feed poller checks every hop (redirects included) with the webhook rules
before it connects, and stores an error that does not work as a port-scan oracle.

The feed's host ``wire.example`` resolves (patched resolver) to a public address that the patched
``socket.connect`` routes to a loopback test server; any other connection attempt is recorded
and refused, so no test ever reaches a private, link-local or metadata address.
"""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from workflow.ingest.polling import add_feed, poll_feed
from workflow.models import FeedSource

PUBLIC = "93.184.216.34"  # stands for the wire's public address; never really contacted
RSS = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><item>'
       b"<title>Tram line approved</title><guid>w-1</guid><description>The city council "
       b"approved a new tram line on Tuesday after a long debate.</description></item>"
       b"</channel></rss>")


class Wire:
    """A loopback server standing in for a public wire; ``redirect`` makes it answer 302."""

    def __init__(self) -> None:
        self.redirect: str | None = None
        wire = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                if wire.redirect and self.path == "/feed.xml":
                    self.send_response(302)
                    self.send_header("Location", wire.redirect)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(RSS)))
                self.end_headers()
                self.wfile.write(RSS)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_port
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def wire(monkeypatch):
    """The wire server, with DNS and connect patched; yields (wire, connection attempts)."""
    server = Wire()
    attempts: list[tuple[str, int]] = []
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect

    def getaddrinfo(host, port, *args, **kwargs):
        if host in ("wire.example", "wire.example."):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, int(port or 80)))]
        if host == "internal.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", int(port or 80)))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            attempts.append((address[0], address[1]))
            if address[0] == PUBLIC:
                return real_connect(self, ("127.0.0.1", server.port))
            raise ConnectionRefusedError(111, "test: connection to a non-wire address refused")
        return real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    yield server, attempts
    server.close()


def _poll(app, db, url: str):
    with app.app_context(), db.transaction() as session:
        feed_id = add_feed(session, url, language="en").id
    report = poll_feed(db, feed_id)
    with db.transaction() as session:
        return report, session.get(FeedSource, feed_id).last_error


def test_row8_public_feed_is_still_polled(app, db, wire):
    server, attempts = wire
    report, error = _poll(app, db, f"http://wire.example:{server.port}/feed.xml")
    assert report.status == "fetched" and len(report.created) == 1 and error is None
    assert attempts == [(PUBLIC, server.port)]


@pytest.mark.parametrize("location", [
    "http://127.0.0.1:{port}/healthz", "http://localhost:{port}/healthz",
    "http://169.254.169.254/latest/meta-data/", "http://[::1]:{port}/", "http://10.0.0.1/",
    "http://2130706433:{port}/", "http://0x7f.1:{port}/", "http://[::ffff:127.0.0.1]:{port}/",
    "http://internal.example/", "//127.0.0.1:{port}/healthz", "file:///etc/passwd",
])
def test_row8_redirect_into_the_network_is_refused_before_connecting(app, db, wire, location):
    server, attempts = wire
    server.redirect = location.format(port=server.port)
    report, error = _poll(app, db, f"http://wire.example:{server.port}/feed.xml")
    assert report.status == "error" and report.created == []
    assert attempts == [(PUBLIC, server.port)]  # the wire only: the redirect was not followed
    assert "Errno" not in error and str(server.port) not in error and "refused" not in error


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/",
                                 "http://127.0.0.1:6379/", "http://internal.example/feed",
                                 "http://[fe80::1]/feed"])
def test_row8_private_feed_url_is_refused_before_connecting(app, db, wire, url):
    _server, attempts = wire
    report, error = _poll(app, db, url)
    assert report.status == "error" and attempts == []
    assert "not a public internet address" in error


def test_row8_connection_errors_are_stored_as_generic_text(app, db, wire):
    """Closed and open ports must read the same in ``last_error`` (no oracle)."""
    server, attempts = wire
    server.close()
    report, error = _poll(app, db, f"http://wire.example:{server.port}/feed.xml")
    assert report.status == "error"
    assert error == "The feed server could not be reached."
