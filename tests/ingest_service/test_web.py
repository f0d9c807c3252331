"""The dashboard ways in: paste form with preview, file upload, article page, source edit."""

from __future__ import annotations

import io
import re

from tests.ingest_service.conftest import DE_TEXT, EN_TEXT, FIXTURES


def _form(**fields):
    data = {"title": "", "format": "text", "body": EN_TEXT, "language": "auto",
            "targets": ["kk", "ru"], "priority": "normal"}
    data.update(fields)
    return data


def test_form_page_renders_for_editors_only(editor_client, client, app, make_user):
    page = editor_client.get("/articles/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'hx-post="/articles/preview"' in html and 'enctype="multipart/form-data"' in html
    assert "style=" not in html and "onclick" not in html
    assert client.get("/articles/new").status_code == 302  # not signed in: to the login page


def test_preview_shows_structure_language_and_furniture_without_saving(editor_client, counts):
    text = (FIXTURES / "seed_shaped.txt").read_text(encoding="utf-8")
    response = editor_client.post("/articles/preview", data=_form(body=text))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "English</strong>" in html and "Latest news" in html
    for kind in ("Title", "Caption", "Lead", "Heading", "Quote", "Byline"):  # localised names
        assert f'<span class="badge">{kind}</span>' in html
    assert counts()["Article"] == 0


def test_preview_of_empty_text_is_a_message(editor_client):
    response = editor_client.post("/articles/preview", data=_form(body="  "))
    assert response.status_code == 200 and 'data-code="empty"' in response.get_data(as_text=True)


def test_save_redirects_to_the_article_page_with_progress(editor_client, app):
    response = editor_client.post("/articles/new", data=_form(priority="breaking"))
    assert response.status_code == 302
    location = response.headers["Location"]
    article_id = int(re.search(r"/articles/(\d+)$", location).group(1))
    page = editor_client.get(location).get_data(as_text=True)
    assert "City Council Approves New Tram Line" in page
    assert 'hx-trigger="every 2s"' in page and "queued" in page
    assert f"/articles/{article_id}/source" in page
    fragment = editor_client.get(f"/articles/{article_id}/progress")
    assert fragment.status_code == 200 and 'data-language="kk"' in fragment.get_data(as_text=True)


def test_duplicate_is_reported_with_a_link(editor_client):
    first = editor_client.post("/articles/new", data=_form())
    again = editor_client.post("/articles/new", data=_form())
    html = again.get_data(as_text=True)
    assert again.status_code == 200 and 'id="ingest-duplicate"' in html
    assert first.headers["Location"].endswith(re.search(r'href="(/articles/\d+)"', html).group(1))


def test_form_errors_come_back_on_the_form_and_store_nothing(editor_client, counts):
    before = counts()
    cases = [(_form(body=""), "empty"), (_form(body=DE_TEXT), "unsupported_language"),
             (_form(body="Hi there\n\nOk then."), "language_uncertain"),
             (_form(language="de"), "unsupported_language"),
             (_form(targets=["xx"]), None), (_form(priority="now"), None)]
    for data, code in cases:
        response = editor_client.post("/articles/new", data=data)
        assert 400 <= response.status_code < 500, (data, response.status_code)
        html = response.get_data(as_text=True)
        assert 'id="ingest-error"' in html and 'id="paste-form"' in html
        if code:
            assert f'data-code="{code}"' in html
    assert counts() == before


def test_upload_each_format(editor_client, docx_bytes):
    files = [("story.txt", EN_TEXT.encode("cp1251", errors="strict")),
             ("story.md", b"# Tram line\n\nThe council approved *a new tram line* on Tuesday."),
             ("page.html", (FIXTURES / "page.html").read_bytes()),
             ("story.docx", docx_bytes())]
    for name, data in files:
        response = editor_client.post("/articles/upload", data={
            "file": (io.BytesIO(data), name), "language": "auto", "targets": ["ru"],
            "priority": "normal"}, content_type="multipart/form-data")
        assert response.status_code == 302, (name, response.get_data(as_text=True)[:2000])


def test_upload_errors_are_messages_not_500(editor_client, counts, make_app):
    before = counts()
    for name, data, code in [("x.txt", b"", "empty"), ("x.exe", b"MZ\x90\x00" * 50, None),
                             ("x.txt", b"\x00\xff\x00\xfe" * 500, "binary")]:
        response = editor_client.post("/articles/upload", data={
            "file": (io.BytesIO(data), name), "language": "auto"},
            content_type="multipart/form-data")
        assert 400 <= response.status_code < 500
        html = response.get_data(as_text=True)
        assert 'id="ingest-error"' in html
        if code:
            assert f'data-code="{code}"' in html
    missing = editor_client.post("/articles/upload", data={"language": "auto"},
                                 content_type="multipart/form-data")
    assert missing.status_code == 422
    assert counts() == before


def test_upload_over_the_limit_is_a_message(make_app, make_user):
    app = make_app(MAX_CONTENT_LENGTH=4096, MAX_ARTICLE_BYTES=2048)
    make_user("editor", email="big@example.test", app=app)
    client = app.test_client()
    client.post("/login", data={"email": "big@example.test", "password": "password123"})
    response = client.post("/articles/upload", data={"file": (io.BytesIO(b"a " * 5000), "x.txt")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert 'data-code="too_large"' in response.get_data(as_text=True)


def test_markup_in_pasted_text_is_shown_escaped(editor_client):
    body = EN_TEXT.replace("after a long debate", "after <img src=x onerror=alert(1)> debate")
    location = editor_client.post("/articles/new", data=_form(body=body)).headers["Location"]
    html = editor_client.get(location).get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_edit_source_through_the_page(editor_client):
    location = editor_client.post("/articles/new", data=_form()).headers["Location"]
    form = editor_client.get(location + "/source").get_data(as_text=True)
    source = re.search(r"<textarea[^>]*>(.*?)</textarea>", form, re.S).group(1)
    assert source.startswith("# City Council Approves New Tram Line")
    import html as html_lib

    edited = html_lib.unescape(source).replace("Construction starts in May.",
                                               "Construction starts in June.")
    saved = editor_client.post(location + "/source", data={"body": edited})
    assert saved.status_code == 302
    page = editor_client.get(location).get_data(as_text=True)
    assert "1 new or changed" in page and "Construction starts in June." in page
    bad = editor_client.post(location + "/source", data={"body": "  "})
    assert bad.status_code == 422 and 'data-code="empty"' in bad.get_data(as_text=True)
