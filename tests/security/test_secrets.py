"""API keys and passwords never reach a log, the access-log table or the database in clear."""

from __future__ import annotations

import logging
import re
import shlex
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import String, Text, select

from tests.procfile import procfile_web, web_command

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple 7"
WRONG_PASSWORD = "wrong-but-still-secret-42"


@pytest.fixture
def app(make_app):
    """A migrated app: the CLI commands refuse a schema made by create_all."""
    return make_app(SCHEMA="migrate")


def _all_text_in_database(app) -> str:
    """Every string value of every table, joined (to search for secrets)."""
    from workflow.db import Base

    parts = []
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
            if columns:
                for row in session.execute(select(*columns)):
                    parts += [str(v) for v in row if v is not None]
    return "\n".join(parts)


def _log_text(caplog) -> str:
    lines = []
    for record in caplog.records:
        lines.append(record.getMessage())
        lines.append(repr(record.args))
        if record.exc_info:
            lines.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(lines)


def test_secrets_never_logged_or_stored_in_clear(app, caplog, make_story, publish):
    caplog.set_level(logging.DEBUG)
    for edition_id in make_story().values():
        publish("publish_edition", edition_id, None)
    runner = app.test_cli_runner()
    created = runner.invoke(args=["users", "create", "desk@example.test", "--role", "editor"],
                            input=PASSWORD + "\n")
    assert created.exit_code == 0, created.output
    token = runner.invoke(args=["users", "token", "desk@example.test"])
    user_key = token.output.strip().split()[-1]
    partner = runner.invoke(args=["partners", "create", "Wire", "--languages", "kk,ru,en"])
    partner_key = re.search(r"(ak_[\w-]+)", partner.output).group(1)
    assert user_key.startswith("ak_") and partner_key.startswith("ak_")

    client = app.test_client()
    assert client.post("/login", data={"email": "desk@example.test",
                                       "password": WRONG_PASSWORD}).status_code == 401
    assert client.post("/login", data={"email": "desk@example.test",
                                       "password": PASSWORD}).status_code == 302
    bearer = {"Authorization": f"Bearer {user_key}"}
    assert client.get("/api/v1/articles/1", headers=bearer).status_code == 200
    assert client.post("/api/v1/articles", json={"body": "x"}, headers=bearer).status_code == 422
    assert client.get(f"/feeds/kk.rss?key={partner_key}").status_code == 200
    assert client.get(f"/api/v1/items?limit=5&key={partner_key}").status_code == 200
    assert client.get("/api/v1/items?limit=0",
                      headers={"Authorization": f"Bearer {partner_key}"}).status_code == 422
    forged = partner_key[:-4] + "XXXX"
    assert client.get(f"/feeds/kk.rss?key={forged}").status_code == 401

    secrets = {"password": PASSWORD, "wrong password": WRONG_PASSWORD, "user key": user_key,
               "partner key": partner_key, "forged key": forged}
    logged = _log_text(caplog)
    assert len(caplog.records) > 0  # something was logged, so the search below is not vacuous
    stored = _all_text_in_database(app)
    for name, secret in secrets.items():
        assert secret not in logged, f"{name} was logged"
        assert secret not in stored, f"{name} is stored in clear"
    # keys are shown to the operator exactly once, on the command line that created them
    assert partner.output.count(partner_key) == 1 and token.output.count(user_key) == 1
    assert PASSWORD not in created.output

    from workflow.models import AccessLog

    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        paths = [row.path for row in session.scalars(select(AccessLog))]
    assert "/feeds/kk.rss" in paths and "/api/v1/items?limit=5" in paths
    assert not any("key=" in path for path in paths)


def _access_line(logger_class: str, path: str, headers: dict[str, str]) -> str:
    """The access-log line gunicorn's ``logger_class`` writes for one request."""
    import datetime
    import io
    from types import SimpleNamespace

    from gunicorn.config import Config

    config = Config()
    config.set("accesslog", "-")
    config.set("logger_class", logger_class)
    logger = config.logger_class(config)
    stream = io.StringIO()
    for handler in logger.access_log.handlers:
        handler.setStream(stream)
    raw_path, _, query = path.partition("?")
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": path, "PATH_INFO": raw_path,
               "QUERY_STRING": query, "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "1.2.3.4",
               "HTTP_REFERER": f"https://reader.example{path}"}
    request = SimpleNamespace(headers=list(headers.items()))
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    logger.access(response, request, environ, datetime.timedelta(seconds=0.01))
    return stream.getvalue()


def test_redacting_logger_hides_keys_that_gunicorns_default_logs():
    path = "/feeds/kk.rss?since=c1.abc&key=ak_topsecret123&limit=5"
    headers = {"Authorization": "Bearer ak_headersecret456"}
    default = _access_line("gunicorn.glogging.Logger", path, headers)
    assert "ak_topsecret123" in default  # the problem this logger exists for
    redacted = _access_line("web.access_log.RedactingLogger", path, headers)
    assert "ak_topsecret123" not in redacted and "ak_headersecret456" not in redacted
    assert "/feeds/kk.rss?since=c1.abc&key=[redacted]&limit=5" in redacted


def test_procfile_gunicorn_access_log_has_no_key(app, make_story, publish):
    """The production web process (Procfile's command line) serves a feed pulled with ?key=."""
    from workflow.partners.admin import create_partner

    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        _partner, _key, secret = create_partner(session, "Wire", "kk", None, None)
    with procfile_web(app) as (base, log_path):
        with urllib.request.urlopen(f"{base}/feeds/kk.rss?key={secret}") as reply:  # noqa: S310
            assert reply.status == 200
        request = urllib.request.Request(f"{base}/api/v1/items?limit=3",
                                         headers={"Authorization": f"Bearer {secret}"})
        with urllib.request.urlopen(request) as reply:  # noqa: S310
            assert reply.status == 200
    log = log_path.read_text()
    assert "GET /feeds/kk.rss?key=[redacted]" in log, log[-2000:]
    assert "GET /api/v1/items?limit=3" in log
    assert secret not in log
    assert shlex.split(web_command())[0] == "gunicorn"
