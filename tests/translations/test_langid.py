"""Language detection: kk, ru, en (also Latin-script Kazakh) and honest 'unsure' answers."""

from __future__ import annotations

import pytest

from translations.langid import SUPPORTED, detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "Мемлекет басшысы Астанада шетелдік инвесторлармен кездесіп, жаңа жобаларды талқылады.",
            "kk",
        ),
        ("Президент провёл встречу с иностранными инвесторами и обсудил новые проекты.", "ru"),
        ("The president met foreign investors in the capital and discussed new projects.", "en"),
        (
            "Memleket basshysy Astanada ınvestorlarmen kezdesip, jańa jobalardy talqylady.",
            "kk",
        ),
        (
            "Qazaqstan men Ózbekstan arasyndaǵy saýda kólemi bıyl aıtarlyqtaı ósti.",
            "kk",
        ),
    ],
)
def test_clear_sentences_are_detected_confidently(text: str, language: str) -> None:
    detection = detect_language(text)
    assert detection.language == language
    assert detection.is_confident


def test_script_is_reported() -> None:
    assert detect_language("Бүгін Алматыда қар жауды және жолдар жабылды.").script == "Cyrl"
    assert detect_language("Búgin Almatyda qar jaýdy jáne joldar jabyldy.").script == "Latn"


def test_kazakh_letters_decide_between_kazakh_and_russian() -> None:
    assert detect_language("Қала әкімі жаңа саябақты ашты.").language == "kk"
    assert detect_language("Мэр города открыл новый парк.").language == "ru"


@pytest.mark.parametrize(
    "text",
    [
        "Der Bundestag hat heute ein neues Gesetz zur Energiepolitik beschlossen.",
        "Верховна Рада України ухвалила це рішення сьогодні ввечері.",
        "Le gouvernement a présenté son budget devant les députés.",
        "Türkiye Büyük Millet Meclisi bugün yeni bir yasa kabul etti.",
    ],
)
def test_other_languages_are_not_guessed_as_supported_ones(text: str) -> None:
    detection = detect_language(text)
    assert detection.language is None
    assert not detection.is_confident


@pytest.mark.parametrize("text", ["", "   ", "12 345", "OK", "東京で会議が開かれた。"])
def test_no_letters_or_other_script_is_unsure(text: str) -> None:
    detection = detect_language(text)
    assert detection.language is None
    assert not detection.is_confident


def test_short_text_is_never_confident_even_when_named() -> None:
    detection = detect_language("Бұл жақсы")
    assert detection.language == "kk"
    assert not detection.is_confident


def test_scores_cover_supported_languages_and_sum_to_one() -> None:
    detection = detect_language("The weather in Astana was cold and windy on Monday morning.")
    assert set(SUPPORTED) <= set(detection.scores)
    assert sum(detection.scores.values()) == pytest.approx(1.0, abs=1e-3)
    assert detection.confidence == detection.scores["en"]


def test_english_with_q_names_is_not_latin_kazakh() -> None:
    assert detect_language("Qatar and Iraq signed a deal in Doha on Monday.").language == "en"


# Issue 17: Latin-script Kazakh in every alphabet, and accented Latin text that is not Kazakh
# (sentences written for the test).
@pytest.mark.parametrize(
    ("text", "alphabet"),
    [
        ("Almatyda jaña mektep aşylyp, oğan üş jüz bala qabyldandy.", "2021"),
        ("Ükımet jol jöndeu jūmystaryn qyrküiekke deiın aiaqtaidy.", "2021"),
        ("Almatyda jańa mektep ashylyp, oǵan úsh júz bala qabyldandy.", "2018"),
        ("Almatyda jan'a mektep as'ylyp, og'an u's' ju'z bala qabyldandy.", "2017"),
    ],
)
def test_latin_kazakh_in_each_alphabet_is_kazakh_latn(text: str, alphabet: str) -> None:
    detection = detect_language(text)
    assert (detection.language, detection.tag, detection.alphabet) == ("kk", "kk-Latn", alphabet)
    assert detection.is_confident


@pytest.mark.parametrize(
    "text",
    [
        "Coach Ángel Durán said the players would rest before the final in Málaga.",
        "Striker Tomáš Souček and goalkeeper Jiří Pavlenka joined the squad on Tuesday.",
        "Minister Mevlüt Çavuşoğlu arrived in Astana for talks on transport.",
        "El entrenador Ángel Durán habló con la prensa después del partido.",
        "Ministr zahraničí odletěl ve středu na jednání do Kazachstánu.",
        "Dışişleri Bakanı yarın Astana'da Kazak mevkidaşıyla görüşecek.",
    ],
)
def test_accented_latin_text_in_other_languages_is_never_kazakh(text: str) -> None:
    assert detect_language(text).language != "kk"


def test_cyrillic_kazakh_has_no_latin_tag() -> None:
    detection = detect_language("Алматыда жаңа мектеп ашылып, оған үш жүз бала қабылданды.")
    assert (detection.tag, detection.alphabet) == ("kk", None)
