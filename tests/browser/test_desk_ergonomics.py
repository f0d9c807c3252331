"""The desk as translators and editors live in it, in headless Chromium (issue 16): confirm a
segment by its button, publish through a confirmation step, keep an oversize paste. With
``AUDARMA_SCREENSHOTS=<dir>`` it also saves the editor, the publishing page and the new-article
form at 1366×900 and 390 px wide (docs/screenshots/ holds the ones committed)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, need

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = os.environ.get("AUDARMA_SCREENSHOTS")
SENTENCES = [["The council approved the tram line on Tuesday after a long debate.",
              "Work on the first section starts in May."],
             ["The mayor said the line would carry forty thousand people a day.",
              "Opponents asked for a referendum on the cost."],
             ["A final vote on the budget is expected next month."]]


def _editing_edition(app, make_article, translator_id: int) -> int:
    """An English article with a Kazakh edition in editing: machine text in every segment."""
    from sqlalchemy import select

    from workflow.models import Edition, Segment, SegmentTranslation

    article_id = make_article(SENTENCES, title="Tram line approved after long debate")
    db = app.extensions["audarma.db"]
    with app.app_context(), db.transaction() as session:
        edition = Edition(article_id=article_id, language="kk", state="editing",
                          assignee_id=translator_id)
        session.add(edition)
        session.flush()
        for seg in session.scalars(select(Segment).where(Segment.article_id == article_id)):
            session.add(SegmentTranslation(
                edition_id=edition.id, segment_id=seg.id, state="machine",
                machine_text=f"[kk] {seg.source_text}", machine_origin="machine",
                machine_route={"label": "en→kk via translate-en_kk 1.0", "steps": []}))
        return edition.id


@pytest.fixture
def served(app):
    """The test's ``app`` (the one the factories write to) served on a random port, CSRF on."""
    import threading

    from werkzeug.serving import make_server

    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def _browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def _shoot(page, name: str, full_page: bool = False) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=full_page)


