"""Security review rows 2 and 3: tokens and passwords have a life cycle, sessions end for real.

Row 2: user API tokens are listed, named and revoked (CLI and admin page); the first-start
one-time password is never logged and must be changed at the first sign-in. Row 3: a cookie
copied before ``POST /logout`` (or a password change, or deactivation) no longer signs anyone in.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

PASSWORD = "password123"
NEW_PASSWORD = "a much longer passphrase"


def _client(app, email: str, password: str = PASSWORD):
    client = app.test_client()
    answer = client.post("/login", data={"email": email, "password": password})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
    return client


def _signed_in(client) -> bool:
    """True if the client's cookie opens the dashboard (not a redirect to /login)."""
    answer = client.get("/")
    return answer.status_code == 200


def _copy_cookie(source, target) -> None:
    cookie = source.get_cookie("session")
    target.set_cookie("session", cookie.value)


def _api(app, secret: str) -> int:
    return app.test_client().get("/api/v1/articles/1", headers={
        "Authorization": f"Bearer {secret}"}).status_code


def test_row2_user_token_revocable(app, make_user, make_article):
    make_article([["The river fell overnight."]])
    make_user("admin", email="boss@example.test")
    make_user("editor", email="desk@example.test")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["users", "token", "desk@example.test", "--label", "wire robot"])
    second = runner.invoke(args=["users", "token", "desk@example.test", "--label", "cms plugin"])
    first_secret, second_secret = first.output.strip(), second.output.strip()
    assert _api(app, first_secret) == 200 and _api(app, second_secret) == 200

    listed = runner.invoke(args=["users", "tokens", "desk@example.test"])
    assert listed.exit_code == 0, listed.output
    rows = [line.split("\t") for line in listed.output.strip().splitlines()]
    assert {row[2] for row in rows} == {"wire robot", "cms plugin"}
    assert first_secret not in listed.output and f"ak_{first_secret[3:11]}" in listed.output
    first_id = next(row[0] for row in rows if row[2] == "wire robot")

    # the CLI revokes one token; the other keeps working
    assert runner.invoke(args=["users", "revoke-token", first_id]).exit_code == 0
    assert _api(app, first_secret) == 401 and _api(app, second_secret) == 200
    assert "revoked" in runner.invoke(args=["users", "tokens"]).output

    # the admin page lists people's tokens by name and revokes them
    boss = _client(app, "boss@example.test")
    page = boss.get("/admin/").get_data(as_text=True)
    assert "cms plugin" in page and second_secret not in page
    second_id = next(row[0] for row in rows if row[2] == "cms plugin")
    assert boss.post(f"/admin/tokens/{second_id}/revoke").status_code == 302
    assert _api(app, second_secret) == 401

    # a person sees and revokes only their own tokens
    own = _client(app, "desk@example.test")
    created = own.post("/account/tokens", data={"label": "laptop script"})
    mine = re.search(r'<code id="new-token">(ak_[\w-]+)</code>', created.get_data(as_text=True))
    assert created.status_code == 201 and mine and _api(app, mine.group(1)) == 200
    boss_token = runner.invoke(args=["users", "token", "boss@example.test"]).output.strip()
    boss_id = next(line.split("\t")[0] for line in runner.invoke(
        args=["users", "tokens", "boss@example.test"]).output.splitlines())
    assert own.post(f"/account/tokens/{boss_id}/revoke").status_code == 404
    assert _api(app, boss_token) == 200


def test_row2_partner_keys_are_not_user_tokens(app, make_partner):
    _pid, key_id, _secret = make_partner()
    result = app.test_cli_runner().invoke(args=["users", "revoke-token", str(key_id)])
    assert result.exit_code != 0 and "No user token" in result.output


def test_row2_first_admin_password_never_logged_and_changed_at_first_sign_in(
        make_app, capsys, caplog):
    from web.commands.bootstrap import bootstrap

    app = make_app(SCHEMA="none")
    bootstrap(app, demo=False)
    printed = capsys.readouterr().out
    path = Path(app.config["INSTANCE_DIR"]) / "first-admin-password"
    email, password = path.read_text().split()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert password not in printed and password not in caplog.text
    assert str(path) in printed and "Newsroom time zone: Asia/Almaty (UTC+5)" in printed

    client = app.test_client()
    answer = client.post("/login", data={"email": email, "password": password})
    assert answer.headers["Location"].endswith("/account#password")
    # nothing else opens until the one-time password is replaced
    for path_ in ("/", "/admin/", "/publishing/"):
        assert client.get(path_).headers.get("Location", "").endswith("/account#password")
    assert client.get("/api/v1/articles/1", headers={"Accept": "application/json"}
                      ).status_code == 403
    client.post("/account/password", data={"current_password": password,
                                           "new_password": NEW_PASSWORD,
                                           "confirm_password": NEW_PASSWORD})
    assert client.get("/admin/").status_code == 200
    assert not path.exists()
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": email, "password": password}).status_code == 401


