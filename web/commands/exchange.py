"""``audarma tmx`` and ``audarma tbx``: memory as TMX 1.4b, glossaries as TBX-Basic."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from web.boundary import cli_unit
from workflow.exchange import tbx, tmx
from workflow.models import User
from workflow.vocabulary import LANGUAGES

LANGUAGE = click.Choice(LANGUAGES)


def register(app: Flask) -> None:
    """Add the ``tmx`` and ``tbx`` groups."""

    @app.cli.group("tmx")
    def tmx_group() -> None:
        """Translation memory as TMX 1.4b, one language direction per file."""

    @tmx_group.command("export")
    @click.option("--from", "source", required=True, type=LANGUAGE)
    @click.option("--to", "target", required=True, type=LANGUAGE)
    @click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
    def export(source: str, target: str, out: Path) -> None:
        """Write every usable memory pair of SOURCE→TARGET to OUT."""
        from web.commands import require_schema

        require_schema()
        with current_app.extensions["audarma.db"].transaction() as session:
            data = tmx.export_memory(session, source, target)
        out.write_bytes(data)
        click.echo(f"wrote {data.count(b'<tu ')} pair(s) {source}→{target} to {out}")

    @tmx_group.command("import")
    @click.option("--from", "source", required=True, type=LANGUAGE)
    @click.option("--to", "target", required=True, type=LANGUAGE)
    @click.option("--as", "email", required=True, help="The admin the pairs are recorded under.")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_(source: str, target: str, email: str, path: Path) -> None:
        """Store the new SOURCE→TARGET pairs of a TMX file as approved memory."""
        from web.commands import require_schema

        require_schema()
        with cli_unit() as session:
            user = session.scalar(select(User).where(func.lower(User.email) == email.lower()))
            if user is None or not user.is_active or not user.has_role("admin"):
                raise click.ClickException(f"{email} is not an active admin.")
            result = tmx.import_memory(session, path.read_bytes(), source, target, user.id)
        click.echo(f"stored {result.stored} pair(s), skipped {result.skipped}")

    @app.cli.group("tbx")
    def tbx_group() -> None:
        """Glossary terms as TBX-Basic, one language pair per file."""

    @tbx_group.command("export")
    @click.option("--from", "source", required=True, type=LANGUAGE)
    @click.option("--to", "target", required=True, type=LANGUAGE)
    @click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
    def tbx_export(source: str, target: str, out: Path) -> None:
        """Write the SOURCE→TARGET glossary to OUT."""
        from web.commands import require_schema

        require_schema()
        with current_app.extensions["audarma.db"].transaction() as session:
            data = tbx.export_glossary(session, source, target)
        out.write_bytes(data)
        click.echo(f"wrote {data.count(b'<termEntry')} term(s) {source}→{target} to {out}")

    @tbx_group.command("import")
    @click.option("--from", "source", required=True, type=LANGUAGE)
    @click.option("--to", "target", required=True, type=LANGUAGE)
    @click.option("--as", "email", required=True, help="The admin the terms are recorded under.")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def tbx_import(source: str, target: str, email: str, path: Path) -> None:
        """Add the SOURCE→TARGET terms of a TBX file the glossary lacks."""
        from web.commands import require_schema

        require_schema()
        with cli_unit() as session:
            user = session.scalar(select(User).where(func.lower(User.email) == email.lower()))
            if user is None or not user.is_active or not user.has_role("admin"):
                raise click.ClickException(f"{email} is not an active admin.")
            result = tbx.import_glossary(session, path.read_bytes(), source, target, user.id)
        click.echo(f"added {result.added} term(s), skipped {len(result.skipped)}")
        for skipped in result.skipped:
            click.echo(f"  skipped {skipped['term']!r}: {skipped['reason']}")
