"""Who may call what: every route × anonymous, translator, editor, admin, one line per route.

A new route without a line here fails ``test_every_route_has_an_entry``. Ids in URLs point at
rows that do not exist, so a role that passes the gate gets 404 and a role that does not gets
302 (to sign-in), 401 (API without key) or 403 — the gate itself is what is tested.
"""

from __future__ import annotations

import pytest

ROLES = ("anonymous", "translator", "editor", "admin")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
MISSING_ID = 987654
NO_KEY = (401, 401, 401, 401)  # API and feeds: cookies are never enough, a key is required

# "METHOD rule": (anonymous, translator, editor, admin)
EXPECTED: dict[str, tuple[int, int, int, int]] = {
    "GET /static/<path:filename>": (404, 404, 404, 404),
    "GET /healthz": (200, 200, 200, 200),
    "GET /login": (200, 200, 200, 200),
    "POST /login": (401, 401, 401, 401),  # empty form: refused, never a 500
    "POST /logout": (302, 302, 302, 302),
    "GET /": (302, 200, 200, 200),
    "GET /desk/matrix": (302, 200, 200, 200),
    "GET /my-work": (302, 200, 403, 200),
    "POST /editions/<int:edition_id>/take": (302, 404, 403, 404),
    "POST /editions/<int:edition_id>/assign": (302, 403, 404, 404),
    "GET /editions/<int:edition_id>": (302, 404, 404, 404),
    "POST /segments/<int:translation_id>/save": (302, 422, 403, 422),  # no JSON body: 422
    "POST /segments/<int:translation_id>/confirm": (302, 422, 403, 422),
    "POST /editions/<int:edition_id>/comments": (302, 404, 404, 404),
    "POST /editions/<int:edition_id>/submit": (302, 404, 404, 404),  # editors submit sources
    "POST /editions/<int:edition_id>/credits": (302, 404, 403, 404),
    "POST /editions/<int:edition_id>/approve": (302, 403, 404, 404),
    "POST /editions/<int:edition_id>/send-back": (302, 403, 404, 404),
    "GET /editions/<int:edition_id>/preview": (302, 404, 404, 404),
    "GET /editions/<int:edition_id>/history": (302, 404, 404, 404),
    "GET /editions/<int:edition_id>/xliff": (302, 404, 404, 404),
    "POST /editions/<int:edition_id>/xliff": (302, 422, 403, 422),  # no file: 422
    "GET /api/v1/editions/<int:edition_id>/xliff": NO_KEY,
    "POST /api/v1/editions/<int:edition_id>/xliff": NO_KEY,
    # anonymous without Accept: text/html is a Prometheus scrape, and loopback is an allowed
    # scraper address (tests/jobs/test_prometheus.py covers the other addresses and keys)
    "GET /metrics": (200, 403, 200, 200),
    "POST /account/locale": (302, 302, 302, 302),
    # one's own account: empty forms are refused (wrong current password, unnamed token)
    "GET /account": (302, 200, 200, 200),
    "POST /account/timezone": (302, 302, 302, 302),  # empty: back to the newsroom's zone
    "POST /account/password": (302, 403, 403, 403),
    "POST /account/tokens": (302, 422, 422, 422),
    "POST /account/tokens/<int:key_id>/revoke": (302, 404, 404, 404),
    # ingest: pages for editors, API for user keys (the OpenAPI description is public)
    "GET /articles/new": (302, 403, 200, 200),
    "POST /articles/new": (302, 403, 422, 422),  # empty form
    "POST /articles/preview": (302, 403, 200, 200),  # empty form: errors shown on the page
    "POST /articles/upload": (302, 403, 422, 422),
    "GET /articles/<int:article_id>": (302, 404, 404, 404),
    "GET /articles/<int:article_id>/progress": (302, 404, 404, 404),
    "GET /articles/<int:article_id>/source": (302, 403, 404, 404),
    "POST /articles/<int:article_id>/source": (302, 403, 404, 404),
    "POST /api/v1/articles": NO_KEY,
    "GET /api/v1/articles/<int:article_id>": NO_KEY,
    "GET /api/v1/openapi.json": (200, 200, 200, 200),
    # publishing: editor pages (each action behind a confirmation page), admin partners
    "GET /publishing/": (302, 403, 200, 200),
    "GET /publishing/editions/<int:edition_id>/<action>": (302, 403, 404, 404),
    "POST /publishing/editions/<int:edition_id>/<action>": (302, 403, 404, 404),
    "GET /publishing/articles/<int:article_id>/kill": (302, 403, 404, 404),
    "POST /publishing/articles/<int:article_id>/kill": (302, 403, 404, 404),
    "GET /api/v1/publishing": NO_KEY,
    "POST /api/v1/editions/<int:edition_id>/publishing/<action>": NO_KEY,
    "POST /api/v1/articles/<int:article_id>/kill": NO_KEY,
    "GET /admin/partners/": (302, 403, 403, 200),
    "POST /admin/partners/<int:partner_id>/provenance": (302, 403, 403, 302),
    # corrections across languages, memory hygiene, audit exports (issue 23)
    "GET /corrections": (302, 200, 200, 200),
    "POST /editions/<int:edition_id>/correction/dismiss": (302, 403, 404, 404),
    "GET /admin/memory/": (302, 403, 403, 200),
    "POST /admin/memory/<int:entry_id>/delete": (302, 403, 403, 404),
    "POST /admin/memory/<int:entry_id>/retract": (302, 403, 403, 404),
    "GET /articles/<int:article_id>/audit.csv": (302, 403, 404, 404),
    "GET /articles/<int:article_id>/audit.json": (302, 403, 404, 404),
    "POST /admin/partners/": (302, 403, 403, 302),
    "GET /admin/partners/<int:partner_id>": (302, 403, 403, 404),
    "POST /admin/partners/<int:partner_id>/deliveries/<int:delivery_id>/retry": (302, 403, 403, 302),  # noqa: E501
    "POST /admin/partners/<int:partner_id>/keys": (302, 403, 403, 302),
    "POST /admin/partners/<int:partner_id>/keys/<int:key_id>/revoke": (302, 403, 403, 302),
    "POST /admin/partners/<int:partner_id>/webhook": (302, 403, 403, 302),
    "POST /admin/partners/<int:partner_id>/webhook/secret": (302, 403, 403, 302),
    # admin: models, glossary, people
    "GET /admin/": (302, 403, 403, 200),
    "POST /admin/models": (302, 403, 403, 422),  # no file
    "POST /admin/models/<code>/remove": (302, 403, 403, 404),
    "GET /admin/models/": (302, 403, 403, 200),
    "POST /admin/models/noncommercial": (302, 403, 403, 302),  # empty form: forbid
    "POST /admin/glossary": (302, 403, 403, 422),  # empty form
    "GET /admin/glossary.csv": (302, 403, 403, 200),
    "POST /admin/glossary/import": (302, 403, 403, 422),
    "POST /admin/glossary/<int:term_id>/delete": (302, 403, 403, 404),
    "POST /admin/users": (302, 403, 403, 422),
    "POST /admin/users/<int:user_id>/reset": (302, 403, 403, 404),
    "POST /admin/users/<int:user_id>/deactivate": (302, 403, 403, 404),
    "POST /admin/users/<int:user_id>/reactivate": (302, 403, 403, 404),
    "POST /admin/tokens/<int:key_id>/revoke": (302, 403, 403, 404),
    # jobs: editors retry and cancel; the same through the API with a user key
    "POST /jobs/<int:job_id>/retry": (302, 403, 404, 404),
    "POST /jobs/articles/<int:article_id>/cancel": (302, 403, 404, 404),
    "POST /api/v1/jobs/<int:job_id>/retry": NO_KEY,
    "POST /api/v1/articles/<int:article_id>/cancel": NO_KEY,
    # publishing: partner API and feeds
    "GET /api/v1/items": NO_KEY,
    "GET /api/v1/items/<path:uri>": NO_KEY,
    "GET /feeds/<language>.<fmt>": NO_KEY,
    # public permalinks of published editions: no key, no session (nothing published: 404)
    "GET /<language>/<int(fixed_digits=4):year>/<int(fixed_digits=2):month>/<slug_id>": (
        404, 404, 404, 404),
}


