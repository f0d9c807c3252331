"""The New article page says why it refused an input in the interface language (issue 16).

Each bad paste, upload and preview is posted with the interface in the pseudo-locale (the
message must come whole from the catalogue: nothing outside ⟦…⟧ but the input's own file name
or value) and in kk and ru (the message is in Cyrillic, with no English word left).
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from tests.ingest_service.conftest import DE_TEXT, EN_TEXT
from tests.interface.conftest import LATIN_RUN, OPEN, outside_markers, visible_text

LIMIT = 4096  # the desk's size limit in these tests (bytes)


def _paste(**fields):
    data = {"title": "", "format": "auto", "body": EN_TEXT, "language": "auto",
            "targets": ["kk", "ru"], "priority": "normal"}
    return {**data, **fields}


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


# (path, form, the code the page names, user data the message may show as it is)
PASTES = [
    ("empty", _paste(body=""), "empty", ()),
    ("empty_html", _paste(body="   ", format="html"), "empty", ()),
    ("no_markdown", _paste(body="[a]: https://example.test", format="markdown"),
     "no_text", ()),
    ("foreign", _paste(body=DE_TEXT), "unsupported_language", ()),
    ("uncertain", _paste(body="Hi there\n\nOk then."), "language_uncertain", ()),
    ("language", _paste(language="de"), "unsupported_language", ("de",)),
    ("target", _paste(targets=["xx"]), "unknown_target", ()),
    ("priority", _paste(priority="now"), "bad_priority", ()),
    ("format", _paste(format="pdf"), "invalid_format", ()),
    ("category", _paste(category="gossip"), "unknown_category", ("gossip",)),
    ("subject", _paste(subjects=["medtop:99"]), "unknown_subject", ("medtop:99",)),
    ("keywords", _paste(keywords=",".join(f"k{n}" for n in range(25))), "invalid_field", ()),
    ("deep", _paste(body="<html><body>" + "<div>" * 300 + "Deep text.", format="html"),
     "too_deep", ()),
    ("oversize", _paste(body="x " * LIMIT), "too_large", ()),
]
UPLOADS = [
    ("no_file", None, b"", "no_file", ()),
    ("empty_file", "story.txt", b"", "empty", ("story.txt",)),
    ("blank_file", "story.txt", b"   \n\n ", "empty", ("story.txt",)),
    ("pdf", "story.pdf", b"%PDF-1.4 text", "unsupported_format", (".pdf", ".txt", ".text",
                                                                   ".md", ".markdown", ".html",
                                                                   ".htm", ".docx")),
    ("binary", "story.txt", bytes(range(32)) * 40, "binary", ()),
    ("old_doc", "story.docx", b"\xd0\xcf\x11\xe0" + b"\0" * 64, "unsupported_format", ()),
    ("not_docx", "story.docx", b"plain words", "malformed", ()),
    ("zip", "story.docx", _zip(["content.xml"]), "malformed", ()),
    ("empty_html_file", "story.html", b"  \n ", "empty", ()),
    ("large_file", "story.txt", b"words " * 700, "too_large", ()),  # read, then refused
    ("huge_file", "story.txt", b"words " * LIMIT, "too_large", ()),  # refused unread
]
# Names that read the same in Kazakh and Russian text: formats and the product.
TECHNICAL = {"HTML", "Word", "Markdown", "XML", "zip", "doc", "docx", "http", "Audarma"}


@pytest.fixture
def desk(make_app, make_user):
    """An editor's client on an app with a small size limit; ``locale(code)`` switches it."""
    from workflow.models import User

    app = make_app(MAX_CONTENT_LENGTH=LIMIT + 2048, MAX_ARTICLE_BYTES=LIMIT)
    user_id = make_user("editor", email="editor@example.test", app=app)
    client = app.test_client()
    assert client.post("/login", data={"email": "editor@example.test",
                                       "password": "password123"}).status_code == 302
    db = app.extensions["audarma.db"]

    def locale(code: str) -> None:
        with app.app_context(), db.transaction() as session:
            session.get(User, user_id).locale = code

    client.locale = locale
    return client


