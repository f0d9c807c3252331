"""The app factory, configuration under one instance directory, health and CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner


def test_importing_modules_does_nothing(tmp_path):
    """Importing the packages creates no files, opens no database and loads no model."""
    code = (
        "import os, sys; os.chdir(sys.argv[1]);"
        "import web, web.health, tasks.celery_app, workflow.jobs.queue, translations.engine;"
        "print(sorted(os.listdir('.')))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                         text=True, check=True, cwd=Path(__file__).parents[2])
    assert out.stdout.strip() == "[]"


def test_everything_lives_under_the_instance_directory(make_app, tmp_path):
    first = make_app(INSTANCE_DIR=str(tmp_path / "a"))
    second = make_app(INSTANCE_DIR=str(tmp_path / "b"))
    assert first.config["DATABASE_URL"].endswith(str(tmp_path / "a" / "audarma.db"))
    assert first.config["PACKAGES_DIR"].startswith(str(tmp_path / "a"))
    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]
    assert (tmp_path / "a" / "secret_key").stat().st_mode & 0o077 == 0
    # the secret key is kept across restarts of the same instance
    again = make_app(INSTANCE_DIR=str(tmp_path / "a"))
    assert again.config["SECRET_KEY"] == first.config["SECRET_KEY"]
    folders = first.config["CELERY"]["broker_transport_options"]
    assert folders["data_folder_in"].startswith(str(tmp_path / "a"))


def test_production_settings_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://db.example/audarma")
    monkeypatch.setenv("REDIS_URL", "redis://cache.example:6379/0")
    monkeypatch.setenv("SECRET_KEY", "from-env")
    from web.config import load_config

    config = load_config({"INSTANCE_DIR": str(tmp_path / "prod")})
    assert config["DATABASE_URL"] == "postgresql+psycopg://db.example/audarma"
    assert config["CELERY"]["broker_url"] == "redis://cache.example:6379/0"
    assert config["SECRET_KEY"] == "from-env"
    assert config["CELERY"]["task_acks_late"] is True
    assert config["CELERY"]["task_serializer"] == "json"


def _admin_client(app, make_user):
    """A test client signed in as an admin: only admins see the health details."""
    make_user("admin", email="health-admin@example.test", app=app)
    client = app.test_client()
    client.post("/login", data={"email": "health-admin@example.test", "password": "password123"})
    return client


def test_healthz_reports_each_part(app, make_user):
    response = _admin_client(app, make_user).get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["database"]["ok"] is True
    assert body["broker"] == {"ok": True, "transport": "filesystem"}
    assert body["workers"]["ok"] is False  # nobody is running a worker in this test
    assert body["models"]["ok"] is False and body["models"]["installed"] == []
    assert body["models"]["device"]["requested"] == "auto"
    assert set(body["degraded"]) == {"workers", "models"}


def test_healthz_says_when_the_broker_is_down(make_app, make_user):
    app = make_app(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
    app.extensions["celery"].conf.broker_url = "redis://127.0.0.1:1/0"
    body = _admin_client(app, make_user).get("/healthz").get_json()
    assert body["broker"]["ok"] is False
    assert "broker" in body["degraded"]


def test_unknown_page_is_a_clear_error_not_a_trace(client):
    response = client.get("/api/v1/nope")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    page = client.get("/nope")
    assert b"Traceback" not in page.data and b"404" in page.data


def test_cli_lists_commands_and_models_json(app, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["--help"])
    for command in ("run", "worker", "db", "users", "models"):
        assert command in result.output
    result = runner.invoke(args=["models", "list", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output) == []


def test_cli_creates_users_with_password_from_stdin(make_app):
    from workflow.models import User

    app = make_app(SCHEMA="migrate")
    db = app.extensions["audarma.db"]
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "Tr@Example.test", "--role", "translator",
                                 "--languages", "kk,ru"], input="correct horse battery\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.query(User).one()
        assert user.email == "tr@example.test"
        assert user.languages == ["kk", "ru"]
        assert user.password_hash.startswith("$argon2")
    again = runner.invoke(args=["users", "create", "tr@example.test", "--role", "editor"],
                          input="correct horse battery\n")
    assert again.exit_code != 0 and "already exists" in again.output
    weak = runner.invoke(args=["users", "create", "x@example.test", "--role", "editor"],
                         input="short\n")
    assert weak.exit_code != 0 and "at least" in weak.output


def test_first_admin_is_created_once(app, db):
    from workflow.users import ensure_first_admin, verify_password

    with app.app_context(), db.transaction() as session:
        user, password = ensure_first_admin(session)
        assert verify_password(user, password)
        assert len(password) >= 12
    with app.app_context(), db.transaction() as session:
        assert ensure_first_admin(session) is None


def test_console_script_is_installed():
    result = CliRunner().invoke(__import__("web.cli", fromlist=["main"]).main, ["--help"])
    assert result.exit_code == 0
    assert "Audarma" in result.output


def test_cli_on_an_unmigrated_database_says_what_to_do(make_app):
    app = make_app(SCHEMA="none")
    result = app.test_cli_runner().invoke(args=["users", "create", "x@example.test", "--role",
                                                "editor"], input="long enough password\n")
    assert result.exit_code != 0
    assert "audarma db upgrade" in result.output
    assert "Traceback" not in result.output
