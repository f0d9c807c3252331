"""Checks on the third-party material in AUDARMA_SHARED_DATA; skipped when it is not set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workflow.ingest.feeds import entry_to_article, parse_feed
from workflow.ingest.parse import IngestError, parse_text

SHARED = Path(os.environ.get("AUDARMA_SHARED_DATA", "/nonexistent"))
pytestmark = pytest.mark.skipif(
    not (SHARED / "rss-feeds").is_dir(), reason="AUDARMA_SHARED_DATA not set"
)
FEEDS = sorted(p.name for p in (SHARED / "rss-feeds").glob("*") if p.suffix != ".txt")


def test_seed_article_structure():
    article = parse_text((SHARED / "seed-article" / "article.txt").read_text("utf-8"))
    assert article.byline == "Zarina Fayzulina" and article.photo_credit == "Aqorda"
    assert article.removed == ["Latest news", "view all"]
    assert [b.text for b in article.blocks if b.kind == "heading"] == [
        "Deals",
        "Trump vs. Biden",
        "The War in Ukraine",
    ]
    quote = next(b for b in article.blocks if b.kind == "quote")
    assert quote.text.endswith("quite a big step forward,")


@pytest.mark.parametrize("name", FEEDS)
def test_every_real_feed_parses_and_entries_become_articles(name):
    entries = parse_feed((SHARED / "rss-feeds" / name).read_bytes())
    assert entries and all(e.title and e.guid for e in entries)
    assert all(e.published_at is not None for e in entries)
    articles = []
    for entry in entries:
        try:
            articles.append(entry_to_article(entry))
        except IngestError as err:
            assert err.code == "no_text"  # a few entries carry a headline only
    assert len(articles) >= len(entries) * 2 // 3
    assert "\ufffd" not in " ".join(a.title for a in articles)  # no mojibake
