"""Sentence segmentation: each mistake pysbd was measured to make, plus offset guarantees."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from translations.segmentation import split_sentences


def texts(text: str, language: str) -> list[str]:
    """Return just the sentence texts."""
    return [s.text for s in split_sentences(text, language)]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "kk",
            "Заң 2024 ж. 1 қаңтардан бастап күшіне енді. Бұл маңызды.",
            ["Заң 2024 ж. 1 қаңтардан бастап күшіне енді.", "Бұл маңызды."],
        ),
        (
            "ru",
            "Это, т.е. главное решение, принято. Далее работа.",
            ["Это, т.е. главное решение, принято.", "Далее работа."],
        ),
        (
            "ru",
            "Закон вступил в силу 1 янв. 2024 г. после подписания. Это важно.",
            ["Закон вступил в силу 1 янв. 2024 г. после подписания.", "Это важно."],
        ),
        (
            "en",
            "Q.-J. Toqayev visited Washington. He met the press.",
            ["Q.-J. Toqayev visited Washington.", "He met the press."],
        ),
        (
            "kk",
            "Қ.-Ж. Тоқаев Вашингтонға барды. Ол сапарын аяқтады.",
            ["Қ.-Ж. Тоқаев Вашингтонға барды.", "Ол сапарын аяқтады."],
        ),
        (
            "ru",
            "В. В. Путин заявил об этом. Встреча завершилась.",
            ["В. В. Путин заявил об этом.", "Встреча завершилась."],
        ),
        (
            "en",
            "Major U.S. media noted it. The U.S. President agreed.",
            ["Major U.S. media noted it.", "The U.S. President agreed."],
        ),
        (
            "en",
            "Ships reached the West Coast of the U.S. As the storm moved, rain fell.",
            ["Ships reached the West Coast of the U.S.", "As the storm moved, rain fell."],
        ),
        (
            "en",
            "The C5+1 summit met in Washington. Five leaders came.",
            ["The C5+1 summit met in Washington.", "Five leaders came."],
        ),
        (
            "ru",
            "Саммит С5+1 прошёл в Вашингтоне. Рост составил 3.5 %. Инфляция 2,5 процента.",
            ["Саммит С5+1 прошёл в Вашингтоне.", "Рост составил 3.5 %.", "Инфляция 2,5 процента."],
        ),
        (
            "en",
            "Growth was 3.5 percent in 2024. Prices rose 1.25 points.",
            ["Growth was 3.5 percent in 2024.", "Prices rose 1.25 points."],
        ),
    ],
)
def test_measured_pysbd_mistakes_are_fixed(language: str, text: str, expected: list[str]) -> None:
    assert texts(text, language) == expected


def test_quote_stays_with_its_attribution() -> None:
    text = (
        "It must be acknowledged that Putin has shown maximum flexibility. "
        "I believe he has taken a big step forward, Toqayev said, commenting on reports."
    )
    assert texts(text, "en") == [
        "It must be acknowledged that Putin has shown maximum flexibility.",
        "I believe he has taken a big step forward, Toqayev said, commenting on reports.",
    ]


def test_exclamation_in_quote_followed_by_named_attribution_is_one_sentence() -> None:
    text = "'There is a shark in the water!'\" Hammel added. The boy was safe."
    assert texts(text, "en") == [
        "'There is a shark in the water!'\" Hammel added.",
        "The boy was safe.",
    ]


def test_closing_quote_belongs_to_the_sentence_it_closes() -> None:
    text = "Ол: “Біз жеңеміз.“ Содан кейін кетті."
    assert texts(text, "kk") == ["Ол: “Біз жеңеміз.“", "Содан кейін кетті."]


def test_split_inside_unbalanced_quotes_that_pysbd_misses() -> None:
    text = "Ол “бақытты емес“ деп айтты. Басқа нұсқа ұсынды. Ешкім келіспеді."
    assert len(texts(text, "kk")) == 3


def test_russian_dash_attribution_stays_with_quote() -> None:
    text = "«Мы победим!» — сказал он. Зал аплодировал."
    assert texts(text, "ru") == ["«Мы победим!» — сказал он.", "Зал аплодировал."]


def test_line_breaks_always_end_a_sentence() -> None:
    assert texts("Headline without a stop\nBody one. Body two.", "en") == [
        "Headline without a stop",
        "Body one.",
        "Body two.",
    ]


def test_offsets_point_into_the_given_text_and_are_stripped() -> None:
    text = "  First one.   Second one!\n\n Third?  "
    sentences = split_sentences(text, "en")
    assert [s.text for s in sentences] == ["First one.", "Second one!", "Third?"]
    for s in sentences:
        assert text[s.start : s.end] == s.text


def test_unknown_language_is_rejected() -> None:
    with pytest.raises(ValueError):
        split_sentences("Hallo Welt.", "de")


def test_empty_text_has_no_sentences() -> None:
    assert split_sentences(" \n\t ", "kk") == []


_words = st.sampled_from(
    ["Тоқаев", "said", "т.е.", "U.S.", "ж.", "3.5", "Q.-J.", "«Иә»", "C5+1", "—", "\n", "!", "?"]
)


@given(st.lists(_words, max_size=30).map(" ".join), st.sampled_from(["kk", "ru", "en"]))
def test_offsets_are_exact_ordered_and_deterministic(text: str, language: str) -> None:
    sentences = split_sentences(text, language)
    assert sentences == split_sentences(text, language)
    previous_end = 0
    for s in sentences:
        assert text[s.start : s.end] == s.text == s.text.strip()
        assert s.start >= previous_end and s.text
        previous_end = s.end
    assert "".join(s.text for s in sentences).replace(" ", "") == "".join(text.split())
