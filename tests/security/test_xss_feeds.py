"""XSS payloads typed by the newsroom reach partners inert: escaped text or stripped HTML in RSS,
Atom, JSON Feed and every ninjs item."""

from __future__ import annotations

import json
import re

import lxml.html
from lxml import etree

from tests.publishing.conftest import bearer
from tests.security.conftest import BREAKOUT, IMG, JS_URL, SVG

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
ACTIVE_TAGS = {"script", "svg", "img", "iframe", "object", "embed", "style", "math", "form",
               "base", "link", "meta"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster"}


def assert_inert_html(fragment: str, where: str) -> None:
    """No active element, no on* attribute, no script-capable URL in an HTML fragment."""
    assert fragment is not None, where
    if not fragment.strip():
        return
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        assert el.tag.lower() not in ACTIVE_TAGS, f"{where}: <{el.tag}> survived: {fragment!r}"
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), f"{where}: {name}= survived"
            assert name.lower() != "style", f"{where}: style= survived"
            if name.lower() in URL_ATTRIBUTES:
                scheme = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                assert scheme.startswith(("http://", "https://", "mailto:", "/", "#")), \
                    f"{where}: {name}={value!r}"


def assert_text(value: str | None, where: str) -> None:
    """A text field: whatever it holds is text (escaped by the format), never parsed markup."""
    assert value is None or isinstance(value, str), where


def _xml(client, path: str, key: str) -> etree._Element:
    response = client.get(path, headers=bearer(key))
    assert response.status_code == 200, response.data[:300]
    # a payload escaped as text parses back to the same text; one that broke out would not parse
    return etree.fromstring(response.data, etree.XMLParser(resolve_entities=False, no_network=True))


def test_rss_items_are_inert(app, client, xss_story):
    for language in ("kk", "en"):
        root = _xml(client, f"/feeds/{language}.rss", xss_story.partner_key)
        items = root.findall("./channel/item")
        assert items, language
        for item in items:
            title = item.find("title")
            assert len(title) == 0 and IMG in title.text  # text: shown, as text
            assert_inert_html(item.findtext(CONTENT), f"rss {language} content")
            assert_inert_html(item.findtext("description"), f"rss {language} description")
            for child in item.iter():
                assert len(child) == 0 or child.tag in ("item",) or child.tag.startswith("{"), \
                    child.tag


def test_atom_entries_are_inert(app, client, xss_story):
    root = _xml(client, "/feeds/kk.atom", xss_story.partner_key)
    entries = root.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        title = entry.find(f"{ATOM}title")
        assert title.get("type", "text") == "text" and len(title) == 0
        assert BREAKOUT in title.text
        content = entry.find(f"{ATOM}content")
        assert content.get("type") == "html"
        assert_inert_html(content.text, "atom content")
        summary = entry.find(f"{ATOM}summary")
        assert summary is None or summary.get("type", "text") in ("text", "html")
        if summary is not None and summary.get("type") == "html":
            assert_inert_html(summary.text, "atom summary")
        for link in entry.findall(f"{ATOM}link"):
            assert link.get("href", "").startswith("http"), link.attrib
        author = entry.find(f"{ATOM}author/{ATOM}name")
        assert author is not None and IMG in author.text and len(author) == 0


def test_json_feed_items_are_inert(app, client, xss_story):
    response = client.get("/feeds/kk.json", headers=bearer(xss_story.partner_key))
    feed = json.loads(response.data)
    assert feed["items"]
    for item in feed["items"]:
        assert_inert_html(item["content_html"], "json content_html")
        assert IMG in item["title"] and "<" not in item["url"]
        assert_text(item["summary"], "json summary")
        assert all(IMG in a["name"] for a in item.get("authors", []))
        body = item["content_html"]
        assert "&lt;img src=x onerror=alert(1)&gt;" in body  # shown as text, not dropped
        assert JS_URL not in body and "javascript:" not in body.lower()


def test_ninjs_items_are_inert(app, client, xss_story):
    response = client.get("/api/v1/items?limit=200", headers=bearer(xss_story.partner_key))
    items = response.get_json()["items"]
    assert len(items) >= 3  # en, kk and the kk correction
    for uri in {item["uri"] for item in items}:
        latest = client.get(f"/api/v1/items/{uri}", headers=bearer(xss_story.partner_key))
        items.append(latest.get_json())
    for item in items:
        assert item["bodies"] and item["headlines"]
        for body in item["bodies"]:
            assert body["contentType"] == "text/html"
            assert_inert_html(body["value"], f"ninjs {item['uri']} body")
        for text in (*item["headlines"], *item["descriptions"]):
            assert text["contentType"] == "text/plain"  # partners must treat these as text
        assert any(IMG in h["value"] for h in item["headlines"])  # kept, as text
        for association in item.get("associations", []):
            assert association["uri"].startswith("urn:audarma:item:")


def test_checker_catches_live_markup():
    """The assertions above can fail: they reject each payload when it is live HTML."""
    import pytest

    for live in (IMG, BREAKOUT, SVG, f'<a href="{JS_URL}">x</a>', '<p onclick="x()">y</p>',
                 '<a href=" JaVa\tScRiPt:alert(1)">x</a>'):
        with pytest.raises(AssertionError):
            assert_inert_html(f"<p>{live}</p>", "control")
