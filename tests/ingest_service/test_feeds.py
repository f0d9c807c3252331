"""Feed polling over real HTTP from a local server thread: ETag, quirks, idempotence, errors."""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from tests.ingest_service.conftest import FIXTURES
from workflow.ingest.polling import add_feed, poll_feed
from workflow.models import Article, FeedSource

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Desk wire</title><link>https://wire.example/</link>
<item><title>Tram line approved</title><link>https://wire.example/1</link>
<guid isPermaLink="false">urn:wire:1</guid>
<description><![CDATA[<p>The city council approved a new tram line on Tuesday after a long
debate.</p><p>Construction starts in <b>May</b>.</p>]]></description></item>
<item><title>Headline only, no text</title><link>https://wire.example/2</link>
<guid isPermaLink="false">urn:wire:2</guid>
</item>
<item><title>Bridge reopens</title><link>https://wire.example/3</link>
<guid isPermaLink="false">urn:wire:3</guid>
<description>The old bridge over the river reopened to traffic on Friday morning.</description>
</item>
</channel></rss>
"""
BLANK_LINE_LATIN1 = ("\n\n<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<rss version=\"2.0\">"
                     "<channel><title>Café wire</title><item><title>Café reopens</title>"
                     "<guid>cafe-1</guid><description>The old café on the main square reopened "
                     "on Monday after a long renovation.</description></item></channel></rss>"
                     ).encode("latin-1")
LATIN1_NO_DECL = ("<rss version=\"2.0\"><channel><title>Naïve wire</title><item><title>Naïve "
                  "art show opens</title><guid>naive-1</guid><description>A show of naïve art "
                  "opened at the city museum on Sunday with works by local painters."
                  "</description></item></channel></rss>").encode("latin-1")


class FeedServer:
    """Serves byte strings by path with ETag / If-None-Match, counting requests."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.hits: list[tuple[str, int]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                data = server.files.get(self.path)
                if data is None:
                    server.hits.append((self.path, 404))
                    self.send_error(404)
                    return
                etag = '"' + hashlib.sha1(data).hexdigest() + '"'
                if self.headers.get("If-None-Match") == etag:
                    server.hits.append((self.path, 304))
                    self.send_response(304)
                    self.end_headers()
                    return
                server.hits.append((self.path, 200))
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    # the poller hangs up once it has read past the feed size limit; the
                    # server's error report would land in a CLI test's captured output
                    return

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def feed_server():
    server = FeedServer()
    yield server
    server.close()


def _add(app, db, url, **options) -> int:
    with app.app_context(), db.transaction() as session:
        return add_feed(session, url, **options).id


def test_poll_ingests_new_entries_once_and_uses_etag(app, db, feed_server):
    feed_server.files["/wire.rss"] = RSS.encode()
    feed_id = _add(app, db, feed_server.url("/wire.rss"), targets="kk")
    report = poll_feed(db, feed_id, allow_private=True)
    assert report.status == "fetched" and len(report.created) == 2
    assert report.skipped == [("urn:wire:2", "headline only, no text")]
    with db.transaction() as session:
        articles = session.scalars(select(Article).order_by(Article.id)).all()
        # oldest entry first
        assert [a.external_id for a in articles] == ["urn:wire:3", "urn:wire:1"]
        assert all(a.feed_source_id == feed_id and a.source_language == "en" for a in articles)
        assert articles[1].source_url == "https://wire.example/1"
        feed = session.get(FeedSource, feed_id)
        assert feed.etag and feed.last_error is None and feed.last_polled_at is not None
    again = poll_feed(db, feed_id, allow_private=True)
    assert again.status == "not_modified" and again.created == []
    assert feed_server.hits[-1] == ("/wire.rss", 304)
    feed_server.files["/wire.rss"] = RSS.replace("Desk wire", "Desk wire (updated)").encode()
    changed = poll_feed(db, feed_id, allow_private=True)
    assert changed.status == "fetched" and changed.created == [] and changed.duplicates == 2
    with db.transaction() as session:
        assert len(session.scalars(select(Article)).all()) == 2


def test_malformed_real_world_feeds_ingest(app, db, feed_server):
    feed_server.files["/blank.xml"] = BLANK_LINE_LATIN1
    feed_server.files["/latin1.rss"] = LATIN1_NO_DECL
    created = []
    for path in ("/blank.xml", "/latin1.rss"):
        report = poll_feed(db, _add(app, db, feed_server.url(path)), allow_private=True)
        assert report.status == "fetched" and len(report.created) == 1, report
        created += report.created
    with db.transaction() as session:
        titles = {session.get(Article, i).title for i in created}
    assert titles == {"Café reopens", "Naïve art show opens"}


def test_feed_errors_are_recorded_not_raised(app, db, feed_server):
    missing = _add(app, db, feed_server.url("/gone.rss"))
    report = poll_feed(db, missing, allow_private=True)
    assert report.status == "error" and "404" in report.error
    feed_server.files["/bomb.xml"] = (FIXTURES / "billion_laughs.xml").read_bytes()
    bomb = _add(app, db, feed_server.url("/bomb.xml"))
    assert "DTD" in poll_feed(db, bomb, allow_private=True).error
    feed_server.files["/de.xml"] = (FIXTURES / "feed_blank_line_before_decl.xml").read_bytes()
    german = _add(app, db, feed_server.url("/de.xml"))
    failed = poll_feed(db, german, allow_private=True)
    assert failed.failed and failed.failed[0][1] == "unsupported_language"
    with db.transaction() as session:
        assert "404" in session.get(FeedSource, missing).last_error
        assert "DTD" in session.get(FeedSource, bomb).last_error
        assert "Kazakh, Russian or English" in session.get(FeedSource, german).last_error
        assert session.scalars(select(Article)).all() == []


def test_add_feed_validates(app, db):
    from workflow.errors import DomainError

    for url, options in [("ftp://x/feed", {}), ("https://x/feed", {"language": "de"}),
                         ("https://x/feed", {"targets": "kk,zz"})]:
        with pytest.raises(DomainError), app.app_context(), db.transaction() as session:
            add_feed(session, url, **options)
    _add(app, db, "https://x/feed")
    with pytest.raises(DomainError), app.app_context(), db.transaction() as session:
        add_feed(session, "https://x/feed")


def test_beat_task_and_cli_poll_due_feeds(app, db, feed_server):
    app.config["FEED_ALLOW_PRIVATE"] = True  # the test server listens on loopback
    from tasks.feeds import poll

    feed_server.files["/wire.rss"] = RSS.encode()
    runner = app.test_cli_runner()
    added = runner.invoke(args=["feeds", "add", feed_server.url("/wire.rss"), "--targets", "ru"])
    assert added.exit_code == 0, added.output
    with app.app_context():
        reports = poll.run()
    assert len(reports) == 1 and len(reports[0]["created"]) == 2
    with app.app_context():
        assert poll.run() == []  # polled just now: not due again before its interval
    output = runner.invoke(args=["feeds", "poll"]).output
    assert "not_modified" in output
    assert "error" not in runner.invoke(args=["feeds", "list"]).output
