"""Direct speech as Kazakh, Russian and English write it stays one paragraph, punctuation as
typed, in every ingest format and through segmentation; only the paste artefact is split."""

from __future__ import annotations

import pytest

from translations.segmentation import split_sentences
from workflow.ingest.parse import parse_html, parse_markdown, parse_text

SPEECH = {
    "kk": "«Біз ынтымақтастықты нығайтуымыз керек», – деді Мемлекет басшысы.",
    "ru": "«Мы должны укреплять сотрудничество», — сказал глава государства.",
    "en": '"We must strengthen cooperation," the head of state said.',
}
TITLES = {"kk": "Сапар қорытындысы", "ru": "Итоги визита", "en": "The visit in review"}
LEADS = {
    "kk": "Президент келіссөздерден кейін баспасөзге сөз сөйледі.",
    "ru": "Президент выступил перед журналистами после переговоров.",
    "en": "The president spoke to the press after the talks.",
}


def _html(language: str) -> str:
    return (f"<html><body><h1>{TITLES[language]}</h1><p>{LEADS[language]}</p>"
            f"<p>{SPEECH[language]}</p></body></html>")


PARSERS = {
    "text": lambda lang: parse_text(f"{TITLES[lang]}\n\n{LEADS[lang]}\n\n{SPEECH[lang]}\n"),
    "markdown": lambda lang: parse_markdown(
        f"# {TITLES[lang]}\n\n{LEADS[lang]}\n\n{SPEECH[lang]}\n"),
    "html": lambda lang: parse_html(_html(lang)),
}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_direct_speech_is_one_paragraph_with_its_punctuation(fmt, language):
    article = PARSERS[fmt](language)
    assert [(b.kind, b.text) for b in article.blocks if b.text == SPEECH[language]] == [
        ("paragraph", SPEECH[language])]
    assert not any(b.kind == "quote" for b in article.blocks)
    assert not any("split" in w for w in article.warnings)


@pytest.mark.parametrize(
    "text, language",
    [(SPEECH["kk"] + " Ол келісті.", "kk"),
     ("«Біз дайынбыз!» – деді министр. Кездесу аяқталды.", "kk"),
     (SPEECH["ru"] + " Он улыбнулся.", "ru"),
     ("«Мы готовы к переговорам?» – спросил Токаев. Ответа не было.", "ru"),
     (SPEECH["en"] + " Then he left.", "en")],
)
def test_segmentation_keeps_the_attribution_in_the_sentence(text, language):
    sentences = [s.text for s in split_sentences(text, language)]
    assert len(sentences) == 2
    assert sentences[0].startswith(("«", '"')) and sentences[0].endswith(".")
    assert any(verb in sentences[0] for verb in ("деді", "сказал", "спросил", "said"))


def test_paste_artefact_is_split_without_changing_a_character():
    pasted = ("Headline here\n\nIt must be acknowledged that he has shown flexibility. I believe "
              "he has taken quite a big step forward,Toqayev said, commenting on the reports.\n")
    article = parse_text(pasted)
    quote, attribution = article.blocks[-2:]
    assert (quote.kind, quote.text) == (
        "quote", "It must be acknowledged that he has shown flexibility. I believe he has taken "
        "quite a big step forward,")
    assert (attribution.kind, attribution.text) == (
        "paragraph", "Toqayev said, commenting on the reports.")


def test_closing_mark_with_a_space_is_not_an_artefact():
    text = ("Headline here\n\nThe talks ended.\n\n"
            "We will keep going,” Toqayev said after the meeting in Astana.\n")
    article = parse_text(text)
    assert article.blocks[-1].kind == "paragraph"
    assert article.blocks[-1].text == "We will keep going,” Toqayev said after the meeting in " \
        "Astana."


def test_a_whole_line_in_quotation_marks_is_still_a_quote():
    article = parse_text("Заголовок\n\nАбзац текста.\n\n«Мы не поднимем тарифы в этом году.»\n")
    assert (article.blocks[-1].kind, article.blocks[-1].text) == (
        "quote", "Мы не поднимем тарифы в этом году.")


@pytest.mark.parametrize(
    "text, language, attribution",
    [("«Мы готовы. Но нужно время», — сказал министр. Он ушёл.", "ru", "— сказал министр."),
     ("«Біз дайынбыз. Бірақ уақыт керек», – деді Мемлекет басшысы. Ол кетті.", "kk",
      "– деді Мемлекет басшысы."),
     ('"We are ready. But we need time," the minister said. He left.', "en",
      "the minister said.")],
)
def test_attribution_of_a_multi_sentence_quote_stays_with_its_last_sentence(
    text, language, attribution
):
    sentences = [s.text for s in split_sentences(text, language)]
    (with_attribution,) = [s for s in sentences if s.endswith(attribution)]
    assert with_attribution.startswith(("Но", "Бірақ", "But"))
    assert not any(s.startswith(("—", "–", "сказал", "деді", "the minister")) for s in sentences)
