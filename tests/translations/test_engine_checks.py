"""Routes, placeholders, glossary, memory and post-checks: pure functions a reviewer relies on."""

from __future__ import annotations

from pathlib import Path

import pytest

from translations.checks import run_checks
from translations.errors import NoRoute
from translations.glossary import Glossary, GlossaryEntry
from translations.markup import protect, restore, tag_spans
from translations.memory import InMemoryTranslationMemory, MemoryLookup, normalise_for_memory
from translations.packages import PackageInfo
from translations.routes import plan_route


def _package(code: str, sources: str, targets: str, version: str = "1.0") -> PackageInfo:
    return PackageInfo(
        code=code,
        name=code,
        version=version,
        from_codes=tuple(sources.split(",")),
        to_codes=tuple(targets.split(",")),
        path=Path("/nowhere") / code,
        size_bytes=0,
    )


EN_KK = _package("translate-en_kk-1_0", "en", "kk")
RU_EN = _package("translate-ru_en-1_0", "ru", "en")
RU_DE = _package("translate-ru_de-1_0", "ru", "de")
DE_KK = _package("translate-de_kk-1_0", "de", "kk")
MULTI = _package("translate-kk_ru_en-1_0", "kk,ru,en", "kk,ru,en")


def test_direct_route_is_preferred_and_labelled() -> None:
    route = plan_route([RU_EN, EN_KK, MULTI], "en", "kk")

    assert route.label == "en→kk via translate-en_kk 1.0"
    assert route.to_json()["steps"][0]["package_code"] == "translate-en_kk-1_0"


def test_pivot_goes_through_english_first() -> None:
    route = plan_route([RU_DE, DE_KK, RU_EN, EN_KK], "ru", "kk")

    assert route.label == "ru→en→kk via translate-ru_en 1.0, translate-en_kk 1.0"


def test_newer_version_wins_and_multilingual_serves_missing_pairs() -> None:
    newer = _package("translate-en_kk-1_1", "en", "kk", version="1.1")

    assert plan_route([EN_KK, newer], "en", "kk").steps[0].package_version == "1.1"
    assert plan_route([EN_KK, MULTI], "kk", "ru").label == "kk→ru via translate-kk_ru_en 1.0"
    with pytest.raises(NoRoute):
        plan_route([EN_KK, RU_EN], "kk", "en")


def test_placeholders_are_restored_where_the_model_put_them() -> None:
    source = "<1>Toqayev</1> met the minister<2/>."
    glossary = Glossary([GlossaryEntry("Toqayev", "Тоқаев", "en", "kk")])
    shielded = protect(source, tag_spans(source) + glossary.spans(source, "en", "kk"))

    assert shielded.text == "[X1X][X2X][X3X] met the minister[X4X]."
    restored = restore("[X1X] [ x2X ][X3X] министрмен кездесті[X4X].", shielded)

    assert restored.text == "<1> Тоқаев</1> министрмен кездесті<2/>."
    assert restored.reattached == ()


def test_lost_tags_are_reattached_and_invented_placeholders_dropped() -> None:
    source = "The <1>minister</1> spoke."
    shielded = protect(source, tag_spans(source))

    restored = restore("Министр [X1X] сөйледі [X9X].", shielded)

    assert restored.text == "Министр <1> сөйледі . </1>"
    assert restored.reattached == (("</1>", "tag"),)
    assert restored.unknown == ("[X9X]",)


def test_glossary_matches_whole_words_and_reports_violations() -> None:
    glossary = Glossary(
        [
            GlossaryEntry("Toqayev", "Тоқаев", "en", "kk"),
            GlossaryEntry("Toqayev", "Токаев", "en", "ru"),
            GlossaryEntry("Abraham Accords", None, "en", "kk"),
        ]
    )
    source = "Toqayev's view of the Abraham Accords; Toqayevism is not a term."

    assert [m.entry.rendering for m in glossary.matches(source, "en", "kk")] == [
        "Тоқаев",
        "Abraham Accords",
    ]
    assert glossary.violations(source, "Тоқаевтың пікірі Abraham Accords", "en", "kk") == []
    (missing,) = glossary.violations(source, "Токаевтың пікірі Abraham Accords", "en", "kk")
    assert missing.target_term == "Тоқаев"


