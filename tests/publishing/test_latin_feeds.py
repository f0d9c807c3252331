"""The Kazakh Latin edition's feeds: RSS, Atom, JSON Feed and ninjs in kk-Latn, linked to the
Cyrillic edition both ways."""

from __future__ import annotations

import feedparser
import pytest
from lxml import etree

from tests.integrity.latin import kazakh_story, latin_of
from tests.publishing.conftest import bearer
from tests.publishing.formats import JSON_FEED, NINJS, errors

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture
def app(make_app):
    return make_app(KK_LATN="2021")


@pytest.fixture
def published(app, make_article, make_user, publish):
    """One article whose kk and kk-Latn editions are approved (by different people) and live."""
    from workflow import review

    translator = make_user("translator", languages="kk", app=app)
    editor, second = make_user("editor", app=app), make_user("editor", app=app)
    story = kazakh_story(app, make_article, translator, editor)
    latin, _texts = latin_of(app, story["article"])
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        review.approve_edition(session, latin.id, second)
    publish("publish_edition", story["kk"], editor)
    publish("publish_edition", latin.id, editor)
    return story


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_feedparser_reads_the_latin_feed(client, published, make_partner, fmt):
    _pid, _kid, secret = make_partner(languages="kk,kk-Latn")
    response = client.get(f"/feeds/kk-latn.{fmt}", headers=bearer(secret))
    assert response.status_code == 200
    headers = {name.lower(): value for name, value in response.headers.items()}
    parsed = feedparser.parse(response.data, response_headers=headers)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.feed.language == "kk-Latn"
    assert f'href="http://127.0.0.1:5000/feeds/kk-latn.{fmt}"' in response.get_data(
        as_text=True)  # its self link
    (entry,) = parsed.entries
    assert entry.id == "urn:audarma:item:1:kk-Latn"
    assert entry.title == "QR-da su tasqyny basyldy"
    assert "Özen tünde tartyldy." in entry.content[0].value
    assert "Өзен" not in response.get_data(as_text=True)
    text = response.get_data(as_text=True)
    assert "Айгүл" not in text
    if fmt == "atom":
        assert entry.author == "Aigül Särsenova"  # the Kazakh credit, transliterated
    assert "latyn älıpbiıne" in text  # the disclosure, in Kazakh written in Latin
    root = etree.fromstring(response.data)
    if fmt == "atom":
        assert root.get(XML_LANG) == "kk-Latn"
        alternates = {link.hreflang: link.href for link in entry.links
                      if link.rel == "alternate" and link.type == "application/json"}
        assert alternates == {
            "kk-Latn": "http://127.0.0.1:5000/api/v1/items/urn:audarma:item:1:kk-Latn",
            "kk": "http://127.0.0.1:5000/api/v1/items/urn:audarma:item:1:kk"}
    else:
        assert root.findtext("channel/language") == "kk-Latn"


def test_the_cyrillic_feed_links_to_the_latin_edition(client, published, make_partner):
    _pid, _kid, secret = make_partner(languages="kk,kk-Latn")
    parsed = feedparser.parse(client.get("/feeds/kk.atom", headers=bearer(secret)).data)
    (entry,) = parsed.entries
    hreflangs = {link.hreflang for link in entry.links if link.rel == "alternate"}
    assert hreflangs == {"kk", "kk-Latn"}
    assert entry.title == "ҚР-да су тасқыны басылды"


def test_latin_json_feed_and_ninjs_item_are_valid(client, published, make_partner):
    _pid, _kid, secret = make_partner(languages="kk,kk-Latn")
    response = client.get("/feeds/kk-latn.json", headers=bearer(secret))
    feed = response.get_json()
    assert errors(JSON_FEED, feed) == []
    assert feed["language"] == "kk-Latn" and feed["feed_url"].endswith("/feeds/kk-latn.json")
    (item,) = feed["items"]
    assert item["language"] == "kk-Latn" and item["title"] == "QR-da su tasqyny basyldy"
    assert [a["language"] for a in item["_audarma"]["alternates"]] == ["kk"]
    ninjs = client.get("/api/v1/items/urn:audarma:item:1:kk-Latn", headers=bearer(secret))
    body = ninjs.get_json()
    assert errors(NINJS, body) == []
    assert body["language"] == "kk-Latn"
    assert body["headlines"][0]["value"] == "QR-da su tasqyny basyldy"
    assert [a["language"] for a in body["associations"]] == ["kk"]
    cyrillic = client.get("/api/v1/items/urn:audarma:item:1:kk", headers=bearer(secret))
    assert [a["language"] for a in cyrillic.get_json()["associations"]] == ["kk-Latn"]


def test_a_feed_the_instance_does_not_publish_is_not_found(make_app, make_partner):
    app = make_app(PUBLIC_FEEDS=True)
    client = app.test_client()
    assert client.get("/feeds/kk-latn.atom").status_code == 404
    assert client.get("/feeds/kk-latn.rss").get_json()["error"]["code"] == "not_found"
    assert client.get("/feeds/kk.atom").status_code == 200


def test_the_latin_public_page_links_the_cyrillic_one_both_ways(client, published, make_partner):
    _pid, _kid, secret = make_partner(languages="kk,kk-Latn")
    parsed = feedparser.parse(client.get("/feeds/kk-latn.rss", headers=bearer(secret)).data)
    path = parsed.entries[0].link.removeprefix("http://127.0.0.1:5000")
    assert path.startswith("/kk-Latn/")
    page = client.get(path)
    assert page.status_code == 200 and page.headers["Content-Language"] == "kk-Latn"
    html = page.get_data(as_text=True)
    assert '<html lang="kk-Latn">' in html and 'hreflang="kk"' in html
    assert "Özen tünde tartyldy." in html
    cyrillic_path = etree.HTML(page.data).xpath('//link[@hreflang="kk"]/@href')[0]
    cyrillic = client.get(cyrillic_path.removeprefix("http://127.0.0.1:5000"))
    assert cyrillic.status_code == 200 and 'hreflang="kk-Latn"' in cyrillic.get_data(as_text=True)
