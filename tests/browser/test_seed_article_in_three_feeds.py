"""The product as ``make run`` starts it, in Chromium: one English story goes out in en, kk, ru.

``audarma run`` (migrate, then gunicorn and a Celery worker with beat, on the embedded defaults:
SQLite and the filesystem broker in the instance folder) serves a desk whose translation models
are tiny random-weight Argos packages (en→kk, en→ru). In the browser an editor pastes the story on
the New article page and watches the translation progress; the kk and ru translators type and
confirm every segment and submit; the en translator reviews and submits the original; another
editor approves the three editions and publishes them. Then each language's partner reads its
RSS, Atom and JSON feeds with its own key: the story is there, in its own edition's words only.

The story is written here; with ``AUDARMA_SHARED_DATA`` naming the shared data folder, its seed
article is used instead. People and partners are set up through the domain services (setup
only); every publishing step goes through the browser.
"""

from __future__ import annotations

import html
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, need
from tests.procfile import free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
STORY = """Night Trams Return to the Riverside Line

cover Photo: City Transport Office

The city council agreed on Monday to run trams through the night on the riverside line.

Council members said the late service would help nurses, cooks and students who work late.

The first night trams will leave the central depot next spring, the transport office said.

Residents asked for brighter stops and more benches along the river.

Original Author: Dana Example
"""
NOTE = "Random-weight model: the checks' warnings are about its output, which we replaced."
TAG = re.compile(r"<[^>]+>")


def _story() -> str:
    """The shared seed article when the shared data folder is given, else the story above."""
    shared = os.environ.get("AUDARMA_SHARED_DATA")
    seed = Path(shared) / "seed-article" / "article.txt" if shared else None
    return seed.read_text(encoding="utf-8") if seed and seed.is_file() else STORY


def _kk(n: int) -> str:
    return f"Аударма {n}: бұл сөйлемді қазақ тіліне аудармашы аударып, мұқият тексерді."


def _ru(n: int) -> str:
    return f"Перевод {n}: это предложение переводчик перевёл на русский язык и проверил."


def _plain(text: str) -> str:
    return " ".join(html.unescape(TAG.sub(" ", text)).split())


def _start_run(instance: Path) -> tuple[subprocess.Popen, str, Path]:
    """``audarma run --no-demo`` on ``instance`` with the embedded defaults; wait for /healthz."""
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "AUDARMA_PACKAGES_DIR")}
    env.update(AUDARMA_INSTANCE=str(instance), PYTHONPATH=str(ROOT),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}")
    log_path = instance / "run.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from web.cli import main; main()", "run", "--no-demo",
             "--port", str(port), "--web-workers", "1"],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2).read()  # noqa: S310
            return proc, base, log_path
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                _stop(proc)
                raise AssertionError(log_path.read_text()[-3000:]) from None
            time.sleep(0.3)


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM to ``audarma run`` (it stops its web and worker children), then to the group."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=25)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=10)


