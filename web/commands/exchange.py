"""``audarma tmx`` and ``audarma tbx``: memory as TMX 1.4b, glossaries as TBX-Basic."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from flask import Flask, current_app

from web.boundary import cli_unit
from workflow.exchange import tbx, tmx
from workflow.users import find_user
from workflow.vocabulary import LANGUAGES

LANGUAGE = click.Choice(LANGUAGES)


def _exchange_group(app: Flask, name: str, help_text: str, export: Callable, unit: bytes,
                    noun: str, load: Callable, report: Callable) -> None:
    """One ``export FILE`` / ``import FILE`` pair of commands over one language direction."""

    @app.cli.group(name, help=help_text)
    def group() -> None:
        pass

    @group.command("export")
    @click.option("--from", "source", required=True, type=LANGUAGE)
    @click.option("--to", "target", required=True, type=LANGUAGE)
    @click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
    def export_command(source: str, target: str, out: Path) -> None:
        """Write every SOURCE→TARGET entry to OUT."""
        from web.commands import require_schema

        require_schema()
        with current_app.extensions["audarma.db"].transaction() as session:
            data = export(session, source, target)
        out.write_bytes(data)
        click.echo(f"wrote {data.count(unit)} {noun}(s) {source}→{target} to {out}")

    @group.command("import")
    @click.option("--from", "source", required=True, type=LANGUAGE)
    @click.option("--to", "target", required=True, type=LANGUAGE)
    @click.option("--as", "email", required=True, help="The admin the entries are recorded under.")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_command(source: str, target: str, email: str, path: Path) -> None:
        """Add the file's SOURCE→TARGET entries that are not held yet."""
        from web.commands import require_schema

        require_schema()
        with cli_unit() as session:
            result = load(session, path.read_bytes(), source, target,
                          find_user(session, email).id)
        for line in report(result):
            click.echo(line)


def register(app: Flask) -> None:
    """Add the ``tmx`` and ``tbx`` groups."""
    _exchange_group(
        app, "tmx", "Translation memory as TMX 1.4b, one language direction per file.",
        tmx.export_memory, b"<tu ", "pair", tmx.import_memory,
        lambda r: [f"stored {r.stored} pair(s), skipped {r.skipped}"])
    _exchange_group(
        app, "tbx", "Glossary terms as TBX-Basic, one language pair per file.",
        tbx.export_glossary, b"<termEntry", "term", tbx.import_glossary,
        lambda r: [f"added {r.added} term(s), skipped {len(r.skipped)}",
                   *(f"  skipped {s['term']!r}: {s['reason']}" for s in r.skipped)])
