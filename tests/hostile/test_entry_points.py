"""The hostile corpus through every real way in — JSON API, upload form, CLI import, feed poll:
no server error, nothing stored on a refusal, every refusal with a stable code and a message, and
what is accepted is stored without active markup."""

from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import select

from tests.hostile import corpus as hostile

FORMAT = {".html": "html", ".md": "markdown", ".txt": "text", ".docx": "text"}


def _error(response) -> dict:
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"] and body["error"]["message"], body
    assert re.fullmatch(r"[a-z_]+", body["error"]["code"]), body
    return body["error"]


def assert_stored_inert(app, article_id: int) -> None:
    """An accepted hostile article keeps no markup-bearing structure: links are http(s)/mailto."""
    from workflow.models import Block, Segment

    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        blocks = session.scalars(select(Block).where(Block.article_id == article_id)).all()
        segments = session.scalars(select(Segment).where(Segment.article_id == article_id)).all()
        assert blocks and segments
        for mark in [m for b in blocks for m in b.marks or []] + [
                m for s in segments for m in s.marks or []]:
            href = (mark.get("href") or "https://ok").strip().lower()
            assert href.startswith(("http://", "https://", "mailto:")), mark


def test_api_raw_bodies(app, client, user_key, corpus, rows):
    """Each file posted as the raw request body: invalid JSON, too large, or (never) a 500."""
    headers = {"Authorization": f"Bearer {user_key}", "Content-Type": "application/json"}
    before = rows()
    for item in corpus:
        response = client.post("/api/v1/articles", data=item.data, headers=headers)
        error = _error(response)
        expected = "too_large" if len(item.data) > app.config["MAX_CONTENT_LENGTH"] else \
            "malformed_json"
        assert (response.status_code, error["code"]) in {(413, "too_large"),
                                                         (400, "malformed_json")}, item.name
        assert error["code"] == expected, item.name
    assert rows() == before


def test_api_json_bodies(app, client, user_key, corpus, rows):
    """Each file's text as the ``body`` field, in its format; refusals store nothing."""
    headers = {"Authorization": f"Bearer {user_key}"}
    outcomes = {}
    for item in corpus:
        if item.filename.endswith(".docx"):
            continue  # the API takes text; Word files come in through upload and CLI
        ext = item.filename[item.filename.rindex("."):]
        payload = {"body": item.data.decode("utf-8", "replace"), "format": FORMAT[ext],
                   "title": f"{hostile.XSS[0]} {item.name}"}
        before = rows()
        response = client.post("/api/v1/articles", json=payload, headers=headers)
        assert response.status_code < 500, (item.name, response.data[:300])
        if response.status_code == 201:
            assert_stored_inert(app, response.get_json()["id"])
            outcomes[item.name] = "stored"
        else:
            outcomes[item.name] = _error(response)["code"]
            assert rows() == before, item.name
    assert outcomes["50 MB text"] == "too_large"
    assert outcomes["empty"] == "empty"
    assert outcomes["script everywhere (HTML)"] == outcomes["invalid UTF-8"] == "stored"
    before = rows()
    story = corpus[3].data.decode("utf-8", "replace")
    for field, value, code in (("source_url", hostile.JS_URL, "invalid_url"),
                               ("title", "x" * 301, "title_too_long"),
                               ("targets", ["xx"], "unknown_target"),
                               ("priority", hostile.XSS[1], "bad_priority"),
                               ("body", {"nested": [[[]]]}, "invalid_field")):
        response = client.post("/api/v1/articles", headers=headers,
                               json={"body": story, "external_id": field, field: value})
        assert response.status_code == 422 and _error(response)["code"] == code, (
            field, response.get_json())
    assert rows() == before


def test_api_oversized_body_is_refused_before_reading(app, client, user_key, rows):
    """A declared 50 MB body is refused from its Content-Length: the stream is never read."""

    class Exploding(io.BytesIO):
        def read(self, *args) -> bytes:
            raise AssertionError("the oversized body was read")

        readline = readinto = read

    before = rows()
    response = client.post("/api/v1/articles", input_stream=Exploding(),
                           headers={"Authorization": f"Bearer {user_key}",
                                    "Content-Type": "application/json"},
                           environ_overrides={"CONTENT_LENGTH": str(hostile.BIG_BYTES)})
    assert response.status_code == 413 and _error(response)["code"] == "too_large"
    assert rows() == before
    page = client.post("/login", input_stream=Exploding(),
                       content_type="application/x-www-form-urlencoded",
                       environ_overrides={"CONTENT_LENGTH": str(hostile.BIG_BYTES)})
    assert page.status_code == 413 and b"<h1>413" in page.data and b"Traceback" not in page.data


def test_upload_form(app, editor_client, corpus, rows):
    for item in corpus:
        before = rows()
        response = editor_client.post(
            "/articles/upload", content_type="multipart/form-data",
            data={"file": (io.BytesIO(item.data), item.filename), "language": "auto",
                  "priority": "normal"})
        assert response.status_code < 500, (item.name, response.status_code)
        if item.refused:
            assert response.status_code in (413, 422), item.name
            page = response.get_data(as_text=True)
            match = re.search(r'id="ingest-error" data-code="([a-z_]+)">([^<]+)<', page)
            assert match, (item.name, page[:500])
            assert match.group(1) in item.codes, (item.name, match.group(1))
            assert rows() == before, item.name
        elif response.status_code == 302:
            article_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
            assert_stored_inert(app, article_id)
            shown = editor_client.get(f"/articles/{article_id}").get_data(as_text=True)
            assert "<script>alert" not in shown and "onerror=alert" not in shown.replace(
                "onerror=alert(4)&gt;", "")
        else:
            assert 'id="ingest-error"' in response.get_data(as_text=True), item.name
            assert rows() == before, item.name


