"""First start: migrate, create the first admin, import the demo article, explain models."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import func, select

from workflow import clock, migrations
from workflow.db import utcnow
from workflow.models import Article
from workflow.users import ensure_first_admin

DEMO_ARTICLE = Path(__file__).resolve().parent.parent / "demo" / "article.txt"
FIRST_PASSWORD_FILE = "first-admin-password"


def write_first_password(instance_dir: str | Path, email: str, password: str) -> Path:
    """Keep the first admin's one-time password in a 0600 file, never in the server's log."""
    path = Path(instance_dir) / FIRST_PASSWORD_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(f"{email}\n{password}\n")
    return path


def forget_first_password(instance_dir: str | Path, email: str) -> None:
    """Delete the one-time password file once its admin has chosen a password."""
    path = Path(instance_dir) / FIRST_PASSWORD_FILE
    try:
        if path.read_text(encoding="utf-8").split("\n", 1)[0] == email:
            path.unlink()
    except OSError:
        pass


def bootstrap(app: Flask, demo: bool = True) -> None:
    """Everything ``audarma run`` does before starting the processes."""
    migrations.upgrade(app.config["DATABASE_URL"])
    database = app.extensions["audarma.db"]
    with app.app_context(), database.transaction() as session:
        created = ensure_first_admin(session)
        if created:
            user, password = created
            path = write_first_password(app.config["INSTANCE_DIR"], user.email, password)
            click.secho("First start: an admin account was created.", fg="green", bold=True)
            click.echo(f"  sign in at /login as {user.email} with the one-time password in")
            click.echo(f"  {path} (readable by this account only; it must be changed at the")
            click.echo("  first sign-in, and the file is deleted then)")
        zone = clock.zone(app.config["TIMEZONE"])
        click.echo(f"Newsroom time zone: {zone.key} "
                   f"({clock.offset_label(utcnow(), zone)}); set AUDARMA_TIMEZONE "
                   "(an IANA name) to change it")
        if demo and not session.scalar(select(func.count()).select_from(Article)):
            _import_demo(app, session)
    _explain_models(app)


def _import_demo(app: Flask, session) -> None:
    try:
        from workflow.ingest.service import ingest_text
    except ImportError:  # pragma: no cover - during early development
        return
    result = ingest_text(session, DEMO_ARTICLE.read_text(encoding="utf-8"), source="demo",
                         targets=None, user_id=None)
    click.echo(f"Imported the demo article #{result.article.id}: {result.article.title}")


def _explain_models(app: Flask) -> None:
    from translations.packages import PackageStore

    installed = PackageStore(app.config["PACKAGES_DIR"]).installed()
    if installed:
        click.echo("Translation models: " + ", ".join(p.code for p in installed))
        return
    click.secho("No translation model is installed: jobs wait in 'waiting_for_model' and resume "
                "by themselves once one is.", fg="yellow")
    click.echo("  install a package:      audarma models install PATH.argosmodel")
    click.echo("  (online) from the index: audarma models install translate-en_ru")
    click.echo("  Kazakh (NLLB-200):      audarma models convert-nllb ... (see docs/models.md)")
    click.echo("  pipeline demo only:     audarma models build-random demo.argosmodel "
               "--languages kk,ru,en && audarma models install demo.argosmodel")
