"""Public permalinks: feed links open without a key, in the edition's language, and stay stable."""

from __future__ import annotations

import feedparser
from lxml import html

from tests.publishing.conftest import bearer


def published(app, make_story, publish, languages=("kk", "ru")):
    story = make_story(languages=languages)
    for edition_id in story.values():
        publish("publish_edition", edition_id, None)
    return story


def test_every_feed_entry_links_a_public_page_in_its_language(app, client, make_story, publish,
                                                             make_partner):
    published(app, make_story, publish)
    _p, _k, secret = make_partner(languages="kk,ru,en")
    for language in ("kk", "ru", "en"):
        for fmt in ("rss", "atom"):
            feed = feedparser.parse(client.get(f"/feeds/{language}.{fmt}",
                                               headers=bearer(secret)).data)
            (entry,) = feed.entries
            pages = [link.href for link in entry.links if link.get("type", "text/html")
                     == "text/html"] if fmt == "atom" else [entry.link]
            assert pages, entry.links
            path = pages[0].removeprefix("http://127.0.0.1:5000")
            assert path.startswith(f"/{language}/")
            anonymous = app.test_client().get(path)  # no key, no session
            assert anonymous.status_code == 200, path
            page = html.fromstring(anonymous.data)
            assert page.get("lang") == language
            assert page.xpath("//link[@rel='canonical']/@href") == [pages[0]]
            others = set(page.xpath("//link[@rel='alternate']/@hreflang")) - {language}
            assert others == {"kk", "ru", "en"} - {language}
        json_feed = client.get(f"/feeds/{language}.json", headers=bearer(secret)).get_json()
        assert json_feed["items"][0]["url"].startswith(f"http://127.0.0.1:5000/{language}/")


def test_a_page_answers_304_keeps_old_links_and_is_gone_after_a_kill(app, make_story, publish):
    from workflow.models import Publication

    story = published(app, make_story, publish, languages=("kk",))
    with app.app_context():
        pub = app.extensions["audarma.db"].session.query(Publication).filter_by(
            language="kk").one()
        article_id = pub.article_id
        year, month = pub.first_published_at.year, pub.first_published_at.month
    client = app.test_client()
    stale = client.get(f"/kk/{year:04d}/{month:02d}/an-old-headline-{article_id}")
    assert stale.status_code == 301
    path = stale.headers["Location"]
    first = client.get(path)
    assert first.status_code == 200 and first.headers["Content-Language"] == "kk"
    assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    publish("kill_edition", story["kk"], None, "Legal advice.")
    gone = client.get(path)
    assert gone.status_code == 410 and b"Legal advice." in gone.data
    assert gone.headers["ETag"] != first.headers["ETag"]
    assert client.get(f"/kk/{year:04d}/{month:02d}/x-999999").status_code == 404
    assert client.get(f"/kk/{year:04d}/{month:02d}/no-id-here").status_code == 404


def test_an_unpublished_edition_has_no_public_page(app, make_story):
    story = make_story(languages=("kk",))
    assert story
    assert app.test_client().get("/kk/2026/12/anything-1").status_code == 404


def test_the_newsroom_can_point_links_at_its_own_site(app, client, make_story, publish,
                                                     make_partner):
    published(app, make_story, publish, languages=("kk",))
    _p, _k, secret = make_partner(languages="kk")
    app.config["PUBLIC_BASE_URL"] = "https://news.example.kz/"
    feed = feedparser.parse(client.get("/feeds/kk.rss", headers=bearer(secret)).data)
    assert feed.entries[0].link.startswith("https://news.example.kz/kk/")
