"""In headless Chromium: download an edition as XLIFF, edit two segments, import, see a conflict."""

from __future__ import annotations

import os

import pytest
from translate.storage import xliff

from tests.browser.conftest import sign_in
from tests.browser.test_review_desk import _seed_article
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, need

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_xliff_round_trip_in_the_browser(live_app, make_user, install_models, tmp_path):
    need(os.path.exists(CHROMIUM), f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import expect, sync_playwright

    from workflow import review

    app = live_app
    base = app.config["LIVE_URL"]
    install_models("en_kk", app=app)
    edition_id = _seed_article(app)
    make_user("translator", languages="kk", email="cat@desk.test", app=app)
    colleague = make_user("translator", languages="kk", email="colleague@desk.test", app=app)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = sign_in(browser, base, "cat@desk.test", width=1280)
        page.goto(f"{base}/editions/{edition_id}")
        with page.expect_download() as download_info:
            page.get_by_role("link", name="XLIFF 1.2 for older tools").click()
        path = tmp_path / "edition.xlf"
        download_info.value.save_as(path)

        store = xliff.xlifffile.parsefile(str(path))
        units = store.getunits()
        units[1].target = "Бірінші қолмен түзетілген сегмент."
        units[2].target = "Екінші қолмен түзетілген сегмент."
        path.write_bytes(bytes(store))
        with app.app_context(), app.extensions["audarma.db"].transaction() as session:
            rows = review.active_translations(session, edition_id)
            meanwhile = rows[2]  # a colleague edits the second segment in the desk meanwhile
            review.save_segment(session, meanwhile.id, "Әріптестің нұсқасы.", meanwhile.version,
                                colleague)

        page.goto(f"{base}/editions/{edition_id}")
        page.set_input_files("#xliff-file", str(path))
        page.get_by_role("button", name="Import").click()
        expect(page.get_by_text("Saved as drafts: 1")).to_be_visible()
        expect(page.get_by_role("heading", name="Conflicts")).to_be_visible()
        expect(page.get_by_text("Әріптестің нұсқасы.")).to_be_visible()
        assert not page.csp_errors
        browser.close()
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        rows = {r.id: r for r in review.active_translations(session, edition_id)}
    assert rows[int(units[1].xmlelement.get("id"))].text == "Бірінші қолмен түзетілген сегмент."
    assert rows[meanwhile.id].text == "Әріптестің нұсқасы."
