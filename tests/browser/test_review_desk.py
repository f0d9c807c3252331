"""End to end in headless Chromium: post-edit with the keyboard, submit, four-eyes approval."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.browser.conftest import sign_in
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, need

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SEED = ROOT / "tests" / "ingest" / "fixtures" / "seed_shaped.txt"
FIRST_EDIT = "Әкімнің Алматыға сапары: трамвай, саябақ, бюджет"
SECOND_SUFFIX = " — аудармашы түзеткен"
RUNAWAY = "бір бір бір бір бір бір бір бір"


def _seed_article(app) -> int:
    """The seed-shaped story through the ingest service, machine-translated into Kazakh."""
    from tests.review.conftest import translate_all
    from workflow.ingest.service import ingest_text
    from workflow.models import Edition

    database = app.extensions["audarma.db"]
    with app.app_context(), database.transaction() as session:
        result = ingest_text(session, SEED.read_text(encoding="utf-8"), source="browser-test",
                             language="en", targets=["kk"])
        article_id = result.article.id
    translate_all(app)
    with app.app_context(), database.transaction() as session:
        edition = session.scalar(select(Edition).where(Edition.article_id == article_id,
                                                       Edition.language == "kk"))
        assert edition.state == "editing", "machine translation did not finish"
        return edition.id


def _edition_state(app, edition_id: int) -> str:
    from workflow.models import Edition

    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        return session.get(Edition, edition_id).state


def _make_first_segment_blocking(app, edition_id: int, user_id: int) -> None:
    """Save a runaway repetition (a blocking warning) into the edition's first segment."""
    from workflow import review

    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        row = review.active_translations(session, edition_id)[0]
        review.save_segment(session, row.id, RUNAWAY, row.version, user_id)


def test_translator_post_edits_submits_and_only_another_editor_approves(
        live_app, make_user, install_models):
    need(os.path.exists(CHROMIUM), f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import expect, sync_playwright

    from workflow.models import MemoryEntry, SegmentTranslation, User

    app = live_app
    base = app.config["LIVE_URL"]
    install_models("en_kk", app=app)
    edition_id = _seed_article(app)
    translator_id = make_user("translator", "editor", languages="kk", email="aigerim@desk.test",
                              app=app)
    _make_first_segment_blocking(app, edition_id, translator_id)
    editor_id = make_user("editor", email="daulet@desk.test", app=app)
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        session.get(User, editor_id).locale = "kk"
    ARTIFACTS.mkdir(exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             headless=True)
        try:
            page = sign_in(browser, base, "aigerim@desk.test", width=1280)
            page.screenshot(path=str(ARTIFACTS / "dashboard.png"))
            assert page.locator("table.matrix").is_visible()

            page.goto(f"{base}/editions/{edition_id}")
            areas = page.locator("textarea.target-text")
            confirmed = page.locator("article.seg.seg-confirmed")
            total = areas.count()
            assert total > 10
            blocking = int(page.inner_text("#blocking-count"))
            assert blocking >= 1  # the runaway repetition in segment 1, at least
            page.evaluate("window.notReloaded = true")
            # The first segment has focus on arrival; replace its text and confirm with Ctrl+Enter.
            assert page.evaluate("document.activeElement.id") == areas.nth(0).get_attribute("id")
            page.keyboard.press("Control+KeyA")
            page.keyboard.type(FIRST_EDIT)
            page.keyboard.press("Control+Enter")
            expect(confirmed).to_have_count(1)
            # The fix shows in the progress line at once, from the save's answer: no reload.
            expect(page.locator("#blocking-count")).to_have_text(str(blocking - 1))
            expect(page.locator("#confirmed-count")).to_have_text("1")
            assert page.evaluate("window.notReloaded === true")
            # Focus moved to segment 2: copy the source (Alt+S), type, let autosave run, confirm.
            assert page.evaluate("document.activeElement.id") == areas.nth(1).get_attribute("id")
            page.keyboard.press("Alt+KeyS")
            page.keyboard.press("End")
            page.keyboard.type(SECOND_SUFFIX)
            page.wait_for_selector("article.seg-draft", timeout=10_000)  # autosaved, no reload
            page.keyboard.press("Control+Enter")
            expect(confirmed).to_have_count(2)
            # Every other segment: accept the machine output (or the source if the model gave
            # nothing) with Ctrl+Enter, going down the page by keyboard alone.
            for index in range(2, total):
                if not page.evaluate("document.activeElement.value.trim()"):
                    page.keyboard.press("Alt+KeyS")
                page.keyboard.press("Control+Enter")
                expect(confirmed).to_have_count(index + 1)
            assert page.inner_text("#confirmed-count") == str(total)
            page.evaluate("document.querySelector('section.block').scrollIntoView()")
            page.screenshot(path=str(ARTIFACTS / "editor.png"))

            page.click("form.submit-form details.wf-more > summary")  # the note is folded away
            page.fill("#override-note", "Random-weight test model: warnings are expected.")
            page.click("#submit-edition")
            page.wait_for_load_state()
            assert _edition_state(app, edition_id) == "submitted"

            # The translator also holds the editor role, but may not approve their own work.
            assert page.locator("#approve-edition").is_disabled()
            assert page.locator("#own-work-note").is_visible()
            token = page.get_attribute("#editor", "data-csrf")
            refused = page.request.post(f"{base}/editions/{edition_id}/approve",
                                        form={"csrf_token": token})
            assert refused.status == 403
            assert "another editor must approve" in refused.text()
            assert _edition_state(app, edition_id) == "submitted"
            assert not page.csp_errors

            editor = sign_in(browser, base, "daulet@desk.test", width=1280)
            editor.goto(f"{base}/editions/{edition_id}")
            editor.click("#approve-edition")
            editor.wait_for_load_state()
            assert _edition_state(app, edition_id) == "approved"
            editor.goto(f"{base}/metrics")
            assert "en→kk" in editor.inner_text("main")
            editor.screenshot(path=str(ARTIFACTS / "metrics.png"), full_page=True)
            assert not editor.csp_errors
        finally:
            browser.close()

    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        texts = set(session.scalars(select(SegmentTranslation.text).where(
            SegmentTranslation.edition_id == edition_id)))
        assert FIRST_EDIT in texts
        assert any(t and t.endswith(SECOND_SUFFIX) for t in texts)
        assert session.scalar(select(func.count()).select_from(MemoryEntry).where(
            MemoryEntry.edition_id == edition_id)) == total
