"""Checks that understand Kazakh, Russian and English as written: correct rewrites pass, real
defects are still caught (issue 24's cases and the language guard)."""

from __future__ import annotations

import pytest

from translations.checks import CHECK_KINDS, SEVERITY_LABELS, Check, run_checks
from translations.glossary import Glossary, GlossaryEntry
from translations.morphology import forms_match, kazakh_sort_key


def _codes(source: str, target: str, target_language: str, source_language: str) -> set[str]:
    found = run_checks(source, target, target_language, source_language=source_language)
    return {c.code for c in found}


# --- numbers as values -------------------------------------------------------------------------

CORRECT_NUMBERS = [
    # (source, source language, target, target language)
    ("Брифинг басталады 14.30-да.", "kk", "The briefing starts at 14:30.", "en"),
    ("The briefing starts at 2:30 p.m.", "en", "Брифинг начнётся в 14:30.", "ru"),
    ("Келісім 30.01.2025 қол қойылды.", "kk", "The deal was signed on January 30, 2025.", "en"),
    ("Соглашение подписано 30.01.2025.", "ru", "Келісім 2025 жылғы 30 қаңтарда қол қойылды.",
     "kk"),
    ("The deal was signed on 30 January 2025.", "en",
     "Соглашение подписано 30 января 2025 года.", "ru"),
    ("Қалада 1 500 000 адам тұрады.", "kk", "The city has 1.5 million people.", "en"),
    ("Бюджет составит 1,5 млн тенге.", "ru", "The budget will be 1.5 million tenge.", "en"),
    ("The budget is 1,500,000 tenge.", "en", "Бюджет — 1 500 000 тенге.", "ru"),
    ("Инфляция составила 8,5%.", "ru", "Inflation was 8.5%.", "en"),
    ("Үш министр келді: 3 адам.", "kk", "Three ministers came: three people.", "en"),
    ("Приехали 3 министра.", "ru", "Three ministers arrived.", "en"),
    ("Two ministers arrived.", "en", "Приехали 2 министра.", "ru"),
    ("«Астана» 2-0 есебімен жеңді.", "kk", "«Астана» победила со счётом 2:0.", "ru"),
    ("XXI ғасырдың басы.", "kk", "The beginning of the 21st century.", "en"),
    ("Палуда 16 мыңнан астам адам эвакуацияланды.", "kk",
     "В Палу были эвакуированы более 16 000 человек.", "ru"),
    ("Сессия 2018 жылдың 29 қыркүйегінде өтті.", "kk",
     "Сессия прошла 29 сентября 2018 года.", "ru"),
    ("The storm brought 10 inches of rain and 85 mph winds.", "en",
     "Шторм принёс 25 см осадков и ветер до 135 км/ч.", "ru"),
    ("It was 80 degrees in New York.", "en", "В Нью-Йорке было 27 градусов.", "ru"),
]


@pytest.mark.parametrize("source, source_language, target, target_language", CORRECT_NUMBERS)
def test_numbers_rewritten_correctly_are_not_flagged(
    source, source_language, target, target_language
):
    assert "numbers" not in _codes(source, target, target_language, source_language)


WRONG_NUMBERS = [
    ("Брифинг басталады 14.30-да.", "kk", "The briefing starts at 15:30.", "en"),
    ("Келісім 30.01.2025 қол қойылды.", "kk", "The deal was signed on January 31, 2025.", "en"),
    ("Қалада 1 500 000 адам тұрады.", "kk", "The city has 15 million people.", "en"),
    ("Бюджет составит 1,5 млн тенге.", "ru", "The budget will be 1.5 billion tenge.", "en"),
    ("Инфляция составила 8,5%.", "ru", "Inflation was 5.8%.", "en"),
    ("Приехали 3 министра.", "ru", "Four ministers arrived.", "en"),
    ("Погибли 25 человек, ранены 40.", "ru", "Қаза тапқандар 25 адам, жаралылар бар.", "kk"),
    ("Соглашение подписано 30.01.2025.", "ru", "Келісім 2025 жылғы 30 наурызда жасалды.", "kk"),
    ("The road is 15 km long.", "en", "Длина дороги 18 км.", "ru"),
    ("The hog weighed 550 pounds.", "en", "Свинья весила 350 килограммов.", "ru"),
]


@pytest.mark.parametrize("source, source_language, target, target_language", WRONG_NUMBERS)
def test_dropped_and_wrong_numbers_are_still_flagged(
    source, source_language, target, target_language
):
    assert "numbers" in _codes(source, target, target_language, source_language)


def test_a_repetition_the_source_has_is_faithful_not_runaway():
    assert "repetition" not in _codes('"No, no, no, no, no."', '"Жоқ, жоқ, жоқ, жоқ, жоқ."',
                                      "kk", "en")
    assert "repetition" not in _codes("NOOOOOOOOOOO!", "ЖООООООООООҚ!", "kk", "en")
    assert "repetition" in _codes("No.", "Жоқ, жоқ, жоқ, жоқ, жоқ.", "kk", "en")