def test_row2_admin_reset_gives_a_one_time_password(app, make_user):
    make_user("admin", email="boss@example.test")
    user_id = make_user("translator", email="aru@example.test")
    victim_session = _client(app, "aru@example.test")
    boss = _client(app, "boss@example.test")
    page = boss.post(f"/admin/users/{user_id}/reset").get_data(as_text=True)
    one_time = re.search(r'id="one-time">[^<]*<code>([^<]+)</code>', page).group(1)
    assert not _signed_in(victim_session)  # the reset ends the person's sessions
    assert app.test_client().post("/login", data={
        "email": "aru@example.test", "password": PASSWORD}).status_code == 401
    person = app.test_client()
    answer = person.post("/login", data={"email": "aru@example.test", "password": one_time})
    assert answer.headers["Location"].endswith("/account#password")
    refused = person.post("/account/password", data={"current_password": "wrong one",
                                                     "new_password": NEW_PASSWORD,
                                                     "confirm_password": NEW_PASSWORD})
    assert refused.status_code == 403 and "The current password is wrong." in refused.get_data(
        as_text=True)
    person.post("/account/password", data={"current_password": one_time,
                                           "new_password": NEW_PASSWORD,
                                           "confirm_password": NEW_PASSWORD})
    assert _signed_in(person)
    _client(app, "aru@example.test", NEW_PASSWORD)


def test_row3_logout_ends_cookie(app, make_user):
    make_user("editor", email="desk@example.test")
    browser = _client(app, "desk@example.test")
    thief = app.test_client()
    _copy_cookie(browser, thief)
    assert _signed_in(thief)  # the copy works while the session lives
    assert browser.post("/logout").status_code == 302
    assert not _signed_in(thief)
    assert thief.get("/").headers["Location"].startswith("/login")


def test_row3_password_change_ends_other_sessions(app, make_user):
    make_user("editor", email="desk@example.test")
    laptop = _client(app, "desk@example.test")
    phone = _client(app, "desk@example.test")
    answer = laptop.post("/account/password", data={"current_password": PASSWORD,
                                                    "new_password": NEW_PASSWORD,
                                                    "confirm_password": NEW_PASSWORD})
    assert answer.status_code == 302
    assert _signed_in(laptop) and not _signed_in(phone)


def test_row3_deactivation_ends_sessions_and_tokens_at_once(app, make_user, make_article):
    from workflow.models import AuditEvent

    make_article([["The river fell overnight."]])
    make_user("admin", email="boss@example.test")
    user_id = make_user("editor", email="gone@example.test")
    runner = app.test_cli_runner()
    secret = runner.invoke(args=["users", "token", "gone@example.test"]).output.strip()
    desk = _client(app, "gone@example.test")
    assert _signed_in(desk) and _api(app, secret) == 200
    boss = _client(app, "boss@example.test")
    assert boss.post(f"/admin/users/{user_id}/deactivate").status_code == 302
    assert not _signed_in(desk) and _api(app, secret) == 401
    assert app.test_client().post("/login", data={
        "email": "gone@example.test", "password": PASSWORD}).status_code == 401
    # reactivation lets them sign in again, but the ended token stays revoked
    assert boss.post(f"/admin/users/{user_id}/reactivate").status_code == 302
    _client(app, "gone@example.test")
    assert _api(app, secret) == 401
    with app.app_context():
        actions = app.extensions["audarma.db"].session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("user.%"))).all()
    assert actions == ["user.deactivated", "user.reactivated"]


def test_cli_passwd_reset_deactivate_reactivate_list(app, make_user):
    make_user("admin", email="boss@example.test")
    make_user("translator", email="aru@example.test")
    runner = app.test_cli_runner()
    phone = _client(app, "aru@example.test")
    assert runner.invoke(args=["users", "passwd", "aru@example.test"],
                         input=NEW_PASSWORD + "\n").exit_code == 0
    assert not _signed_in(phone)
    _client(app, "aru@example.test", NEW_PASSWORD)
    short = runner.invoke(args=["users", "passwd", "aru@example.test"], input="short\n")
    assert short.exit_code != 0 and "at least 10 characters" in short.output

    one_time = runner.invoke(args=["users", "reset", "aru@example.test"]).output.strip()
    assert "one-time password" in runner.invoke(args=["users", "list"]).output
    answer = app.test_client().post("/login", data={"email": "aru@example.test",
                                                    "password": one_time})
    assert answer.headers["Location"].endswith("/account#password")

    assert runner.invoke(args=["users", "deactivate", "aru@example.test"]).exit_code == 0
    listing = runner.invoke(args=["users", "list"]).output
    assert re.search(r"aru@example\.test\ttranslator\tall\tdeactivated", listing)
    assert runner.invoke(args=["users", "reactivate", "aru@example.test"]).exit_code == 0
    last = runner.invoke(args=["users", "deactivate", "boss@example.test"])
    assert last.exit_code != 0 and "last active admin" in last.output
    assert runner.invoke(args=["users", "deactivate", "nobody@example.test"]).exit_code != 0


def test_an_admin_cannot_deactivate_themselves(app, make_user):
    make_user("admin", email="boss@example.test")
    own_id = make_user("admin", email="other@example.test")
    other = _client(app, "other@example.test")
    page = other.post(f"/admin/users/{own_id}/deactivate")
    assert page.status_code == 409
    assert "You cannot deactivate your own account." in page.get_data(as_text=True)


def test_the_interface_language_is_a_preference_of_the_account(app, make_user):
    """``workflow.users.set_locale``: kk, ru or en is kept; anything else is refused."""
    from workflow import users
    from workflow.errors import InvalidInput, NotFound
    from workflow.models import User

    user_id = make_user("translator", email="lang@example.test")
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        assert users.set_locale(session, user_id, "kk").locale == "kk"
        with pytest.raises(InvalidInput) as refused:
            users.set_locale(session, user_id, "de")
        assert refused.value.code == "unknown_locale"
        with pytest.raises(NotFound):
            users.set_locale(session, user_id + 1, "ru")
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        assert session.get(User, user_id).locale == "kk"
