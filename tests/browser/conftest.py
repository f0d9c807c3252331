"""Browser tests' shared pieces: signing in a fresh Chromium context, and the publishing
factories (stories with approved editions, partners)."""

from __future__ import annotations

from tests.publishing.conftest import make_partner, make_story  # noqa: F401

PASSWORD = "password123"  # every test user's (tests/conftest.py ``make_user``)


def sign_in(browser, base: str, email: str, password: str = PASSWORD, *, width: int = 1366,
            height: int = 900, lands_on: str | None = "/"):
    """A fresh browser context signed in as ``email``; CSP violations are collected in
    ``page.csp_errors``. ``lands_on`` is the page the sign-in must reach (None: wait for
    whatever page loads, e.g. the form again after a refused sign-in)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.csp_errors = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_errors.append(
        m.text))
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    if lands_on is None:
        page.wait_for_load_state()
    else:
        page.wait_for_url(f"{base}{lands_on}")
    return page
