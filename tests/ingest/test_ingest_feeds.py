"""RSS/Atom feeds, including the two real-world quirks and hostile XML."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from workflow.ingest.feeds import FeedError, entry_to_article, parse_feed
from workflow.ingest.parse import IngestError


def test_blank_line_before_xml_declaration_parses_in_declared_latin1(fixture_bytes):
    data = fixture_bytes("feed_blank_line_before_decl.xml")
    assert data.startswith(b"\n<?xml")
    [entry] = parse_feed(data)
    assert entry.title == "München: Grüße aus der Stadt"
    assert entry.guid == "http://example.de/a1" and entry.link == "http://example.de/a1"
    assert entry.published_at == datetime(2015, 3, 31, 15, 14, 1, tzinfo=UTC)
    assert entry.language == "de"
    assert entry_to_article(entry).blocks[1].text == "Die Bürger freuen sich über den Frühling."


def test_latin1_without_declaration_parses(fixture_bytes):
    [entry] = parse_feed(fixture_bytes("feed_latin1_no_decl.rss"))
    assert entry.title == "Eleições: pesquisa mostra empate técnico"
    assert entry.language is None  # the feed's <language> is empty
    assert entry.published_at == datetime(2018, 9, 24, 22, 42, 40, tzinfo=UTC)  # "Seg, 24 Set"
    article = entry_to_article(entry)
    assert article.source_format == "feed"
    assert article.blocks[1].text == "Líder na pesquisa, o candidato não comentou."
    assert article.blocks[1].marks[0].kind == "strong"


def test_atom_entry_with_html_content(fixture_bytes):
    [entry] = parse_feed(fixture_bytes("atom.xml"), url="https://example.kz/feed")
    assert entry.guid == "urn:example:entry:1"
    assert entry.author == "Анна Пример"
    assert entry.language == "ru"
    assert entry.published_at == datetime(2024, 3, 1, 7, 30, tzinfo=UTC)
    assert entry.summary_html == "Кратко о встрече."
    article = entry_to_article(entry)
    assert article.title == "Токаев провёл встречу с инвесторами"
    assert article.byline == "Анна Пример"
    assert [b.kind for b in article.blocks] == ["title", "heading", "paragraph", "paragraph"]
    body = article.blocks[2]
    assert body.text == "Президент встретился с инвесторами и партнёрами."
    assert {(m.kind, m.href) for m in body.marks} == {
        ("em", None),
        ("link", "https://example.kz/inv"),
    }
    assert all("alert" not in b.text for b in article.blocks)


def test_rss_guid_falls_back_to_link_then_hash():
    data = (
        b"<rss version='2.0'><channel><title>t</title>"
        b"<item><title>One</title><link>https://x.kz/1</link><description>a</description></item>"
        b"<item><title>Two</title><description>b</description></item>"
        b"<item><title>Bad link</title><link>javascript:alert(1)</link></item>"
        b"</channel></rss>"
    )
    one, two, bad = parse_feed(data)
    assert one.guid == "https://x.kz/1"
    assert two.guid.startswith("sha256:") and two.guid == parse_feed(data)[1].guid
    assert bad.link is None


def test_billion_laughs_is_refused_quickly(fixture_bytes):
    with pytest.raises(FeedError) as err:
        parse_feed(fixture_bytes("billion_laughs.xml"))
    assert err.value.code == "unsafe_xml"


def test_external_entity_is_refused():
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<rss version='2.0'><channel><title>&x;</title></channel></rss>"
    )
    with pytest.raises(FeedError) as err:
        parse_feed(xxe)
    assert err.value.code == "unsafe_xml"


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", "empty"),
        (b"  \n ", "empty"),
        (b"this is not a feed at all", "malformed"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "malformed"),
    ],
)
def test_garbage_feeds(data, code):
    with pytest.raises(FeedError) as err:
        parse_feed(data)
    assert err.value.code == code


def test_entry_without_text_is_no_text():
    [entry] = parse_feed(
        b"<rss version='2.0'><channel><item><title>Only</title></item></channel></rss>"
    )
    with pytest.raises(IngestError) as err:
        entry_to_article(entry)
    assert err.value.code == "no_text"
