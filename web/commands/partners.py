"""``audarma partners``: create partners, issue and revoke their API keys."""

from __future__ import annotations

import click
from flask import Flask, current_app

from web.boundary import cli_unit
from workflow.partners.admin import (
    create_partner,
    list_partners,
    new_partner_key,
    reseal_webhook_secrets,
    revoke_partner_key,
    set_provenance,
)


def _run(action):
    with cli_unit() as session:
        return action(session)


def register(app: Flask) -> None:
    """Add the ``partners`` group."""

    @app.cli.group("partners")
    def partners_group() -> None:
        """Partners who pull feeds and the ninjs API."""

    @partners_group.command("create")
    @click.argument("name")
    @click.option("--languages", required=True, help="Languages they may read, e.g. kk,ru,en")
    @click.option("--categories", default="", help="Only these article categories (default all)")
    @click.option("--rate-limit", default=None, help="e.g. 120/minute (default 120/minute)")
    @click.option("--provenance/--no-provenance", default=False,
                  help="Name the machine-translation models in their ninjs items.")
    def create(name: str, languages: str, categories: str, rate_limit: str | None,
               provenance: bool) -> None:
        """Create a partner and print its first API key (shown this once only)."""

        def action(session):
            partner, key, secret = create_partner(session, name, languages, categories,
                                                  rate_limit, provenance=provenance)
            return partner.id, ",".join(partner.languages), key.id, secret

        partner_id, langs, key_id, secret = _run(action)
        click.echo(f"created partner {partner_id} {name} ({langs})")
        click.echo(f"key {key_id}: {secret}")
        click.echo("Store this key now: it is not shown again.", err=True)

    @partners_group.command("provenance")
    @click.argument("name")
    @click.argument("setting", type=click.Choice(["on", "off"]))
    def provenance(name: str, setting: str) -> None:
        """Turn on or off naming the MT models in a partner's ninjs items."""
        _run(lambda session: set_provenance(session, name, setting == "on").id)
        click.echo(f"provenance {setting} for {name}")

    @partners_group.command("key")
    @click.argument("name")
    @click.option("--label", default="", help="What the key is for")
    def key(name: str, label: str) -> None:
        """Issue another key for a partner (rotation), printed once."""

        def action(session):
            row, secret = new_partner_key(session, name, label)
            return row.id, secret

        key_id, secret = _run(action)
        click.echo(f"key {key_id}: {secret}")
        click.echo("Store this key now: it is not shown again.", err=True)

    @partners_group.command("revoke")
    @click.argument("key_id", type=int)
    def revoke(key_id: int) -> None:
        """Revoke a partner key by id; it gets 401 from then on."""
        _run(lambda session: revoke_partner_key(session, key_id).id)
        click.echo(f"revoked key {key_id}")

    @partners_group.command("reseal-secrets")
    def reseal() -> None:
        """Seal every webhook signing secret with the current SECRET_KEY (after a rotation)."""
        box = current_app.extensions["audarma.secrets"]
        changed = _run(lambda session: reseal_webhook_secrets(session, box))
        click.echo(f"resealed {changed} webhook secret(s) with the current key")

    @partners_group.command("list")
    def list_() -> None:
        """List partners with their languages."""

        def action(session):
            return [(p.id, p.name, ",".join(p.languages), p.active) for p in list_partners(session)]

        for partner_id, name, langs, active in _run(action):
            click.echo(f"{partner_id}\t{name}\t{langs}\t{'active' if active else 'inactive'}")