def route_keys(app) -> set[str]:
    """Every "METHOD rule" pair the app serves (HEAD and OPTIONS are Flask's own)."""
    return {f"{method} {rule.rule}" for rule in app.url_map.iter_rules()
            for method in METHODS if method in rule.methods}


def concrete_url(app, key: str) -> str:
    """The rule with every variable filled: ids that do not exist, names that match nothing."""
    method, rule_text = key.split(" ", 1)
    rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text)
    values = {}
    for name in rule.arguments:
        from werkzeug.routing.converters import NumberConverter

        numeric = isinstance(rule._converters[name], NumberConverter)
        values[name] = MISSING_ID if numeric else "nonexistent"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def test_every_route_has_an_entry(app):
    served = route_keys(app)
    missing = sorted(served - EXPECTED.keys())
    stale = sorted(EXPECTED.keys() - served)
    assert not missing, "add a line to EXPECTED for: " + ", ".join(missing)
    assert not stale, "remove the lines for routes that no longer exist: " + ", ".join(stale)


@pytest.fixture
def clients(app, make_user, sign_in):
    clients = {"anonymous": app.test_client()}
    for role, languages in (("translator", "kk"), ("editor", None), ("admin", None)):
        user = make_user(role, languages=languages, email=f"{role}@matrix.test")
        clients[role] = sign_in(f"{role}@matrix.test")
        assert user
    return clients


