"""The partners CLI, the partner admin page and the publishing desk."""

from __future__ import annotations

import re

from tests.publishing.conftest import bearer


def test_cli_creates_rotates_and_revokes_keys(app, client):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["partners", "create", "Kazinform", "--languages", "kk,ru"])
    assert created.exit_code == 0, created.output
    key_id, secret = re.search(r"key (\d+): (ak_\S+)", created.output).groups()
    assert client.get("/feeds/kk.rss", headers=bearer(secret)).status_code == 200
    assert client.get("/feeds/en.rss", headers=bearer(secret)).status_code == 403

    rotated = runner.invoke(args=["partners", "key", "Kazinform"])
    new_secret = re.search(r"key \d+: (ak_\S+)", rotated.output).group(1)
    assert runner.invoke(args=["partners", "revoke", key_id]).exit_code == 0
    assert client.get("/feeds/kk.rss", headers=bearer(secret)).status_code == 401
    assert client.get("/feeds/kk.rss", headers=bearer(new_secret)).status_code == 200

    duplicate = runner.invoke(args=["partners", "create", "Kazinform", "--languages", "kk"])
    assert duplicate.exit_code != 0 and "exists already" in duplicate.output
    bad = runner.invoke(args=["partners", "create", "X", "--languages", "de"])
    assert bad.exit_code != 0 and "Languages must be" in bad.output


def _login(client, user_id_email):
    return client.post("/login", data={"email": user_id_email, "password": "password123"})


def test_partner_admin_page_is_for_admins_and_shows_prefix_only(app, client, make_user,
                                                                make_partner):
    partner_id, _kid, secret = make_partner(name="Tengri")
    make_user("editor", email="ed@example.test")
    make_user("admin", email="boss@example.test")
    _login(client, "ed@example.test")
    assert client.get(f"/admin/partners/{partner_id}").status_code == 403
    client.post("/logout")
    _login(client, "boss@example.test")
    page = client.get(f"/admin/partners/{partner_id}").get_data(as_text=True)
    assert "Tengri" in page and secret[:11] in page and secret not in page
    client.post(f"/admin/partners/{partner_id}/webhook", data={"webhook_url": "ftp://x"})
    assert "http:// or https://" in client.get(f"/admin/partners/{partner_id}").get_data(
        as_text=True)
    client.post(f"/admin/partners/{partner_id}/webhook",
                data={"webhook_url": "https://partner.example/hook"})
    assert "https://partner.example/hook" in client.get(
        f"/admin/partners/{partner_id}").get_data(as_text=True)
    shown = client.post(f"/admin/partners/{partner_id}/keys", data={"label": "rotation"})
    new_secret = re.search(r"ak_[A-Za-z0-9_-]{20,}", shown.get_data(as_text=True)).group(0)
    assert client.get("/feeds/kk.rss", headers=bearer(new_secret)).status_code == 200


def test_publishing_desk_publishes_schedules_and_kills(app, client, make_user, make_story):
    from workflow.models import Publication

    story = make_story()
    make_user("editor", email="ed@example.test")
    _login(client, "ed@example.test")
    assert "Flood waters recede" in client.get("/publishing/").get_data(as_text=True)
    client.post(f"/publishing/editions/{story['kk']}/publish", data={})
    client.post(f"/publishing/editions/{story['ru']}/publish",
                data={"embargo_until": "2099-01-01T06:00"})
    page = client.get("/publishing/").get_data(as_text=True)
    # typed in the newsroom's zone (AUDARMA_TIMEZONE, Asia/Almaty by default), shown in it
    assert "embargoed until 1/1/99, 6:00\u202fAM Almaty (UTC+5)" in page  # with its offset
    assert "Almaty (UTC+5)" in page
    refused = client.post(f"/publishing/editions/{story['kk']}/kill", data={"reason": ""})
    assert "Say why" in refused.get_data(as_text=True)
    client.post(f"/publishing/editions/{story['kk']}/kill", data={"reason": "Wrong photo."})
    with app.app_context():
        rows = app.extensions["audarma.db"].session.query(Publication).order_by(
            Publication.id).all()
        assert [(r.language, r.version, r.status) for r in rows] == [
            ("kk", 1, "superseded"), ("ru", 1, "scheduled"), ("kk", 2, "canceled")]
        assert rows[1].embargo_until.isoformat() == "2099-01-01T01:00:00+00:00"
