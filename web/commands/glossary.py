"""``audarma glossary``: bulk import and export of glossary terms as CSV."""

from __future__ import annotations

import click
from flask import Flask, current_app

from web.boundary import cli_unit


def register(app: Flask) -> None:
    """Add the ``glossary`` group."""

    @app.cli.group("glossary")
    def glossary_group() -> None:
        """Glossary terms in bulk (CSV with a header row)."""

    @glossary_group.command("export")
    @click.argument("output", type=click.File("w", encoding="utf-8"), default="-")
    def export(output) -> None:
        """Write every term as CSV to OUTPUT (standard output by default)."""
        from web.commands import require_schema
        from workflow.glossary import export_csv

        require_schema()
        with current_app.extensions["audarma.db"].transaction() as session:
            output.write(export_csv(session))

    @glossary_group.command("import")
    @click.argument("source", type=click.File("r", encoding="utf-8-sig"))
    def import_(source) -> None:
        """Add the terms of a CSV file; terms already in the glossary are left as they are."""
        from web.commands import require_schema
        from workflow.glossary import import_csv

        require_schema()
        with cli_unit() as session:
            added, skipped = import_csv(session, source.read(), None)
        click.echo(f"imported {added} term(s), {skipped} already in the glossary")