def test_confirm_by_button_with_the_first_segment_in_view_and_focus_following(
        app, served, make_user, make_article):
    need(os.path.exists(CHROMIUM), f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import expect, sync_playwright

    base = served
    translator = make_user("translator", languages="kk", email="tr@example.test")
    edition_id = _editing_edition(app, make_article, translator)
    with sync_playwright() as playwright:
        browser = _browser(playwright)
        page = sign_in(browser, base, "tr@example.test")
        page.goto(f"{base}/editions/{edition_id}")
        segments = page.locator("article.seg")
        first, second = segments.nth(0), segments.nth(1)
        box = first.locator("textarea.target-text").bounding_box()
        assert box["y"] + box["height"] <= 900, f"first segment below the fold: {box}"
        button = first.locator("button.confirm-seg")
        expect(button).to_be_visible()
        assert button.bounding_box()["y"] + button.bounding_box()["height"] <= 900
        expect(page.locator("#confirmed-count")).to_have_text("0")
        expect(page.locator("details.shortcuts")).not_to_have_attribute("open", "")
        button.click()
        expect(first).to_have_class(re.compile(r"\bseg-confirmed\b"))
        expect(page.locator("#confirmed-count")).to_have_text("1")
        second_id = second.get_attribute("data-id")
        expect(page.locator(f"#t-{second_id}")).to_be_focused()
        # the keyboard shortcut is kept: Ctrl+Enter confirms the focused one and moves on
        page.keyboard.press("Control+Enter")
        expect(second).to_have_class(re.compile(r"\bseg-confirmed\b"))
        expect(page.locator("#confirmed-count")).to_have_text("2")
        expect(page.locator(f"#t-{segments.nth(2).get_attribute('data-id')}")).to_be_focused()
        page.goto(f"{base}/editions/{edition_id}")
        _shoot(page, "editor-1366")
        small = sign_in(browser, base, "tr@example.test", width=390, height=844)
        small.goto(f"{base}/editions/{edition_id}")
        _shoot(small, "editor-390")
        assert page.csp_errors == [] and small.csp_errors == []
        browser.close()
    from workflow.models import SegmentTranslation

    with app.app_context():
        states = [r.state for r in app.extensions["audarma.db"].session.query(SegmentTranslation)
                  .filter_by(edition_id=edition_id).order_by(SegmentTranslation.segment_id)]
    assert states[:3] == ["confirmed", "confirmed", "machine"]


def test_publish_goes_through_a_confirmation_and_says_when(app, served, make_user, make_story):
    need(os.path.exists(CHROMIUM), f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import expect, sync_playwright

    from workflow.models import Edition

    base = served
    story = make_story(title="Flood waters recede")
    make_story(title="Budget vote delayed in the regional council")
    make_user("editor", email="ed@example.test")
    with sync_playwright() as playwright:
        browser = _browser(playwright)
        page = sign_in(browser, base, "ed@example.test")
        page.goto(f"{base}/publishing/")
        _shoot(page, "publishing-1366")
        row = page.locator("tr", has=page.locator("a.title", has_text="Flood waters recede"))
        kk = row.locator("li.pub-edition", has=page.locator("a", has_text="Kazakh"))
        kk.get_by_role("link", name="Publish…").click()
        page.wait_for_url(re.compile(rf"/publishing/editions/{story['kk']}/publish"))
        with app.app_context():
            state = app.extensions["audarma.db"].session.get(Edition, story["kk"]).state
        assert state == "approved"  # the first click only asked
        page.click("#confirm-action")
        expect(page.locator(".flash-success")).to_have_text(
            re.compile(r"^Published at \d{2}:\d{2}\.$"))
        expect(kk.locator(".badge")).to_have_text("Published")
        expect(kk.get_by_role("link", name="Withdraw (kill)…")).to_be_visible()
        small = sign_in(browser, base, "ed@example.test", width=390, height=844)
        small.goto(f"{base}/publishing/")
        _shoot(small, "publishing-390", full_page=True)
        assert page.csp_errors == [] and small.csp_errors == []
        browser.close()
    with app.app_context():
        assert app.extensions["audarma.db"].session.get(Edition, story["kk"]).state == "published"


def test_an_oversize_paste_is_stopped_in_the_browser_and_kept_by_the_server(make_app, make_user):
    need(os.path.exists(CHROMIUM), f"Chromium is not installed at {CHROMIUM}")
    import threading

    from playwright.sync_api import expect, sync_playwright
    from werkzeug.serving import make_server

    app = make_app(WTF_CSRF_ENABLED=True, MAX_CONTENT_LENGTH=6144, MAX_ARTICLE_BYTES=4096)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    make_user("editor", email="ed@example.test", app=app)
    body = "Tram line approved\n\n" + "The council met again on Tuesday. " * 400 + "END-OF-PASTE"
    try:
        with sync_playwright() as playwright:
            browser = _browser(playwright)
            page = sign_in(browser, base, "ed@example.test")
            page.goto(f"{base}/articles/new")
            expect(page.locator("#body-limit")).to_have_text("Up to 4 KB of text.")
            _shoot(page, "new-article-1366", full_page=True)
            page.fill("#body", body)
            page.click("#paste-form button[type=submit]")
            expect(page.locator("#size-error")).to_be_visible()
            expect(page.locator("#size-error")).to_contain_text("4 KB limit")
            assert page.url == f"{base}/articles/new"  # nothing was sent
            assert page.input_value("#body") == body
            # without the browser's check (a script blocked, an old page) the server answers
            # the same way: the normal page, the limit, and the text back in the box
            page.evaluate("document.getElementById('paste-form').submit()")
            page.wait_for_load_state()
            expect(page.locator("#ingest-error")).to_contain_text("4 KB limit")
            expect(page.locator("header.topbar")).to_be_visible()
            assert page.input_value("#body").rstrip() == body.replace("\n", "\r\n").rstrip() \
                or page.input_value("#body").rstrip() == body.rstrip()
            small = sign_in(browser, base, "ed@example.test", width=390, height=844)
            small.goto(f"{base}/articles/new")
            _shoot(small, "new-article-390", full_page=True)
            assert page.csp_errors == [] and small.csp_errors == []
            browser.close()
    finally:
        server.shutdown()
