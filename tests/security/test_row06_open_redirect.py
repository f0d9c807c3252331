"""Issue 15 row 6: ``next`` must not send the browser to another site, however it is spelled."""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit

import pytest

ORIGIN = "http://localhost"
# Each one is another site for a browser: tab/newline dropped, "\" read as "/", spaces trimmed.
HOSTILE = ["/\t/127.0.0.2:5102/p", "/\n/127.0.0.2/p", "/\r\n/127.0.0.2/p", "/\\127.0.0.2/p",
           "\\\\127.0.0.2/p", "\\/127.0.0.2/p", " //127.0.0.2/p", "\t//127.0.0.2/p",
           "//127.0.0.2/p", "https://127.0.0.2/p", "javascript:alert(1)", "/\t\\127.0.0.2/p",
           "\x00//127.0.0.2/p", "http:/127.0.0.2/p"]


def _followed(location: str) -> str:
    """Where a browser goes for this Location (WHATWG: tabs/newlines out, trimmed, \\ as /)."""
    cleaned = re.sub(r"[\t\n\r]", "", location).strip("".join(map(chr, range(0x21))))
    return urljoin(ORIGIN + "/login", cleaned.replace("\\", "/"))


def _assert_same_origin(response) -> None:
    assert response.status_code in (302, 303)
    target = urlsplit(_followed(response.headers["Location"]))
    assert (target.scheme, target.netloc) == ("http", "localhost"), response.headers["Location"]


@pytest.mark.parametrize("target", HOSTILE)
def test_row6_login_next_stays_on_site(app, client, make_user, target):
    make_user("translator", email="reader@example.test")
    response = client.post("/login?next=" + quote(target, safe=""),
                           data={"email": "reader@example.test", "password": "password123"})
    _assert_same_origin(response)


@pytest.mark.parametrize("target", HOSTILE)
def test_row6_locale_next_stays_on_site(app, client, make_user, target):
    make_user("translator", email="reader@example.test")
    client.post("/login", data={"email": "reader@example.test", "password": "password123"})
    response = client.post("/account/locale", data={"locale": "ru", "next": target})
    _assert_same_origin(response)


def test_row6_same_site_paths_still_work(app, client, make_user):
    make_user("translator", email="reader@example.test")
    response = client.post("/login?next=" + quote("/jobs?state=queued", safe=""),
                           data={"email": "reader@example.test", "password": "password123"})
    assert response.headers["Location"] == "/jobs?state=queued"
    response = client.post("/account/locale", data={"locale": "kk", "next": "/articles/3"})
    assert response.headers["Location"] == "/articles/3"