# --- script and letters ------------------------------------------------------------------------


def test_kazakh_names_in_russian_text_are_not_flagged():
    source = "«Самұрық-Қазына» қоры Қарағандыда жиналыс өткізді."
    target = "Фонд «Самрук-Қазына» провёл собрание в Қарағанды."
    assert "russian_letters" not in _codes(source, target, "ru", "kk")
    assert "russian_letters" in _codes(source, "Фонд провёл кеңес в городе.", "ru", "kk")


def test_latin_name_with_a_kazakh_suffix_is_not_script_mixing():
    target = "NASA-ның зерттеуі iPhone-ға қатысты емес."
    assert "script_mixing" not in _codes("The NASA study is not about the iPhone.", target,
                                         "kk", "en")
    assert "script_mixing" in _codes("Kazakhstan.", "Қазақcтан туралы.", "kk", "en")


# --- language guard ----------------------------------------------------------------------------

ENGLISH = "The minister said that the talks with the partners would continue next week."
KAZAKH = "Министр серіктестермен келіссөздер келесі аптада жалғасатынын айтты."
RUSSIAN = "Министр сказал, что переговоры с партнёрами продолжатся на следующей неделе."

REAL_ERRORS = [
    # (source, source language, target, target language): what a careless edit leaves behind
    (ENGLISH, "en", f"[KK] {ENGLISH}", "kk"),
    (ENGLISH, "en", f"[RU] {ENGLISH}", "ru"),
    (ENGLISH, "en", RUSSIAN, "kk"),  # the Russian edition's text pasted into Kazakh
    (RUSSIAN, "ru", KAZAKH, "ru"),  # the Kazakh text pasted into the Russian edition
    (KAZAKH, "kk", RUSSIAN, "en"),  # Cyrillic in the English edition
    (KAZAKH, "kk", KAZAKH, "ru"),  # the source copied unchanged
    (RUSSIAN, "ru", RUSSIAN, "kk"),
    (ENGLISH, "en", "Министр айтты: the talks with the partners would continue next week.", "kk"),
    (KAZAKH + " " + KAZAKH, "kk",
     "Министр сказал об этом. Серіктестермен келіссөздер келесі аптада жалғасатынын айтты.",
     "ru"),
]


@pytest.mark.parametrize("source, source_language, target, target_language", REAL_ERRORS)
def test_language_guard_blocks_wrong_language_script_and_copied_runs(
    source, source_language, target, target_language
):
    found = run_checks(source, target, target_language, source_language=source_language)
    guard = [c for c in found if c.code == "wrong_language"]
    assert guard and guard[0].severity == "blocking", found


NOT_ERRORS = [
    # names, acronyms and titles kept in the original script
    ("Carnegie Endowment for International Peace told The New York Times about NASA.", "en",
     "Carnegie Endowment for International Peace қоры The New York Times басылымына NASA "
     "туралы айтты.", "kk"),
    # a quotation kept in the original language
    ("He quoted the slogan.", "en",
     "Ол «Make America Great Again, and keep it great for all of us» ұранын келтірді.", "kk"),
    ("Он процитировал лозунг.", "ru", "He quoted the slogan «Мәңгілік ел — біздің ортақ үйіміз "
     "және болашағымыз».", "en"),
    # short segments are never judged
    ("Deals", "en", "Deals", "kk"),
    ("C5+1 summit", "en", "C5+1 саммиті", "kk"),
    # correct translations
    (ENGLISH, "en", KAZAKH, "kk"),
    (ENGLISH, "en", RUSSIAN, "ru"),
    (RUSSIAN, "ru", ENGLISH, "en"),
    (KAZAKH, "kk", "Министр сказал, что переговоры в Астане продолжатся в Қарағанды.", "ru"),
]


@pytest.mark.parametrize("source, source_language, target, target_language", NOT_ERRORS)
def test_language_guard_leaves_names_quotes_and_short_segments_alone(
    source, source_language, target, target_language
):
    assert "wrong_language" not in _codes(source, target, target_language, source_language)


# --- glossary morphology -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "term, form",
    [("Астана", "Астанада"), ("Астана", "Астанаға"), ("Астана", "Астананың"),
     ("Астана", "АСТАНА"), ("Тоқаев", "Тоқаевтың"), ("Тоқаев", "Тоқаевқа"),
     ("министрлігі", "министрлігінің"), ("кітап", "кітабы"), ("Алматы", "Алматыдағы")],
)
def test_kazakh_terms_match_inflected_forms(term, form):
    assert forms_match(term, form, "kk")


@pytest.mark.parametrize(
    "term, form",
    [("Астана", "Астане"), ("Астана", "Астаной"), ("Астана", "АСТАНЫ"), ("Токаев", "Токаева"),
     ("Токаев", "Токаевым"), ("Министерство", "Министерства"), ("иностранных", "иностранные")],
)
def test_russian_terms_match_inflected_forms(term, form):
    assert forms_match(term, form, "ru")


