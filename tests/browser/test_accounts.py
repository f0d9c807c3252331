"""Accounts and the newsroom clock in headless Chromium: a password change, an admin reset and a
deactivation each end the old session; an Almaty editor's embargo is listed with its zone."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime

import pytest

from tests.browser.conftest import PASSWORD, sign_in
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, need
from tests.publishing.conftest import make_story  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NEW_PASSWORD = "a much longer passphrase"


@pytest.fixture
def app(live_app):
    """Every fixture (users, stories) writes to the app the browser talks to."""
    return live_app


@pytest.fixture
def chromium():
    need(os.path.exists(CHROMIUM), f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             headless=True)
        yield browser
        browser.close()


def _is_signed_out(page, base: str) -> bool:
    page.goto(f"{base}/")
    return page.url.startswith(f"{base}/login")


def _change_password(page, base: str, current: str, new: str) -> None:
    if not page.url.startswith(f"{base}/account"):
        page.goto(f"{base}/account")
    page.fill("#current-password", current)
    page.fill("#new-password", new)
    page.fill("#confirm-password", new)
    page.click("#password button[type=submit]")
    page.wait_for_load_state()


def test_password_change_ends_the_other_session(live_app, make_user, chromium):
    base = live_app.config["LIVE_URL"]
    make_user("editor", email="aigerim@desk.test", app=live_app)
    laptop = sign_in(chromium, base, "aigerim@desk.test")
    phone = sign_in(chromium, base, "aigerim@desk.test")
    laptop.click("a.who")  # the name in the top bar opens the account page
    laptop.wait_for_url(f"{base}/account")
    _change_password(laptop, base, "not my password", NEW_PASSWORD)
    assert "The current password is wrong." in laptop.inner_text("#password")
    _change_password(laptop, base, PASSWORD, NEW_PASSWORD)
    assert "Password changed" in laptop.inner_text("main")
    assert not _is_signed_out(laptop, base)  # this browser stays in
    assert _is_signed_out(phone, base)  # the other session died
    again = sign_in(chromium, base, "aigerim@desk.test", NEW_PASSWORD)
    assert again.url == f"{base}/"
    assert not laptop.csp_errors and not phone.csp_errors


def test_admin_reset_ends_the_session_and_the_one_time_password_must_be_changed(
        live_app, make_user, chromium):
    base = live_app.config["LIVE_URL"]
    make_user("admin", email="boss@desk.test", app=live_app)
    user_id = make_user("translator", email="daulet@desk.test", app=live_app)
    person = sign_in(chromium, base, "daulet@desk.test")
    admin = sign_in(chromium, base, "boss@desk.test")
    admin.goto(f"{base}/admin/")
    admin.click(f"#user-{user_id} button:has-text('Reset password')")
    admin.wait_for_load_state()
    one_time = admin.inner_text("#one-time code")
    assert len(one_time) >= 12
    assert _is_signed_out(person, base)

    fresh = sign_in(chromium, base, "daulet@desk.test", one_time, lands_on=None)
    assert fresh.url == f"{base}/account#password"
    fresh.goto(f"{base}/")  # nothing else opens before the change
    assert fresh.url == f"{base}/account#password"
    _change_password(fresh, base, one_time, NEW_PASSWORD)
    fresh.goto(f"{base}/")
    assert fresh.url == f"{base}/"
    admin.goto(f"{base}/admin/")
    assert admin.inner_text(f"#user-{user_id} td:nth-child(4)") == "active"
    assert not admin.csp_errors and not fresh.csp_errors


def test_deactivate_ends_the_open_session(live_app, make_user, chromium):
    base = live_app.config["LIVE_URL"]
    make_user("admin", email="boss@desk.test", app=live_app)
    user_id = make_user("editor", email="left@desk.test", app=live_app)
    person = sign_in(chromium, base, "left@desk.test")
    assert not _is_signed_out(person, base)
    admin = sign_in(chromium, base, "boss@desk.test")
    admin.goto(f"{base}/admin/")
    admin.click(f"#user-{user_id} button:has-text('Deactivate')")
    admin.wait_for_load_state()
    assert "Account deactivated" in admin.inner_text("main")
    assert admin.inner_text(f"#user-{user_id} td:nth-child(4)") == "deactivated"
    assert _is_signed_out(person, base)
    retry = sign_in(chromium, base, "left@desk.test", lands_on=None)
    assert retry.url.startswith(f"{base}/login")
    assert "Wrong e-mail or password." in retry.inner_text("main")


def test_almaty_editor_sets_an_embargo_and_sees_it_with_its_zone(
        live_app, make_user, make_story, chromium):  # noqa: F811
    from workflow.models import Publication, User

    base = live_app.config["LIVE_URL"]
    story = make_story()
    user_id = make_user("editor", email="ed@desk.test", app=live_app)
    with live_app.app_context(), live_app.extensions["audarma.db"].transaction() as session:
        session.get(User, user_id).timezone = "Asia/Almaty"
    page = sign_in(chromium, base, "ed@desk.test")
    page.goto(f"{base}/publishing/editions/{story['ru']}/publish")  # the desk's confirmation page
    form = page.locator("form.confirm-form")
    assert "Almaty (UTC+5)" in form.inner_text()
    form.locator("input[name=embargo_until]").fill("2099-06-15T18:00")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"{base}/publishing/")
    assert "embargoed until 6/15/99, 6:00\u202fPM Almaty (UTC+5)" in page.inner_text("main")
    with live_app.app_context():
        publication = live_app.extensions["audarma.db"].session.query(Publication).one()
        assert publication.embargo_until == datetime(2099, 6, 15, 13, 0, tzinfo=UTC)
    assert re.search(r"embargoed until", page.inner_text("main"))
    assert not page.csp_errors
