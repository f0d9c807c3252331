"""Feed ETags come from the newest feed event; a 304 is answered without building the feed."""

from __future__ import annotations

import web.feeds
from tests.publishing.conftest import bearer


def test_a_304_never_builds_the_feed_and_a_200_is_built_once(client, make_story, publish,
                                                             make_partner, monkeypatch):
    story = make_story()
    publish("publish_edition", story["kk"], None)
    _pid, _kid, secret = make_partner()
    web.feeds.BODIES.clear()
    calls = []
    real = web.feeds.feed_snapshot
    monkeypatch.setattr(web.feeds, "feed_snapshot",
                        lambda *args, **kwargs: calls.append(args[1:]) or real(*args, **kwargs))
    first = client.get("/feeds/kk.rss", headers=bearer(secret))
    assert first.status_code == 200 and b"Flood waters" in first.data and len(calls) == 1
    again = client.get("/feeds/kk.rss", headers=bearer(secret))
    assert again.data == first.data and len(calls) == 1  # the cached body
    hit = client.get("/feeds/kk.rss",
                     headers={**bearer(secret), "If-None-Match": first.headers["ETag"]})
    assert hit.status_code == 304 and hit.data == b"" and len(calls) == 1


def test_publishing_another_language_changes_the_etag_and_the_alternates(client, make_story,
                                                                         publish, make_partner):
    story = make_story()
    publish("publish_edition", story["kk"], None)
    _pid, _kid, secret = make_partner()
    first = client.get("/feeds/kk.atom", headers=bearer(secret))
    assert b'hreflang="ru"' not in first.data
    publish("publish_edition", story["ru"], None)  # a ru event: kk's item gains an alternate
    changed = client.get("/feeds/kk.atom",
                         headers={**bearer(secret), "If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    assert b'hreflang="ru"' in changed.data
