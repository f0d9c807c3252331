"""The New article form states its size limit; a too-large paste answers with the normal page,
the limit and the text kept (issue 16); an HTML document pasted is read as HTML, never stored
with its tags as text."""

from __future__ import annotations

from sqlalchemy import select


def _editor(app, make_user, email="big@example.test"):
    make_user("editor", email=email, app=app)
    client = app.test_client()
    client.post("/login", data={"email": email, "password": "password123"})
    return client


def test_the_form_states_the_limit_and_loads_its_size_check(app, make_user):
    client = _editor(app, make_user)
    page = client.get("/articles/new").get_data(as_text=True)
    assert "Up to 5 MB of text." in page
    assert 'data-max-bytes="5242880"' in page and "/static/ingest.js" in page
    assert '<option value="auto" selected>' in page


def test_a_paste_over_the_limit_keeps_the_text_in_the_normal_page(make_app, make_user):
    import re

    from workflow.models import Article

    app = make_app(MAX_CONTENT_LENGTH=4096, MAX_ARTICLE_BYTES=2048, WTF_CSRF_ENABLED=True)
    make_user("editor", email="big@example.test", app=app)
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login).group(1)
    client.post("/login", data={"email": "big@example.test", "password": "password123",
                                "csrf_token": token})
    page = client.get("/articles/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = "Council votes on the tram line. " + "word " * 2000 + "THE-END-MARKER"
    response = client.post("/articles/new", data={"title": "Tram", "body": body,
                                                  "format": "auto", "language": "auto",
                                                  "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert 'data-code="too_large"' in html and "larger than the 2 KB limit" in html
    assert 'class="topbar"' in html  # the normal layout with navigation
    assert "THE-END-MARKER" in html  # the text is back in the textarea
    with app.app_context():
        assert app.extensions["audarma.db"].session.scalar(select(Article.id)) is None


def test_a_paste_beyond_the_oversize_ceiling_is_still_a_page(make_app, make_user):
    app = make_app(MAX_CONTENT_LENGTH=1024, MAX_ARTICLE_BYTES=512)
    client = _editor(app, make_user)
    response = client.post("/articles/new", data={"body": "x" * 20000, "format": "auto"})
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert 'data-code="too_large"' in html and 'class="topbar"' in html


def test_a_paste_larger_than_the_form_field_default_but_allowed_is_accepted(make_app, make_user):
    """Werkzeug refuses form fields over MAX_FORM_MEMORY_SIZE (500 kB by default) although the
    article limit is 5 MB: an allowed paste must get through (scaled down here)."""
    app = make_app(MAX_CONTENT_LENGTH=16384, MAX_ARTICLE_BYTES=12288, MAX_FORM_MEMORY_SIZE=500)
    client = _editor(app, make_user)
    body = "Tram line budget\n\n" + "\n\n".join(
        ["The council met again on Tuesday to discuss the tram line budget."] * 20)
    assert 1000 < len(body.encode()) < 12288
    response = client.post("/articles/new", data={"body": body, "format": "auto",
                                                  "language": "en"})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def test_an_html_document_pasted_is_parsed_as_html(app, make_user):
    from workflow.models import Article, Segment

    client = _editor(app, make_user)
    html = ("<html><head><title>Tram line approved</title></head><body><h1>Tram line approved"
            "</h1><p>The city council approved the tram line on Tuesday.</p>"
            "<p>Work starts in May.</p></body></html>")
    for fmt in ("auto", "text"):  # the old default "text" too: tags never become text
        response = client.post("/articles/new", data={"body": html.replace(
            "Tuesday", f"Tuesday ({fmt})"), "format": fmt, "language": "en"})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with app.app_context():
        session = app.extensions["audarma.db"].session
        titles = session.scalars(select(Article.title)).all()
        texts = session.scalars(select(Segment.source_text)).all()
    assert titles == ["Tram line approved", "Tram line approved"]
    assert not any("<" in t for t in texts + titles)
    assert any("approved the tram line" in t for t in texts)


def test_auto_recognises_markdown_and_leaves_plain_text_alone():
    from workflow.ingest.parse import detect_pasted_format

    assert detect_pasted_format("# Budget\n\nThe council met.") == "markdown"
    assert detect_pasted_format("See [the plan](https://example.org/plan).") == "markdown"
    assert detect_pasted_format("<!DOCTYPE html><html><body><p>x</p></body></html>") == "html"
    assert detect_pasted_format("Budget approved\n\nThe council met on #5 street.") == "text"