def test_authorisation_matrix(app, clients):
    wrong = []
    keys = sorted(route_keys(app) & EXPECTED.keys(), key=lambda k: (k == "POST /logout", k))
    for key in keys:  # signing out last keeps every client signed in for the other routes
        method, _rule = key.split(" ", 1)
        url = concrete_url(app, key)
        for role, expected in zip(ROLES, EXPECTED[key], strict=True):
            response = clients[role].open(url, method=method)
            if response.status_code != expected:
                wrong.append(f"{key} as {role}: {response.status_code} (expected {expected})")
            assert response.status_code != 500, f"{key} as {role} crashed"
    assert not wrong, "\n".join(wrong)


# The JSON API with a person's key: the same permission table as the dashboard decides.
KEY_ROLES = ("translator", "editor", "admin")
API_EXPECTED: dict[str, tuple[int, int, int]] = {
    "POST /api/v1/articles": (403, 201, 201),
    "GET /api/v1/articles/<int:article_id>": (404, 404, 404),
    "POST /api/v1/articles/<int:article_id>/cancel": (403, 404, 404),
    "POST /api/v1/jobs/<int:job_id>/retry": (403, 404, 404),
    "GET /api/v1/openapi.json": (200, 200, 200),
    "GET /api/v1/editions/<int:edition_id>/xliff": (404, 404, 404),
    "POST /api/v1/editions/<int:edition_id>/xliff": (404, 404, 404),
    "GET /api/v1/publishing": (403, 200, 200),
    # the role is checked first; an editor's post with fields of another form is refused
    "POST /api/v1/editions/<int:edition_id>/publishing/<action>": (403, 422, 422),
    "POST /api/v1/articles/<int:article_id>/kill": (403, 422, 422),
    "GET /api/v1/items": (401, 401, 401),  # partner keys only
    "GET /api/v1/items/<path:uri>": (401, 401, 401),
}


def test_every_api_route_has_a_key_entry(app):
    served = {key for key in route_keys(app) if key.split(" ", 1)[1].startswith("/api/")}
    assert served == API_EXPECTED.keys()


def test_api_matrix_with_user_keys(app, make_user):
    from workflow.partners.keys import issue_key

    db = app.extensions["audarma.db"]
    headers = {}
    for role, languages in (("translator", "kk"), ("editor", None), ("admin", None)):
        user_id = make_user(role, languages=languages, email=f"{role}@api-matrix.test")
        with app.app_context(), db.transaction() as session:
            headers[role] = {"Authorization": f"Bearer {issue_key(session, user_id=user_id)[1]}"}
    client, wrong = app.test_client(), []
    for key, expected in sorted(API_EXPECTED.items()):
        method, _rule = key.split(" ", 1)
        url = concrete_url(app, key)
        for role, status in zip(KEY_ROLES, expected, strict=True):
            body = {"body": f"Matrix story for {role}\n\nThe council met today.",
                    "language": "en", "targets": ["kk"]} if method == "POST" else None
            response = client.open(url, method=method, json=body, headers=headers[role])
            if response.status_code != status:
                wrong.append(f"{key} as {role}: {response.status_code} (expected {status})")
    assert not wrong, "\n".join(wrong)


# The table itself, role × action × language, as the services ask it.
@pytest.mark.parametrize(("roles", "languages", "action", "language", "allowed"), [
    (["translator"], ["kk"], "edit_segment", "kk", True),
    (["translator"], ["kk"], "edit_segment", "ru", False),
    (["translator"], ["kk"], "comment", "ru", False),  # comments follow the edit language rule
    (["translator"], ["kk"], "comment", "kk", True),
    (["translator"], ["kk"], "ingest", None, False),
    (["translator"], ["kk"], "cancel_jobs", None, False),
    (["translator"], ["kk"], "retry_job", None, False),
    (["translator"], ["kk"], "approve", "kk", False),
    (["translator"], ["en"], "submit_source", "en", True),
    (["editor"], ["ru"], "approve", "kk", False),
    (["editor"], ["ru"], "approve", "ru", True),
    (["editor"], [], "publish", "kk", True),
    (["editor"], [], "edit_segment", "kk", False),
    (["editor"], [], "submit", "kk", False),
    (["editor"], [], "submit_source", "en", True),
    (["editor"], [], "admin", None, False),
    (["admin"], [], "edit_segment", "kk", True),
    (["admin"], [], "admin", None, True),
])
def test_permission_table(roles, languages, action, language, allowed):
    from types import SimpleNamespace

    from workflow.permissions import allowed as may

    person = SimpleNamespace(roles=roles, languages=languages, is_active=True)
    assert may(person, action, language) is allowed


def test_every_page_gate_comes_from_the_table(app):
    """A page's role gate is the table's roles for its action, never a list of its own."""
    from workflow.permissions import PERMISSIONS

    allowed_sets = {tuple(sorted(rule.roles)) for rule in PERMISSIONS.values()}
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        roles = getattr(view, "required_roles", None)
        if roles is not None and roles:
            assert tuple(sorted(roles)) in allowed_sets, rule.rule
