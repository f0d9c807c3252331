"""``audarma articles`` (import, show), ``audarma feeds`` (add, list, poll), ``users token``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app

from web.boundary import cli_errors, cli_unit, error_body
from workflow.errors import DomainError


def _db():
    return current_app.extensions["audarma.db"]


def _echo_json(data: dict) -> None:
    click.echo(json.dumps(data, ensure_ascii=False))


def _import_one(path: Path, language: str | None, targets: str | None, priority: str,
                metadata: dict | None = None) -> dict:
    """Ingest one file in its own transaction; returns the summary or ``{"file", "error"}``."""
    from workflow.ingest.service import ingest_upload
    from workflow.ingest.summary import article_summary
    from workflow.metadata import clean_metadata

    limit = current_app.config["MAX_ARTICLE_BYTES"]
    try:
        with path.open("rb") as fh:  # never more than the limit (+1 to tell it was over)
            data = fh.read(limit + 1)
    except OSError as exc:
        message = exc.strerror or str(exc)
        return {"file": str(path), "error": {"code": "unreadable", "message": message}}
    try:
        with _db().unit() as session:
            result = ingest_upload(session, path.name, data, source="cli", language=language,
                                   targets=targets, priority=priority,
                                   max_bytes=limit, metadata=clean_metadata(**(metadata or {})))
            summary = article_summary(session, result.article, duplicate_of=result.duplicate_of,
                                      editions=False)
    except DomainError as exc:  # reported per file; the other files still go in
        return {"file": str(path), "error": error_body(exc)}
    return summary


def _print_article(data: dict) -> None:
    click.echo(f"#{data['id']} [{data['language']} {data['language_confidence']:.2f}] "
               f"{data['title']}")
    if data.get("byline"):
        click.echo(f"  by {data['byline']}")
    click.echo(f"  {len(data['blocks'])} blocks, {data['segments']} segments")
    for block in data["blocks"]:
        text = block["text"] if len(block["text"]) <= 90 else block["text"][:89] + "…"
        click.echo(f"  {block['kind']:<9} {text}")
    for edition in data.get("editions", []):
        progress = edition["progress"]
        click.echo(f"  edition {edition['language']}: {edition['state']}"
                   f"{' / job ' + edition['job_state'] if edition.get('job_state') else ''}"
                   f" ({progress['done']}/{progress['total']})")


def register(app: Flask) -> None:
    """Add the ``articles`` and ``feeds`` groups and ``users token``."""

    @app.cli.group("articles")
    def articles_group() -> None:
        """Articles: import files, show one."""

    @articles_group.command("import")
    @click.argument("files", nargs=-1, required=True,
                    type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--language", default=None, help="Source language (kk, ru, en); default: detect.")
    @click.option("--targets", default=None, help="Targets, e.g. kk,ru (default: the others).")
    @click.option("--priority", default="normal", type=click.Choice(["normal", "breaking"]))
    @click.option("--category", default=None, help="One of the configured categories.")
    @click.option("--subjects", default=None,
                  help="Subject codes or names, comma-separated (e.g. medtop:11000000).")
    @click.option("--keywords", default=None, help="Keywords, comma-separated.")
    @click.option("--dateline", default=None, help='e.g. "ASTANA. KAZINFORM".')
    @click.option("--copyright-holder", default=None, help="Overrides the instance default.")
    @click.option("--usage-terms", default=None, help="Overrides the instance default.")
    @click.option("--json", "as_json", is_flag=True, help="One JSON object per line per file.")
    def import_files(files: tuple[Path, ...], language: str | None, targets: str | None,
                     priority: str, category: str | None, subjects: str | None,
                     keywords: str | None, dateline: str | None, copyright_holder: str | None,
                     usage_terms: str | None, as_json: bool) -> None:
        """Import .txt, .md, .html or .docx FILES as articles and queue their translations."""
        failed = 0
        metadata = {"category": category, "subjects": subjects, "keywords": keywords,
                    "dateline": dateline, "copyright_holder": copyright_holder,
                    "usage_terms": usage_terms}
        for path in files:
            data = _import_one(path, language, targets, priority, metadata)
            failed += "error" in data
            if as_json:
                _echo_json(data)
            elif "error" in data:
                click.secho(f"{path}: {data['error']['message']} ({data['error']['code']})",
                            fg="red", err=True)
            elif data["duplicate_of"]:
                click.echo(f"{path}: already imported as #{data['duplicate_of']}")
            else:
                click.echo(f"{path}: imported as #{data['id']} ({data['language']}, "
                           f"{data['segments']} segments)")
        if failed:
            sys.exit(1)

    @articles_group.command("show")
    @click.argument("article_id", type=int)
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    def show(article_id: int, as_json: bool) -> None:
        """Show an article: blocks, segments and each edition's state and progress."""
        from workflow.ingest.summary import article_summary
        from workflow.models import Article

        with _db().transaction() as session:
            article = session.get(Article, article_id)
            if article is None:
                raise click.ClickException(f"No article {article_id}.")
            data = article_summary(session, article)
        if as_json:
            _echo_json(data)
        else:
            _print_article(data)

    @articles_group.command("audit")
    @click.argument("article_id", type=int)
    @click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
                  show_default=True)
    def audit(article_id: int, fmt: str) -> None:
        """Print an article's audit trail (who changed which segment from what to what)."""
        from workflow.audit_trail import article_trail, to_csv

        with cli_unit() as session:
            entries = article_trail(session, article_id)
        if fmt == "json":
            _echo_json({"article_id": article_id, "events": [e.to_json() for e in entries]})
        else:
            click.echo(to_csv(entries), nl=False)

    @app.cli.group("feeds")
    def feeds_group() -> None:
        """RSS/Atom sources polled for new articles."""

    @feeds_group.command("add")
    @click.argument("url")
    @click.option("--name", default=None)
    @click.option("--language", default=None, help="Language of every entry (default: detect).")
    @click.option("--targets", default=None, help="Target languages, e.g. kk,ru.")
    @click.option("--interval", default=300, show_default=True, type=int, help="Seconds.")
    def add(url: str, name: str | None, language: str | None, targets: str | None,
            interval: int) -> None:
        """Add a feed to poll."""
        from workflow.ingest.polling import add_feed

        with cli_unit() as session:
            feed = add_feed(session, url, name=name, language=language, targets=targets,
                            interval_seconds=interval)
            feed_id = feed.id
        click.echo(f"feed #{feed_id} added: {url}")

    @feeds_group.command("list")
    def list_feeds() -> None:
        """List configured feeds with their last poll and error."""
        from sqlalchemy import select

        from workflow.models import FeedSource

        with _db().transaction() as session:
            for feed in session.scalars(select(FeedSource).order_by(FeedSource.id)):
                state = "active" if feed.active else "paused"
                click.echo(f"#{feed.id}\t{state}\t{feed.url}\tlast polled "
                           f"{feed.last_polled_at or 'never'}"
                           f"{chr(9) + 'error: ' + feed.last_error if feed.last_error else ''}")

    @feeds_group.command("poll")
    @click.option("--id", "feed_id", type=int, default=None, help="Only this feed.")
    @click.option("--json", "as_json", is_flag=True)
    def poll(feed_id: int | None, as_json: bool) -> None:
        """Poll feeds now (every active feed, or one), synchronously."""
        from sqlalchemy import select

        from tasks.feeds import poll_feeds
        from workflow.models import FeedSource

        if feed_id is None:
            with _db().transaction() as session:
                ids = list(session.scalars(select(FeedSource.id).where(
                    FeedSource.active.is_(True)).order_by(FeedSource.id)))
        else:
            ids = [feed_id]
        with cli_errors():
            reports = poll_feeds(ids)
        for report in reports:
            if as_json:
                _echo_json(report)
                continue
            click.echo(f"feed #{report['feed_id']}: {report['status']}, "
                       f"{len(report['created'])} new article(s) {report['created']}, "
                       f"{report['duplicates']} already known, {len(report['skipped'])} skipped, "
                       f"{len(report['failed'])} failed")
            for guid, reason in report["skipped"]:
                click.echo(f"  skipped {guid}: {reason}")
            for guid, code, message in report["failed"]:
                click.echo(f"  failed {guid}: {message} ({code})")
            if report["error"]:
                click.echo(f"  error: {report['error']}")
