"""Kazakh Cyrillic <-> Latin transliteration (sentences written for the test)."""

from __future__ import annotations

import pytest

from translations.transliteration import ALPHABETS, guess_alphabet, to_cyrillic, to_latin

SENTENCE = "Қазақстан Республикасы Үкіметі Шымкентте жаңа мектеп ашты."


@pytest.mark.parametrize(
    ("alphabet", "latin"),
    [
        ("2021", "Qazaqstan Respublikasy Ükımetı Şymkentte jaña mektep aşty."),
        ("2018", "Qazaqstan Respýblıkasy Úkimeti Shymkentte jańa mektep ashty."),
    ],
)
def test_cyrillic_to_latin_letter_by_letter(alphabet: str, latin: str) -> None:
    assert to_latin(SENTENCE, alphabet) == latin


@pytest.mark.parametrize("alphabet", ALPHABETS)
def test_round_trip_keeps_every_native_letter(alphabet: str) -> None:
    text = "Әкім ұшақпен Өскеменге келіп, үй-жайлардың қойма қорын тексерді. Ғалымдар қуанды."
    assert to_cyrillic(to_latin(text, alphabet), alphabet) == text


@pytest.mark.parametrize(
    ("alphabet", "expected"),
    [
        ("2021", "Iağni, ŞYMKENT pen QR arasyndağy poiyz bes sağat jüredı."),
        ("2018", "Iaǵnı, SHYMKENT pen QR arasyndaǵy poıyz bes saǵat júredi."),
    ],
)
def test_acronyms_and_capitals(alphabet: str, expected: str) -> None:
    text = "Яғни, ШЫМКЕНТ пен ҚР арасындағы пойыз бес сағат жүреді."
    assert to_latin(text, alphabet) == expected.replace("Iağni", "İağni")
    assert to_cyrillic(to_latin(text, alphabet), alphabet) == text


def test_russian_loan_letters() -> None:
    text = "Цемент зауыты, ащы су, съезд, мобильді байланыс, юрист, ёлка."
    assert to_latin(text, "2021") == (
        "Tsement zauyty, aşşy su, sezd, mobildı bailanys, iurist, iolka."
    )
    assert (
        to_latin(text, "2018") == "Tsement zaýyty, ashy sý, sezd, mobıldi baılanys, ıýrıst, ıolka."
    )


def test_latin_input_resolves_merged_letters() -> None:
    # и after a consonant, й after a vowel; ц only at the start of a word ("aıtsa" is айтса)
    assert to_cyrillic("Bılet boıynsha aıtsa, tsentr habarlaıdy.", "2018") == (
        "Билет бойынша айтса, центр хабарлайды."
    )
    assert to_cyrillic("TAShKENT pen TASHKENT", "2018") == "ТАШКЕНТ пен ТАШКЕНТ"


def test_alphabet_is_guessed_from_its_letters() -> None:
    assert guess_alphabet("Būl jaña mektep.") == "2021"
    assert guess_alphabet("Bul jańa mektep.") == "2018"
    assert guess_alphabet("Bu'l jan'a mektep.") == "2017"
    assert guess_alphabet("Bul mektep.") is None
    assert to_cyrillic("Būl jaña mektep aşyldy.") == "Бұл жаңа мектеп ашылды."


def test_unknown_alphabet_is_rejected() -> None:
    with pytest.raises(ValueError):
        to_latin("Сәлем", "1929")