@pytest.mark.parametrize(
    "term, other, language",
    [("Астана", "Аста", "kk"), ("ел", "елші", "kk"), ("Токаев", "Токарев", "ru"),
     ("Toqayev", "Toqayevism", "en"), ("Астана", "Астраханы", "ru")],
)
def test_other_words_do_not_match(term, other, language):
    assert not forms_match(term, other, language)


def test_kazakh_source_terms_in_inflected_forms_are_found():
    glossary = Glossary([GlossaryEntry("Астана", "Astana", "kk", "en"),
                         GlossaryEntry("Тоқаев", "Tokayev", "kk", "en")])
    source = "Тоқаевтың сапары Астанада өтті, ал АСТАНА қонақтарды күтті."
    found = [source[m.start:m.end] for m in glossary.matches(source, "kk", "en")]
    assert found == ["Тоқаевтың", "Астанада", "АСТАНА"]


def test_russian_target_terms_in_inflected_forms_pass():
    glossary = Glossary([
        GlossaryEntry("Астана", "Астана", "kk", "ru"),
        GlossaryEntry("Сыртқы істер министрлігі", "Министерство иностранных дел", "kk", "ru",
                      must_use=True),
    ])
    source = "Сыртқы істер министрлігінің өкілі Астанада сөйледі."
    good = "Представитель Министерства иностранных дел выступил в Астане."
    bad = "Представитель внешнеполитического ведомства выступил в Астане."
    assert glossary.violations(source, good, "kk", "ru") == []
    (missing,) = glossary.violations(source, bad, "kk", "ru")
    assert missing.source_term == "Сыртқы істер министрлігі"
    checks = run_checks(source, good, "ru", glossary, source_language="kk")
    assert not [c for c in checks if c.severity == "blocking"]


def test_glossary_severity_warning_unless_do_not_translate_or_must_use():
    source = "Toqayev met the Abraham Accords envoys in Astana."
    target = "Тоқаев Авраам келісімдерінің өкілдерімен Астанада кездесті."
    glossary = Glossary([
        GlossaryEntry("Toqayev", "Тоқай", "en", "kk"),  # forced, not must-use: a warning
        GlossaryEntry("Abraham Accords", None, "en", "kk"),  # do not translate: blocking
        GlossaryEntry("Astana", "Ақмола", "en", "kk", must_use=True),  # must use: blocking
    ])
    found = {c.message: c.severity for c in run_checks(source, target, "kk", glossary,
                                                       source_language="en")
             if c.code == "glossary"}
    assert sorted(found.values()) == ["blocking", "blocking", "warning"]
    assert found["Glossary: 'Toqayev' must appear as 'Тоқай'."] == "warning"


def test_variants_are_accepted_renderings():
    entry = GlossaryEntry("Almaty", "Алматы", "en", "ru", variants=("Алма-Ата",))
    assert Glossary([entry]).violations("Almaty grew.", "Алма-Ата росла.", "en", "ru") == []


def test_kazakh_alphabetical_order():
    names = ["Ясауи", "Қарағанды", "Әлихан", "Іле", "Ыбырай", "Өскемен", "Орал", "Ұлытау",
             "Үшарал", "Абай", "Ғабит", "Гүлнар", "Ересек", "Ёлка", "Һәкім", "Хан"]
    assert sorted(names, key=kazakh_sort_key) == [
        "Абай", "Әлихан", "Гүлнар", "Ғабит", "Ересек", "Ёлка", "Қарағанды", "Орал", "Өскемен",
        "Үшарал", "Ұлытау", "Хан", "Һәкім", "Ыбырай", "Іле", "Ясауи"]


# --- one vocabulary of check codes -------------------------------------------------------------


def test_every_code_the_checks_and_engine_raise_is_registered():
    assert {"tag_lost", "term_lost", "placeholder", "wrong_language"} <= set(CHECK_KINDS)
    assert set(SEVERITY_LABELS) == {"warning", "blocking"}
    found = run_checks(ENGLISH, f"[KK] {ENGLISH} " + "жоқ " * 5, "kk", source_language="en")
    assert found and all(c.code in CHECK_KINDS for c in found)
    with pytest.raises(KeyError):
        Check.of("markup", "not a code any check raises")


def test_a_long_run_copied_into_a_translation_is_found_whole():
    source = ("Animal Liberation and the Royal Society for the Prevention of Cruelty to Animals "
              "are again calling for cameras in all abattoirs.")
    target = ("Animal Liberation және Royal Society for the Prevention of Cruelty to Animals "
              "ұйымдары барлық мал соятын жерлерде камера орнатуға шақыруда.")
    (guard,) = [c for c in run_checks(source, target, "kk", source_language="en")
                if c.code == "wrong_language"]
    assert "Royal Society for the Prevention of Cruelty to Animals" in guard.message