def _sign_in(browser, base: str, email: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(120_000)  # the first ingest loads the language models
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", "password123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def _translate_and_submit(page, base: str, edition_id: int, text_for) -> list[str]:
    """Type a human translation into every segment, confirm each (Ctrl+Enter), submit."""
    from playwright.sync_api import expect

    page.goto(f"{base}/editions/{edition_id}")
    areas = page.locator("textarea.target-text")
    confirmed = page.locator("article.seg.seg-confirmed")
    typed = []
    for index in range(areas.count()):
        text = text_for(index + 1)
        areas.nth(index).fill(text)
        areas.nth(index).press("Control+Enter")
        expect(confirmed).to_have_count(index + 1)
        typed.append(text)
    _submit(page)
    return typed


def _submit(page) -> None:
    blocking = page.locator("#blocking-count")
    if blocking.count() and blocking.inner_text().strip() not in ("", "0"):
        page.click("form.submit-form details.wf-more > summary")
        page.fill("#override-note", NOTE)
    page.click("#submit-edition")
    _expect_state(page, "submitted")


def _expect_state(page, state: str) -> None:
    """The edition page (reloaded) shows ``state``; else fail with what the page says."""
    page.wait_for_load_state()
    page.reload()
    badge = page.locator(f".page-head .badge.state-{state}")
    if not badge.count():
        raise AssertionError(f"not {state}: {page.inner_text('main')[:1500]}")


def _entries(body: bytes, fmt: str) -> list[tuple[str, str]]:
    """(title, all text) of each item: RSS and Atom through feedparser, JSON Feed as JSON (this
    feedparser does not read JSON Feed)."""
    if fmt == "json":
        items = json.loads(body)["items"]
        return [(item.get("title", ""), _plain(" ".join(
            str(item.get(k) or "") for k in ("title", "summary", "content_html", "content_text"))))
            for item in items]
    import feedparser

    feed = feedparser.parse(body)
    assert not feed.bozo, feed.bozo_exception
    return [(entry.get("title", ""), _plain(" ".join(
        [entry.get("title", ""), entry.get("summary", "")]
        + [c.value for c in entry.get("content", [])]))) for entry in feed.entries]


def test_seed_article_published_in_three_languages_reaches_each_partner_feed(
        make_app, make_user, install_models, tmp_path):
    need(os.path.exists(CHROMIUM), f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import expect, sync_playwright

    from workflow.partners.admin import create_partner

    instance = tmp_path / "instance-run"
    setup = make_app(INSTANCE_DIR=instance, SCHEMA="migrate")  # the run's own database file
    install_models("en_kk", "en_ru", app=setup)
    for role, languages, email in (("editor", None, "asel@desk.test"),
                                   ("editor", None, "bolat@desk.test"),
                                   ("translator", "kk", "kk@desk.test"),
                                   ("translator", "ru", "ru@desk.test"),
                                   ("translator", "en", "en@desk.test")):
        make_user(role, languages=languages, email=email, app=setup)
    keys = {}
    with setup.app_context(), setup.extensions["audarma.db"].transaction() as session:
        for language in ("en", "kk", "ru"):
            keys[language] = create_partner(session, f"{language} only", language)[2]
    setup.extensions["audarma.db"].dispose()
    story = _story()
    lines = [line.strip() for line in story.strip().splitlines() if line.strip()]
    headline, paragraph = lines[0], _plain(next(line for line in lines[1:] if len(line) > 60))

    proc, base, log_path = _start_run(instance)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                 headless=True)
            try:
                # An editor pastes the story; the article page shows the translation progress.
                asel = _sign_in(browser, base, "asel@desk.test")
                asel.goto(f"{base}/articles/new")
                asel.fill("#body", story)
                asel.select_option("#paste-language", "en")
                for language in ("kk", "ru"):
                    asel.check(f"#paste-form input[name=targets][value={language}]")
                asel.click("#paste-form button[type=submit]")
                asel.wait_for_url(re.compile(r".*/articles/\d+$"))
                expect(asel.locator("#editions progress").first).to_be_visible()
                for language in ("kk", "ru"):
                    expect(asel.locator(f"#editions tr[data-language={language}] .state-editing")
                           ).to_be_visible(timeout=120_000)
                editions = {}
                for language in ("en", "kk", "ru"):
                    href = asel.get_attribute(f"#editions tr[data-language={language}] a", "href")
                    editions[language] = int(href.rstrip("/").rsplit("/", 1)[1])

                # The translators: kk and ru type their editions; en reviews the original.
                typed = {
                    "kk": _translate_and_submit(_sign_in(browser, base, "kk@desk.test"), base,
                                                editions["kk"], _kk),
                    "ru": _translate_and_submit(_sign_in(browser, base, "ru@desk.test"), base,
                                                editions["ru"], _ru),
                }
                reviewer = _sign_in(browser, base, "en@desk.test")
                reviewer.goto(f"{base}/editions/{editions['en']}")
                expect(reviewer.locator("#source-edition-note")).to_be_visible()
                _submit(reviewer)

                # Another editor approves each edition and publishes it.
                bolat = _sign_in(browser, base, "bolat@desk.test")
                for edition_id in editions.values():
                    bolat.goto(f"{base}/editions/{edition_id}")
                    bolat.click("#approve-edition")
                    _expect_state(bolat, "approved")
                    bolat.click("#publishing a[href*='/publish?next=']")
                    bolat.click("#confirm-action")
                    bolat.wait_for_load_state()
                    bolat.goto(f"{base}/editions/{edition_id}")
                    _expect_state(bolat, "published")
            finally:
                browser.close()

        # Each partner's feeds, with its own key: the story, in its edition's words only.
        own = {"en": [headline, paragraph], "kk": typed["kk"], "ru": typed["ru"]}
        for language in ("en", "kk", "ru"):
            for fmt in ("rss", "atom", "json"):
                request = urllib.request.Request(
                    f"{base}/feeds/{language}.{fmt}",
                    headers={"Authorization": f"Bearer {keys[language]}"})
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                    entries = _entries(response.read(), fmt)
                assert len(entries) == 1, (language, fmt, entries)
                title, text = entries[0]
                assert title == own[language][0], (language, fmt, title)
                missing = [t for t in own[language] if t not in text]
                assert not missing, (language, fmt, missing, text[:500])
                foreign = [t for other, texts in own.items() if other != language
                           for t in texts if t in text]
                assert not foreign, (language, fmt, foreign)
    finally:
        _stop(proc)
    assert "Traceback" not in log_path.read_text()
