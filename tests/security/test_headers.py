"""Security headers on every route (from app.url_map), strict CSP in templates, cookie flags, and
login rate limiting."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"
VALUES = {"int": "1", "path": "urn:audarma:item:1:kk", "default": "kk"}
NAMED = {"fmt": "rss", "language": "kk", "filename": "app.css", "code": "kk"}


def _urls(app) -> list[tuple[str, str]]:
    """(method, url) for every rule and method, with plausible values for its arguments."""
    out = []
    for rule in app.url_map.iter_rules():
        values = {}
        for name, converter in rule._converters.items():  # noqa: SLF001 (werkzeug's own map)
            kind = type(converter).__name__.replace("Converter", "").lower()
            values[name] = NAMED.get(name) or VALUES.get(
                "int" if kind in ("integer", "id") else kind, VALUES["default"])
        url = rule.build(values, append_unknown=False)[1]
        out += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return out


def assert_security_headers(response, where: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives.get("script-src") == "'self'", f"{where}: {csp!r}"
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, where
    assert directives.get("frame-ancestors") == "'none'", where
    assert directives.get("object-src") == "'none'" and directives.get("base-uri") == "'none'"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("X-Frame-Options") == "DENY", where
    assert response.headers.get("Referrer-Policy"), where


def assert_no_inline_script(html: str, where: str) -> None:
    """What the CSP forbids must not be in our own pages either (it would just break)."""
    root = lxml.html.document_fromstring(html)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "script":
            assert el.get("src", "").startswith("/static/"), f"{where}: inline <script>"
        assert not any(a.lower().startswith("on") for a in el.attrib), f"{where}: on* in <{el.tag}>"
        assert "style" not in el.attrib, f"{where}: style= on <{el.tag}>"
        assert not el.get("href", "").lower().startswith("javascript:"), where


@pytest.fixture
def admin_client(app, make_user, make_story, publish):
    """Signed in as an admin, with one published story so the id-taking routes find rows."""
    story = make_story()
    for edition_id in story.values():
        publish("publish_edition", edition_id, None)
    make_user("admin", email="root@example.test")
    client = app.test_client()
    assert client.post("/login", data={"email": "root@example.test",
                                       "password": "password123"}).status_code == 302
    return client



def test_every_route_sends_the_security_headers(app, client, admin_client):
    urls = _urls(app)
    assert len(urls) > 40
    statuses = set()
    html_pages = 0
    for method, url in urls:
        for who, c in (("anonymous", client), ("admin", admin_client)):
            if who == "admin" and url == "/logout":
                continue  # would sign the admin out for the rest of the loop
            response = c.open(url, method=method)
            where = f"{who} {method} {url} → {response.status_code}"
            assert response.status_code < 500, where
            assert_security_headers(response, where)
            statuses.add(response.status_code)
            if response.mimetype == "text/html" and response.data.strip():
                html_pages += 1
                assert_no_inline_script(response.get_data(as_text=True), where)
    # not only error paths: real pages, redirects, refusals and missing rows were all checked
    assert {200, 302, 401} <= statuses and html_pages > 20
    for url in ("/no/such/page", "/api/v1/no-such", "/static/app.css"):
        assert_security_headers(client.get(url), url)


def test_templates_have_no_inline_script_or_handlers():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{path.name}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{path.name}: on*= handler")
        if re.search(r"\sstyle\s*=", text):
            offenders.append(f"{path.name}: style=")
        if "|safe" in text.replace(" ", ""):
            offenders.append(f"{path.name}: |safe")
    assert offenders == []


def _cookie_flags(response) -> dict[str, str]:
    out = {}
    for header in response.headers.getlist("Set-Cookie"):
        name = header.split("=", 1)[0]
        out[name] = header.lower()
    return out


def test_session_cookie_is_httponly_and_samesite_and_not_secure_by_default(app, make_user):
    make_user("editor", email="cookie@example.test")
    response = app.test_client().post("/login", data={"email": "cookie@example.test",
                                                      "password": "password123"})
    cookies = _cookie_flags(response)
    assert "session" in cookies
    for flags in cookies.values():
        assert "httponly" in flags and "samesite=lax" in flags
        assert "secure" not in flags  # plain-HTTP development would lose the session
    assert "Strict-Transport-Security" not in response.headers


def test_secure_cookies_behind_tls(make_app, make_user, monkeypatch):
    monkeypatch.setenv("AUDARMA_SECURE_COOKIES", "1")
    app = make_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    make_user("editor", email="tls@example.test", app=app)
    client = app.test_client()
    response = client.post("/login", data={"email": "tls@example.test",
                                           "password": "password123"},
                           base_url="https://desk.example.test")
    cookies = _cookie_flags(response)
    assert "session" in cookies
    for flags in cookies.values():
        assert "; secure" in flags and "httponly" in flags and "samesite=lax" in flags
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    sign_out = client.post("/logout", base_url="https://desk.example.test")
    assert all("; secure" in flags for flags in _cookie_flags(sign_out).values())


def test_eleventh_login_attempt_in_a_minute_is_refused(make_app, make_user):
    app = make_app(RATELIMIT_ENABLED=True)
    make_user("editor", email="target@example.test", app=app)
    client = app.test_client()
    codes = [client.post("/login", data={"email": f"guess{n}@example.test",  # no slow hash
                                         "password": f"guess{n}"}).status_code
             for n in range(11)]
    assert codes == [401] * 10 + [429]
    # even the right password waits: the limit is per client address, not per correct guess
    right = client.post("/login", data={"email": "target@example.test",
                                        "password": "password123"})
    assert right.status_code == 429
    assert b"Traceback" not in right.data
    assert_security_headers(right, "429")
    # another address is not affected
    other = client.post("/login", data={"email": "target@example.test",
                                        "password": "password123"},
                        environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 302
