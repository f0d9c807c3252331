"""The interface is complete in Kazakh and Russian: catalogues and rendered main screens."""

from __future__ import annotations

import re

import pytest

from tests.review.conftest import email_of

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[-#0 +]*\d*(?:\.\d+)?[sdf]")

# Strings of the main screens that must never show in English in a kk or ru interface.
ENGLISH_ON_SCREENS = {
    "dashboard": ["Articles", "Search by title", "Filter", "Sign out", "Interface language"],
    "my_work": ["My work", "Take"],
    "editor": ["Keyboard shortcuts", "Submit for approval", "Machine output", "Keep my text",
               "Comments on the edition", "Confirm the segment and go to the next one"],
    "preview": ["How partners will see this edition."],
    "history": ["Audit trail", "Versions"],
    "metrics": ["Post-edit effort", "By language direction", "By model version"],
}
NATIVE = {"kk": ["Мақалалар", "аударма"], "ru": ["Статьи", "перевод"]}


def test_every_interface_string_is_translated_in_kazakh_and_russian():
    from web.translations.catalogue import extract, read

    extracted = {m.id for m in extract() if m.id}
    assert len(extracted) > 150
    for locale in ("kk", "ru"):
        catalog = read(locale)
        stored = {m.id: m.string for m in catalog if m.id}
        not_merged = sorted(extracted - stored.keys())
        assert not not_merged, (f"{locale}: run `.venv/bin/python -m web.translations.catalogue` "
                                f"and translate: {not_merged}")
        empty = sorted(msgid for msgid in extracted if not (stored[msgid] or "").strip())
        assert not empty, f"{locale}: untranslated: {empty}"
        for msgid in extracted:
            wanted = sorted(PLACEHOLDER.findall(msgid))
            assert sorted(PLACEHOLDER.findall(stored[msgid])) == wanted, (locale, msgid)


@pytest.fixture
def screens(app, make_user, translated_edition, sign_in):
    """Signed-in clients per locale (a translator and an editor) and the URLs of the screens."""
    from workflow.models import User

    edition_id = translated_edition()
    database = app.extensions["audarma.db"]
    clients = {}
    for locale in ("kk", "ru", "en"):
        user_id = make_user("translator", "editor", languages="kk")
        with app.app_context(), database.transaction() as session:
            session.get(User, user_id).locale = locale
        clients[locale] = sign_in(email_of(app, user_id))
    urls = {"dashboard": "/", "my_work": "/my-work", "editor": f"/editions/{edition_id}",
            "preview": f"/editions/{edition_id}/preview",
            "history": f"/editions/{edition_id}/history", "metrics": "/metrics"}
    return clients, urls


def _visible_text(html: str) -> str:
    """Page text without tags, scripts or attribute values."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_main_screens_render_in_each_language_without_english_left(screens):
    clients, urls = screens
    for screen, url in urls.items():
        pages = {}
        for locale, client in clients.items():
            response = client.get(url)
            assert response.status_code == 200, (screen, locale)
            pages[locale] = _visible_text(response.get_data(as_text=True))
        for english in ENGLISH_ON_SCREENS[screen]:
            assert english in pages["en"], (screen, english)
            for locale in ("kk", "ru"):
                assert english not in pages[locale], f"{screen} in {locale} shows {english!r}"
    kk_page = clients["kk"].get("/").get_data(as_text=True)
    assert all(word in kk_page for word in NATIVE["kk"][:1]) and 'lang="kk"' in kk_page


def test_language_switch_changes_the_interface(app, make_user, sign_in):
    client = sign_in(email_of(app, make_user("translator")))
    assert "Articles" in client.get("/").get_data(as_text=True)
    response = client.post("/account/locale", data={"locale": "ru", "next": "/"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    assert "Статьи" in client.get("/").get_data(as_text=True)
    client.post("/account/locale", data={"locale": "xx", "next": "//evil.example"})
    assert "Статьи" in client.get("/").get_data(as_text=True)
