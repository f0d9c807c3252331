"""Latin-script Kazakh input: detected as Kazakh, kept as typed, read by the models in Cyrillic."""

from __future__ import annotations

import pytest

from translations.engine import kazakh_in_cyrillic
from workflow.ingest import service

LATIN_2021 = ("Astanada halyqaralyq forum öttı\n\nForumğa otyz elden delegattar keldı. Olar ekı "
              "kün boiy energetika men bılım salasyndağy jobalardy talqylady.")
LATIN_2018 = ("Astanada halyqaralyq forým ótti\n\nForýmǵa otyz elden delegattar keldi. Olar eki "
              "kún boıy energetıka men bilim salasyndaǵy jobalardy talqylady.")


@pytest.mark.parametrize("text", [LATIN_2021, LATIN_2018], ids=["2021", "2018"])
def test_latin_kazakh_is_a_kazakh_article_kept_as_typed(session, text):
    article = service.ingest_text(session, text, source="paste").article
    assert article.source_language == "kk" and not article.language_overridden
    assert article.language_confidence >= 0.9
    sources = [s.source_text for s in article.segments]
    assert sources[0] == text.split("\n")[0]  # the original stays the source text
    assert {e.language for e in article.editions} == {"kk", "ru", "en"}
    # what the Kazakh models get for these segments (translations/engine.py)
    cyrillic = kazakh_in_cyrillic(sources)
    assert cyrillic[0] == "Астанада халықаралық форум өтті"
    assert cyrillic[1] == "Форумға отыз елден делегаттар келді."


def test_kk_latn_as_the_stated_language_is_kazakh(session):
    article = service.ingest_text(session, LATIN_2021, source="paste",
                                  language="kk-Latn").article
    assert article.source_language == "kk" and article.language_overridden
