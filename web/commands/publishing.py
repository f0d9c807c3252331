"""``audarma publishing``: the publishing desk from the console (list, and every action), acting
as a named editor through the same workflow services and permission checks as the pages."""

from __future__ import annotations

import json

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from web.boundary import cli_errors, cli_unit

# command name → (action, needs --at, needs --note, needs --reason)
COMMANDS = {
    "publish": ("publish", "optional", True, False),
    "release-now": ("release_now", None, False, False),
    "reschedule": ("reschedule", "required", False, False),
    "cancel-schedule": ("cancel_schedule", None, False, False),
    "correct": ("correct", None, False, False),
    "kill": ("kill", None, False, True),
    "reopen": ("reopen", None, False, False),
}


def _user_id(session, email: str) -> int:
    from workflow.models import User

    user_id = session.scalar(select(User.id).where(User.email == email.strip().lower()))
    if user_id is None:
        raise click.ClickException(f"No user {email}.")
    return user_id


def _make_action(group: click.Group, name: str, action: str, at: str | None, note: bool,
                 reason: bool) -> None:
    def run(edition_id: int, as_email: str, at_value: str | None = None,
            note_value: str | None = None, reason_value: str | None = None,
            as_json: bool = False) -> None:
        from web.publishing_desk import parse_embargo
        from workflow.publishing.actions import perform

        with cli_unit() as session:
            outcome = perform(session, action, edition_id, _user_id(session, as_email),
                              embargo_until=parse_embargo(at_value), note=note_value,
                              reason=reason_value)
        if as_json:
            click.echo(json.dumps(outcome.as_dict(), ensure_ascii=False))
        else:
            when = f" at {outcome.at.isoformat()}" if outcome.at else ""
            click.echo(f"edition {outcome.edition_id} ({outcome.language}): {action} done, "
                       f"now {outcome.state}"
                       f"{f', version {outcome.version}' if outcome.version else ''}{when}")

    def command(edition_id, as_email, as_json, at_value=None, note_value=None,
                reason_value=None):
        run(edition_id, as_email, at_value, note_value, reason_value, as_json)

    command.__doc__ = {
        "publish": "Publish an approved edition now, or at --at (an embargo).",
        "release_now": "Lift a scheduled edition's embargo: publish it now.",
        "reschedule": "Move a scheduled edition's embargo to --at.",
        "cancel_schedule": "Drop a schedule; the edition stays approved.",
        "correct": "Reopen a published edition for correction (the live version stays).",
        "kill": "Withdraw an edition with a --reason partners see.",
        "reopen": "Reopen a withdrawn edition for a corrected re-release.",
    }[action]
    params = [click.Argument(["edition_id"], type=int),
              click.Option(["--as", "as_email"], required=True,
                           help="E-mail of the editor who acts."),
              click.Option(["--json", "as_json"], is_flag=True, help="Print JSON.")]
    if at:
        params.append(click.Option(["--at", "at_value"], required=at == "required",
                                   help="Embargo time, ISO 8601 (UTC when no zone)."))
    if note:
        params.append(click.Option(["--note", "note_value"], default=None,
                                   help="Note for partners (needed for a new version)."))
    if reason:
        params.append(click.Option(["--reason", "reason_value"], required=True,
                                   help="Why the edition is withdrawn (partners see it)."))
    group.add_command(click.Command(name, callback=with_appcontext(command), params=params,
                                    help=command.__doc__))


def register(app: Flask) -> None:
    """Add the ``publishing`` group."""

    @app.cli.group("publishing")
    def publishing_group() -> None:
        """The publishing desk: list, publish, release, reschedule, correct, kill, reopen."""

    @publishing_group.command("list")
    @click.option("--state", default="", help="approved, scheduled, published or withdrawn.")
    @click.option("--language", default="", help="kk, ru or en.")
    @click.option("--category", default="")
    @click.option("--search", "q", default="", help="Words of the title.")
    @click.option("--from", "day_from", default=None, help="Received on or after YYYY-MM-DD.")
    @click.option("--to", "day_to", default=None, help="Received on or before YYYY-MM-DD.")
    @click.option("--page", default=1, type=int)
    @click.option("--json", "as_json", is_flag=True, help="One JSON object per article.")
    def list_desk(state, language, category, q, day_from, day_to, page, as_json) -> None:
        """Articles newest first with each edition's state, version and actions."""
        from workflow.publishing.desk import DeskQuery, list_desk, parse_day

        with cli_errors():
            query = DeskQuery(state=state, language=language, category=category, q=q,
                              day_from=parse_day(day_from, "from"),
                              day_to=parse_day(day_to, "to"), page=page)
        with cli_unit() as session:
            result = list_desk(session, query)
            lines = []
            for row in result.rows:
                editions = [{"edition_id": d.edition.id, "language": d.edition.language,
                             "state": d.edition.state, "actions": d.actions,
                             "version": d.latest.version if d.latest else None,
                             "status": d.latest.status if d.latest else None}
                            for d in row.editions]
                lines.append({"article_id": row.article.id, "title": row.article.title,
                              "category": row.article.category, "editions": editions})
        for line in lines:
            if as_json:
                click.echo(json.dumps(line, ensure_ascii=False))
                continue
            click.echo(f"#{line['article_id']} {line['title']}")
            for e in line["editions"]:
                version = f" v{e['version']} {e['status']}" if e["version"] else ""
                actions = f"  [{', '.join(e['actions'])}]" if e["actions"] else ""
                click.echo(f"  edition {e['edition_id']} {e['language']}: {e['state']}"
                           f"{version}{actions}")
        if result.has_next and not as_json:
            click.echo(f"(more: --page {page + 1})")

    for name, (action, at, note, reason) in COMMANDS.items():
        _make_action(publishing_group, name, action, at, note, reason)

    @publishing_group.command("latin-backfill")
    @click.option("--as", "as_email", required=True, help="E-mail of the admin who acts.")
    @click.option("--limit", type=click.IntRange(min=1), default=None,
                  help="At most this many stories (oldest first).")
    def latin_backfill(as_email: str, limit: int | None) -> None:
        """Write the Kazakh Latin edition of stories approved before it was turned on; each
        waits for a person's approval."""
        from workflow.latin_edition import backfill

        with cli_unit() as session:
            written = backfill(session, _user_id(session, as_email), limit)
        click.echo(f"{len(written)} Kazakh Latin edition(s) written, waiting for approval"
                   + (f": {', '.join(map(str, written))}" if written else ""))

    @publishing_group.command("kill-article")
    @click.argument("article_id", type=int)
    @click.option("--as", "as_email", required=True, help="E-mail of the editor who acts.")
    @click.option("--reason", required=True, help="Why the story is withdrawn.")
    def kill_article(article_id: int, as_email: str, reason: str) -> None:
        """Withdraw every published or scheduled edition of an article."""
        from workflow.publishing.actions import kill_article as kill

        with cli_unit() as session:
            outcomes = kill(session, article_id, _user_id(session, as_email), reason)
        click.echo(f"article {article_id}: {len(outcomes)} edition(s) withdrawn")
