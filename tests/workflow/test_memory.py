"""Database-backed translation memory and glossary, as the engine sees them."""

from __future__ import annotations

from workflow.memory import DatabaseMemory, glossary_for, remember
from workflow.models import GlossaryTerm


def test_exact_hit_latest_approval_wins_and_fuzzy_is_scaled(session):
    remember(session, "en", "kk", [("Astana hosted the summit.", "бірінші")], None, None)
    remember(session, "en", "kk", [("Astana hosted the summit.", "екінші")], None, None)
    remember(session, "en", "ru", [("Astana hosted the summit.", "русский")], None, None)
    session.flush()
    memory = DatabaseMemory(session, "en", "kk")
    memory.preload(["Astana  hosted the summit."])
    assert memory.exact("Astana  hosted the summit.") == "екінші"
    assert memory.exact("Almaty hosted the summit.") is None
    hits = memory.fuzzy("Astana hosted the summit today.")
    assert hits and 0.75 <= hits[0][2] <= 1.0
    assert all(target != "русский" for _s, target, _sim in hits)
    assert memory.fuzzy("Completely different words here.") == []


def test_glossary_for_pair_feeds_the_engine_glossary(session):
    session.add_all([
        GlossaryTerm(source_language="en", target_language="kk", term="Toqayev",
                     translation="Тоқаев"),
        GlossaryTerm(source_language="en", target_language="kk", term="Abraham Accords",
                     translation=None),
        GlossaryTerm(source_language="en", target_language="ru", term="Toqayev",
                     translation="Токаев"),
    ])
    session.flush()
    glossary = glossary_for(session, "en", "kk")
    renderings = {e.source_term: e.rendering for e in glossary.for_pair("en", "kk")}
    assert renderings == {"Toqayev": "Тоқаев", "Abraham Accords": "Abraham Accords"}
    matches = glossary.matches("Toqayev backed the Abraham Accords.", "en", "kk")
    assert [m.entry.source_term for m in matches] == ["Toqayev", "Abraham Accords"]
