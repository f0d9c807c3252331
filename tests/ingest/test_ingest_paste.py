"""Pasted plain text, including a paste shaped like the seed article."""

from __future__ import annotations

import pytest

from workflow.ingest.parse import IngestError, parse_text


@pytest.fixture
def seed(fixture_bytes):
    return parse_text(fixture_bytes("seed_shaped.txt").decode("utf-8"))


def kinds(article):
    return [b.kind for b in article.blocks]


def test_seed_headline_caption_and_lead(seed):
    assert seed.title == "Mayor’s Trip to Almaty: Trams, Parks, Budgets, and Bridges"
    assert seed.blocks[0].kind == "title" and seed.blocks[0].text == seed.title
    assert seed.photo_credit == "City Press Office"
    assert seed.blocks[1].kind == "caption" and seed.blocks[1].text == "Photo: City Press Office"
    assert seed.blocks[2].kind == "lead"
    assert seed.blocks[2].text.startswith("Regional newspapers have taken note")
    assert seed.source_format == "text"


def test_seed_subheadings(seed):
    headings = [b.text for b in seed.blocks if b.kind == "heading"]
    assert headings == ["Trams", "Parks vs. Parking", "The Budget Question"]


def test_seed_byline_and_furniture(seed):
    assert seed.byline == "Aigerim Example"
    assert seed.blocks[-1].kind == "byline"
    assert seed.blocks[-1].text == "Original Author: Aigerim Example"
    assert seed.removed == ["Latest news", "view all", "Unrelated headline about the weather"]
    body = " ".join(b.text for b in seed.blocks)
    assert "Latest news" not in body and "view all" not in body and "weather" not in body


def test_seed_quote_run_into_attribution_is_split_without_rewriting_it(seed):
    i = next(i for i, b in enumerate(seed.blocks) if b.text.startswith("It must be said"))
    quote, attribution = seed.blocks[i], seed.blocks[i + 1]
    assert quote.kind == "quote"
    assert quote.text == (
        "It must be said that the council has shown great patience. "
        "I think it has taken quite a big step forward,"
    )
    assert attribution.kind == "paragraph"
    assert attribution.text.startswith("Seitkali said, commenting on reports")


def test_seed_quoted_line_is_a_quote_without_its_marks(seed):
    assert any(
        b.kind == "quote" and b.text == "We will not raise fares this year." for b in seed.blocks
    )


def test_seed_keeps_abbreviations_and_curly_quotes_in_paragraphs(seed):
    texts = [b.text for b in seed.blocks]
    assert any("the U.S. consultancy behind the C5+1 transit study" in t for t in texts)
    assert any("a “natural next step” for the city" in t for t in texts)


def test_given_title_is_used_and_duplicate_first_line_dropped():
    article = parse_text("Budget passed\n\nThe council passed the budget.", title="Budget passed")
    assert article.title == "Budget passed"
    assert kinds(article) == ["title", "lead"]


def test_given_title_keeps_first_line_as_body():
    article = parse_text("The council passed the budget on Friday.", title="Budget")
    assert article.title == "Budget"
    assert article.blocks[1].text == "The council passed the budget on Friday."


@pytest.mark.parametrize(
    "line, name",
    [
        ("By Jane Doe", "Jane Doe"),
        ("Автор: Айгерім Сапарова", "Айгерім Сапарова"),
        ("Авторы: Иван Петров, Анна Смирнова", "Иван Петров, Анна Смирнова"),
        ("Original Author: Zarina Example", "Zarina Example"),
    ],
)
def test_bylines_in_three_languages(line, name):
    article = parse_text(f"Headline\n\nFirst paragraph of the story.\n\n{line}")
    assert article.byline == name
    assert article.blocks[-1].kind == "byline"


def test_sentence_starting_with_by_is_not_a_byline():
    article = parse_text("Headline\n\nby the end of the year prices rose.")
    assert article.byline is None


@pytest.mark.parametrize(
    "furniture",
    [
        "Последние новости",
        "Все новости",
        "Соңғы жаңалықтар",
        "Read more",
        "Share",
        "Subscribe to our newsletter",
    ],
)
def test_furniture_in_russian_kazakh_english_is_removed(furniture):
    article = parse_text(f"Заголовок\n\nПервый абзац новости.\n\n{furniture}\n\nЕщё строка")
    assert furniture in article.removed
    assert all(b.text != furniture for b in article.blocks)


def test_russian_direct_speech_stays_one_paragraph_as_written():
    article = parse_text("Заголовок\n\nАбзац.\n\n«Мы готовы к переговорам», — заявил Токаев.")
    assert [(b.kind, b.text) for b in article.blocks[-1:]] == [
        ("paragraph", "«Мы готовы к переговорам», — заявил Токаев."),
    ]


def test_hard_wrapped_lines_are_joined():
    article = parse_text("Headline\n\nThe council met on\nthe last day and passed\nthe budget.")
    assert article.blocks[1].text == "The council met on the last day and passed the budget."


def test_soft_hyphens_are_cleaned_and_reported_once():
    article = parse_text("Тақырып\n\nҚазақ\u00adстан Прези\u00adденті.\n\nЕкін\u00adші абзац.")
    assert article.blocks[1].text == "Қазақстан Президенті."
    assert [w for w in article.warnings if "soft hyphen" in w] == [
        "removed 3 soft hyphen(s) (U+00AD)"
    ]


def test_pasted_script_is_removed_and_reported():
    article = parse_text("Title <script>alert(1)</script>here\n\nBody <style>p{}</style>text.")
    assert "<script" not in article.title and "alert" not in article.title
    assert all("alert" not in b.text and "p{}" not in b.text for b in article.blocks)
    assert article.warnings and any("<script>" in r for r in article.removed)


@pytest.mark.parametrize("text", ["", "   \n\t  \n", "\u00a0"])
def test_empty_or_whitespace_only_paste(text):
    with pytest.raises(IngestError) as err:
        parse_text(text)
    assert err.value.code == "empty"


def test_headline_only_is_no_text():
    with pytest.raises(IngestError) as err:
        parse_text("Just a headline")
    assert err.value.code == "no_text"


def test_short_line_holding_two_sentences_is_not_a_heading():
    article = parse_text("Headline\n\nIt rained. The city flooded\n\n1,000 homes were hit.")
    assert [b.kind for b in article.blocks] == ["title", "lead", "paragraph"]
