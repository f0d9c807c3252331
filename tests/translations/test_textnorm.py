"""Text hygiene: what an editor would notice if clean_text or decode_bytes got it wrong."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from translations.textnorm import (
    UndecodableText,
    clean_text,
    decode_bytes,
    fix_lookalikes,
)


def test_soft_hyphens_inside_words_are_removed_and_counted() -> None:
    result = clean_text("Үкімет бюд\u00adжет\u00adті бекітті.")
    assert result.text == "Үкімет бюджетті бекітті."
    (warning,) = [w for w in result.warnings if w.code == "soft_hyphen"]
    assert "2" in warning.message
    assert result.text[warning.offset :].startswith("жетті")


def test_zero_width_and_bidi_characters_are_removed() -> None:
    result = clean_text("Аста\u200bна\u2060 \u202eкаласы\ufeff")
    assert result.text == "Астана каласы"
    assert {"zero_width", "bidi_control"} <= result.codes()


def test_exotic_spaces_become_normal_spaces() -> None:
    result = clean_text("Toqayev\u00a0said\u2003it\u3000was  fine. \t")
    assert result.text == "Toqayev said it was fine."
    assert "exotic_space" in result.codes()


def test_nbsp_inside_a_digit_group_is_kept() -> None:
    assert clean_text("9\u00a0226 адам").text == "9\u00a0226 адам"
    assert clean_text("в 2024\u00a0году").text == "в 2024 году"


def test_line_endings_and_blank_lines_are_normalised() -> None:
    assert clean_text("one\r\ntwo\rthree\n\n\n\nfour").text == "one\ntwo\nthree\n\nfour"


def test_control_characters_are_removed() -> None:
    result = clean_text("Bad\x07 text\x1b here\x9b")
    assert result.text == "Bad text here"
    assert "control_chars" in result.codes()


def test_nfc_composes_combining_sequences() -> None:
    assert clean_text("e\u0301te\u0301 и\u0306").text == "été й"


def test_missing_space_before_attribution_is_repaired() -> None:
    result = clean_text("quite a big step forward,Toqayev said, commenting.")
    assert result.text == "quite a big step forward, Toqayev said, commenting."
    assert "missing_space" in result.codes()


@pytest.mark.parametrize("text", ["1,5 млн", "A,B,C", "x,y", "Orda.kz"])
def test_commas_in_numbers_and_codes_are_left_alone(text: str) -> None:
    assert clean_text(text).text == text


def test_latin_lookalikes_in_cyrillic_word_are_flagged_and_fixable() -> None:
    text = "Москвa и Kaзахстан, Тоқаев"  # Latin a, K and a
    result = clean_text(text)
    flagged = [w for w in result.warnings if w.code == "mixed_script"]
    assert [result.text[w.offset : w.offset + 6] for w in flagged] == ["Москвa", "Kaзахс"]
    assert fix_lookalikes(text) == "Москва и Казахстан, Тоқаев"


def test_cyrillic_lookalikes_in_latin_word_are_fixed_and_clean_words_untouched() -> None:
    assert fix_lookalikes("Hellо Астана C5+1") == "Hello Астана C5+1"


def test_cp1251_is_decoded_without_mojibake() -> None:
    text = "Президент подписал закон о бюджете."
    assert decode_bytes(text.encode("cp1251")) == (text, "cp1251")


def test_kazakh_kz1048_is_decoded() -> None:
    text = "Қазақстан Үкіметі жиналды."
    assert decode_bytes(text.encode("kz1048")) == (text, "kz1048")


def test_latin1_is_decoded_without_mojibake() -> None:
    text = "Große Straße in München, café crème."
    decoded, encoding = decode_bytes(text.encode("latin-1"))
    assert decoded == text
    assert encoding in {"cp1252", "latin-1"}


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32"])
def test_unicode_encodings_roundtrip(codec: str) -> None:
    text = "Тоқаев said: «Бәрі жақсы»."
    assert decode_bytes(text.encode(codec))[0] == text


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04\x14\x00\x06\x00word/document.xml",
        b"%PDF-1.7\n%\xe2\xe3",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"text\x00with\x00\x01\x02\x03nul bytes\xff\xfe",
        bytes(range(1, 32)) * 20,
    ],
)
def test_binary_input_is_rejected(data: bytes) -> None:
    with pytest.raises(UndecodableText):
        decode_bytes(data)


def test_undecodable_text_is_a_value_error() -> None:
    assert issubclass(UndecodableText, ValueError)


@given(st.text())
def test_clean_text_is_idempotent_and_total(text: str) -> None:
    once = clean_text(text).text
    assert clean_text(once).text == once
    assert "\r" not in once and "\u00ad" not in once
    for warning in clean_text(text).warnings:
        assert 0 <= warning.offset <= len(once)
