"""The Engine contract, run on every engine: the real Argos engine and the tests' stand-in.

The worker (workflow/jobs/run.py) relies on exactly this, so a stand-in that passed different
checks than the real engine would let the job tests pass on behaviour production never has.
"""

from __future__ import annotations

import pytest

from tests.engines import FakeEngine
from translations.checks import Check
from translations.engine import ArgosEngine
from translations.errors import NoRoute
from translations.interface import Engine, Translation
from translations.memory import InMemoryTranslationMemory
from translations.packages import PackageStore

ARTICLE = ["The president said on Monday that talks will continue.",
           "Water prices in the city rose by 12 percent in 2024.",
           "The minister met people after the election."]


@pytest.fixture(params=["argos", "fake"])
def any_engine(request: pytest.FixtureRequest, bilingual_store: PackageStore) -> Engine:
    """Each engine the product or its tests run (en→kk is served by both)."""
    if request.param == "argos":
        return ArgosEngine(bilingual_store, max_decoding_length=64)
    return FakeEngine(languages=("en", "kk"), checks=True)


def test_is_an_engine(any_engine: Engine) -> None:
    assert isinstance(any_engine, Engine)


def test_one_typed_translation_per_text_in_order(any_engine: Engine) -> None:
    results = any_engine.translate(ARTICLE, "en", "kk")
    assert len(results) == len(ARTICLE)
    assert all(isinstance(r, Translation) and r.origin == "machine" and r.text for r in results)
    assert all(all(isinstance(c, Check) for c in r.checks) for r in results)
    route = any_engine.route("en", "kk")
    assert all(r.route == route for r in results)
    assert route.source == "en" and route.target == "kk"
    assert results[0].to_json()["route"] == route.to_json()
    assert all(isinstance(r.confidence, float) and r.confidence <= 0 for r in results)
    assert results[0].to_json()["confidence"] == results[0].confidence


def test_exact_memory_hits_come_back_verbatim_without_a_route(any_engine: Engine) -> None:
    memory = InMemoryTranslationMemory([(ARTICLE[1], "Қаладағы су бағасы өсті.")])
    results = any_engine.translate(ARTICLE, "en", "kk", memory=memory)
    assert results[1].text == "Қаладағы су бағасы өсті."
    assert (results[1].origin, results[1].route, results[1].confidence) == ("memory", None, None)
    assert results[0].origin == results[2].origin == "machine"


def test_an_unserved_pair_raises_no_route(any_engine: Engine) -> None:
    with pytest.raises(NoRoute):
        any_engine.route("kk", "kk")
    with pytest.raises(NoRoute):
        any_engine.translate(["Сәлем."], "kk", "ru")


def test_nothing_to_translate_is_an_empty_list(any_engine: Engine) -> None:
    assert any_engine.translate([], "en", "kk") == []