def test_memory_normalises_whitespace_quotes_but_not_case() -> None:
    memory = InMemoryTranslationMemory([("He said “yes”.", "Ол «иә» деді.")])

    assert isinstance(memory, MemoryLookup)
    assert memory.exact('  He  said "yes".') == "Ол «иә» деді."
    assert memory.exact("he said “yes”.") is None
    assert normalise_for_memory("a\u00a0 b\n") == "a b"
    ((source, target, similarity),) = memory.fuzzy("He said “no”.", limit=3)
    assert target == "Ол «иә» деді." and 0.75 <= similarity < 1


def _codes(source: str, target: str, language: str = "kk", **kwargs: object) -> set[str]:
    return {c.code for c in run_checks(source, target, language, **kwargs)}


def test_numbers_and_dates_must_survive() -> None:
    source = "On 12 March 2024 prices rose by 3.5% to 1,200 tenge."

    assert "numbers" not in _codes(source, "2024 жылғы 12 наурызда баға 3,5%-ға өсіп, 1 200 теңге.")
    assert "numbers" in _codes(source, "2024 жылғы наурызда баға 3,5%-ға өсіп, 1 200 теңге болды.")
    assert "numbers" not in _codes("Read <1>this</1> now.", "Мұны <1>оқыңыз</1> қазір.")


def test_untranslated_repetition_and_length() -> None:
    assert "untranslated" in _codes("The minister spoke.", "The minister  spoke.")
    assert "untranslated" not in _codes("The minister spoke.", "Министр сөйледі.")
    runaway = run_checks(
        "The talks continue.", "келіссөздер келіссөздер келіссөздер келіссөздер", "kk"
    )
    assert [c.severity for c in runaway if c.code == "repetition"] == ["blocking"]
    assert "repetition" not in _codes("Yes, yes.", "Иә, иә.")
    assert "length_ratio" in _codes("The government will meet on Monday.", "Иә.")
    assert "length_ratio" not in _codes(
        "The government will meet on Monday.", "Үкімет дүйсенбіде жиналады."
    )


def test_kazakh_output_must_not_be_russian_but_may_use_loanword_letters() -> None:
    russian = "Президент заявил, что переговоры продолжатся в столице."
    kazakh_with_loans = "Президент объектіге барып, ащы шындықты съезде айтты."

    assert "kazakh_letters" in _codes("The president said talks will go on.", russian)
    assert "kazakh_letters" not in _codes("The president visited the site.", kazakh_with_loans)
    assert "russian_letters" in _codes(
        "Talks went on.", "Переговоры және встречи продолжились в столице.", "ru"
    )
    # Names keep their Kazakh letters in Russian text: capitalised, quoted or from the source.
    assert "russian_letters" not in _codes(
        "Talks went on.", "Переговоры продолжились в Қазақстане и в «Самрук-Қазына».", "ru"
    )


def test_words_mixing_latin_and_cyrillic_are_flagged() -> None:
    # "Қазақcтан" with a Latin c, and "бiлiм" with Latin i instead of Kazakh і.
    assert "script_mixing" in _codes("Kazakhstan.", "Қазақcтан туралы.")
    assert "script_mixing" in _codes("Education.", "Жоғары бiлiм.")
    assert "script_mixing" not in _codes("Education in Kazakhstan.", "Қазақстандағы білім, NATO.")


def test_glossary_violation_is_a_warning_unless_the_term_must_be_used() -> None:
    def glossary_checks(entry: GlossaryEntry) -> list:
        found = run_checks("Toqayev spoke.", "Токаев сөйледі.", "kk", Glossary([entry]),
                           source_language="en")
        return [c for c in found if c.code == "glossary"]

    (check,) = glossary_checks(GlossaryEntry("Toqayev", "Тоқаев", "en", "kk"))
    assert check.severity == "warning"
    assert check.to_json() == {"code": "glossary", "severity": "warning", "message": check.message}
    (check,) = glossary_checks(GlossaryEntry("Toqayev", "Тоқаев", "en", "kk", must_use=True))
    assert check.severity == "blocking"
