"""In headless Chromium: XSS payloads in a title, body, link, translation, review comment and
glossary term are shown as inert text on the desk pages — no dialog, no script run, no CSP
violation (which would mean markup got into the DOM), no injected element."""

from __future__ import annotations

import os

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, need
from tests.security.conftest import BREAKOUT, IMG, SVG, TITLE

pytestmark = [pytest.mark.browser]

INJECTED = ("img[src='x'], svg[onload], [onerror], [onload], [onclick], script:not([src]), "
            "a[href^='javascript:' i], iframe")


@pytest.fixture
def app(live_app):
    """Every test here runs against the live server."""
    return live_app


def _watch(page) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {"dialogs": [], "csp": [], "errors": []}

    def on_dialog(dialog) -> None:
        seen["dialogs"].append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda m: "Content Security Policy" in m.text and seen["csp"].append(m.text))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    return seen


def test_payloads_are_inert_on_every_desk_page(app, make_user, xss_story):
    need(os.path.exists(CHROMIUM), f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    base = app.config["LIVE_URL"]
    make_user("admin", email="xss-admin@example.test", app=app)
    edition, article = xss_story.edition_id, xss_story.article_id
    pages = ["/", "/my-work", f"/articles/{article}", f"/articles/{article}/source",
             f"/editions/{edition}", f"/editions/{edition}/preview",
             f"/editions/{edition}/history", f"/editions/{xss_story.source_edition_id}/preview",
             "/admin/", "/publishing"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             headless=True)
        try:
            # control: the listeners do see a payload that runs (no CSP on a blank page)
            probe = browser.new_page()
            probe_seen = _watch(probe)
            probe.set_content(f"<body>{IMG}</body>")
            probe.wait_for_timeout(300)
            assert probe_seen["dialogs"] == ["1"]
            probe.close()

            page = browser.new_context().new_page()
            seen = _watch(page)
            page.goto(f"{base}/login")
            page.fill("#email", "xss-admin@example.test")
            page.fill("#password", "password123")
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/")
            shown_text = 0
            texts = {}
            for path in pages:
                response = page.goto(f"{base}{path}")
                assert response is not None and response.status < 500, path
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(150)  # let onerror/onload of a broken <img>/<svg> fire
                where = f"{path} ({response.status})"
                assert seen["dialogs"] == [], where
                assert seen["csp"] == [], where
                assert page.evaluate(f"document.querySelectorAll(\"{INJECTED}\").length") == 0, \
                    where
                texts[path] = page.inner_text("body")
                shown_text += texts[path].count(IMG)
            assert seen["errors"] == []
        finally:
            browser.close()
    # the payloads were rendered as visible text (so escaping, not dropping, kept them inert)
    assert shown_text >= 6, shown_text
    editor = texts[f"/editions/{edition}"]
    assert f"Check this {IMG} {BREAKOUT} {SVG}" in editor  # the review comment
    assert BREAKOUT in editor and SVG in editor  # glossary translations beside the segment
    assert TITLE in texts["/"] and TITLE in texts[f"/editions/{edition}/preview"]