def _refusals(client) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """Every refusal's (code, message text, data) as the page shows it, by case name."""
    found = {}
    for name, form, code, data in PASTES:
        response = client.post("/articles/new", data=form)
        found[name] = (response, code, data, True)
    preview = client.post("/articles/preview", data=_paste(body="  "))
    found["preview_empty"] = (preview, "empty", (), False)
    preview = client.post("/articles/preview", data=_paste(body="Hi there\n\nOk then."))
    found["preview_language"] = (preview, "language_uncertain", (), False)
    for name, filename, content, code, data in UPLOADS:
        fields = _paste()
        if filename is not None:
            fields["file"] = (io.BytesIO(content), filename)
        response = client.post("/articles/upload", data=fields,
                               content_type="multipart/form-data")
        found[name] = (response, code, data, True)
    shown = {}
    for name, (response, code, data, form_page) in found.items():
        assert 400 <= response.status_code < 500 or not form_page, (name, response.status_code)
        page = response.get_data(as_text=True)
        match = re.search(r'<p class="flash flash-error"[^>]*data-code="([^"]+)"[^>]*>(.*?)</p>',
                          page, re.S)
        assert match, (name, page[:2000])
        assert match.group(1) == code, (name, match.group(1))
        shown[name] = (code, visible_text(match.group(2)).strip(), data)
    return shown


def _without(text: str, data: tuple[str, ...]) -> str:
    """The message without the input's own values and file extensions (".docx")."""
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    return re.sub(r"(?<!\w)\.[a-z]+\b", " ", text)


def test_every_refusal_of_the_new_article_page_comes_from_the_catalogue(desk, pseudo):
    desk.locale("en")
    for name, (_code, message, data) in _refusals(desk).items():
        assert OPEN in message, (name, message)
        left = LATIN_RUN.findall(outside_markers(_without(message, data)))
        assert not left, (name, message, left)


@pytest.mark.parametrize("locale", ["kk", "ru"])
def test_every_refusal_of_the_new_article_page_is_in_the_interface_language(desk, locale):
    desk.locale(locale)
    for name, (_code, message, data) in _refusals(desk).items():
        assert re.search("[а-яА-ЯәіңғүұқөһӘІҢҒҮҰҚӨҺ]{3}", message), (locale, name, message)
        english = [w for w in LATIN_RUN.findall(_without(message, data)) if w not in TECHNICAL]
        assert not english, (locale, name, message, english)


def test_a_refusal_the_catalogue_does_not_know_is_caught(desk, pseudo, monkeypatch):
    """The checks above can fail: a refusal that kept the service's English is reported."""
    import web.ingest_refusals as refusals

    monkeypatch.setattr(refusals, "_messages", lambda detail: {})
    desk.locale("en")
    shown = _refusals(desk)
    _code, message, data = shown["priority"]
    assert LATIN_RUN.findall(outside_markers(_without(message, data)))


# Soft hyphens, a zero-width space, a comma run into the next word and a word that mixes Latin
# and Cyrillic letters: each leaves a text-hygiene note on the preview.
MESSY = ("City Council Approves New Tram Line\n\nThe city coun\u00adcil ap\u00adproved the "
         "tram\u200b line on Tuesday,After a long debate in Aлматы. The line connects the "
         "railway station with the university campus.\n")


@pytest.mark.parametrize("locale", ["pseudo", "kk", "ru"])
def test_the_preview_notes_text_hygiene_in_the_interface_language(desk, locale, request):
    if locale == "pseudo":
        request.getfixturevalue("pseudo")
    desk.locale("en" if locale == "pseudo" else locale)
    page = desk.post("/articles/preview", data=_paste(body=MESSY, language="en"))
    notes = re.findall(r"<li>(.*?)</li>", re.search(r'<ul class="warnings">(.*?)</ul>',
                                                     page.get_data(as_text=True), re.S).group(1))
    assert len(notes) == 4, notes
    for note in (visible_text(n) for n in notes):
        words = LATIN_RUN.findall(_without(note, ("Aлматы", "Алматы", "U+00AD")))
        if locale == "pseudo":
            assert note.startswith(OPEN) and not LATIN_RUN.findall(outside_markers(note)), note
        else:
            assert not words, (locale, note, words)