def test_cli_import(app, corpus, corpus_dir, rows):
    paths = [str(corpus_dir / item.filename) for item in corpus]
    before = rows()
    result = app.test_cli_runner().invoke(args=["articles", "import", *paths, "--json"])
    assert result.exit_code == 1  # some files were refused
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert len(lines) == len(corpus)
    accepted = 0
    for item, line in zip(corpus, lines, strict=True):
        if "error" in line:
            assert line["error"]["code"] and line["error"]["message"], line
            assert not item.refused or line["error"]["code"] in item.codes, (item.name, line)
        else:
            assert not item.refused, (item.name, line)
            accepted += 1
            assert_stored_inert(app, line["id"])
    assert accepted >= 3  # invalid UTF-8 and the script-laden HTML and Markdown are kept
    assert rows()["articles"] == before["articles"] + accepted


def test_cli_reads_no_more_than_the_limit(app, tmp_path, rows):
    """``articles import /dev/zero`` style input stops at the limit instead of filling memory."""
    import os

    fifo = tmp_path / "endless.txt"
    os.mkfifo(fifo)
    import threading

    limit = app.config["MAX_ARTICLE_BYTES"]
    written = []

    def feed() -> None:
        with open(fifo, "wb") as fh:
            try:
                for _ in range(100):  # up to 100 MB if nobody stops reading
                    fh.write(b"a" * (1024 * 1024))
                    written.append(1)
            except BrokenPipeError:
                pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    before = rows()
    result = app.test_cli_runner().invoke(args=["articles", "import", str(fifo), "--json"])
    writer.join(timeout=30)
    assert json.loads(result.output)["error"]["code"] == "too_large"
    assert len(written) <= limit // (1024 * 1024) + 2
    assert rows() == before


FEED_ENTRY = ("<item><title>{title}</title><guid>{guid}</guid><link>{link}</link>"
              "<description><![CDATA[{body}]]></description></item>")


def _rss(*entries: str) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Wire</title>{''.join(entries)}</channel></rss>").encode()


@pytest.mark.parametrize("name", ["billion laughs", "external entity", "too large",
                                  "invalid UTF-8", "hostile entries"])
def test_feed_poll(app, db, feed_server, rows, name):
    app.config["FEED_ALLOW_PRIVATE"] = True  # the test server listens on loopback
    story = ("The council approved a new tram line on Tuesday after a long debate in the city "
             "hall. Construction starts in May.")
    hostile_entries = _rss(
        FEED_ENTRY.format(title=f"Tram {hostile.XSS[1]}", guid="x1", link="javascript:alert(1)",
                          body=f"<p>{story} <script>alert(1)</script>"
                               f'<a href="javascript:alert(2)">link</a> {hostile.XSS[0]}</p>'),
        FEED_ENTRY.format(title="Deep", guid="x2", link="https://wire.example/2",
                          body="<div>" * 400 + story + "</div>" * 400),
        FEED_ENTRY.format(title="Empty", guid="x3", link="https://wire.example/3", body=""),
    )
    data = {"billion laughs": hostile.billion_laughs_feed(),
            "external entity": hostile.external_entity_feed(),
            "too large": b"<rss>" + b" " * (11 * 1024 * 1024),
            "invalid UTF-8": _rss(FEED_ENTRY.format(title="Caf\xe9", guid="u1", link="https://w/1",
                                                    body=story)).replace(b"Caf\xc3\xa9",
                                                                         b"Caf\xff\xfe"),
            "hostile entries": hostile_entries}[name]
    feed_server.files["/feed.xml"] = data
    runner = app.test_cli_runner()
    added = runner.invoke(args=["feeds", "add", feed_server.url("/feed.xml"), "--language", "en"])
    assert added.exit_code == 0, added.output
    before = rows()
    result = runner.invoke(args=["feeds", "poll", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output.splitlines()[-1])
    after = rows()
    from workflow.models import Article, FeedSource

    with app.app_context(), db.transaction() as session:
        feed = session.scalar(select(FeedSource))
        articles = session.scalars(select(Article)).all()
        titles = [a.title for a in articles]
        last_error = feed.last_error
    if name in ("billion laughs", "external entity", "too large"):
        assert report["status"] == "error" and report["error"], report
        assert last_error  # the desk sees why in `feeds list`
        assert after["articles"] == before["articles"]
        assert "root:" not in json.dumps(report) + "".join(titles)  # /etc/passwd never read
    elif name == "invalid UTF-8":
        assert report["status"] == "fetched" and len(report["created"]) == 1, report
    else:
        assert report["created"], report
        refused = {guid.rsplit("/", 1)[-1]: code for guid, code, _msg in report["failed"]}
        refused |= {guid.rsplit("/", 1)[-1]: "no_text" for guid, _reason in report["skipped"]}
        assert refused == {"x2": "too_deep", "x3": "no_text"}, report
        for guid, code, message in report["failed"]:
            assert code and message, (guid, code, message)
        assert after["articles"] == before["articles"] + len(report["created"])
        for article_id in report["created"]:
            assert_stored_inert(app, article_id)
        assert not any("<script" in title for title in titles)
