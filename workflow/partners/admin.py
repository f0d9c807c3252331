"""Partners who pull Audarma's editions: their keys, languages, webhooks and access log."""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from workflow.db import as_id, utcnow
from workflow.errors import Conflict, Forbidden, InvalidInput, NotFound
from workflow.models import AccessLog, ApiKey, Partner, WebhookDelivery
from workflow.partners.keys import _hash as key_hash
from workflow.partners.keys import issue_key, revoke_key
from workflow.partners.targets import check_url
from workflow.secret_box import SecretBox
from workflow.vocabulary import PUBLISHED_LANGUAGES, published_language

logger = logging.getLogger(__name__)
RATE_LIMIT = re.compile(r"^\d+\s*(/|per)\s*\d*\s*(second|minute|hour|day)s?$")


def parse_list(raw: str | list[str] | None) -> list[str]:
    """``"kk, ru"`` → ``["kk", "ru"]`` (order kept, duplicates dropped)."""
    items = raw if isinstance(raw, list) else (raw or "").split(",")
    out: list[str] = []
    for item in (i.strip() for i in items):
        if item and item not in out:
            out.append(item)
    return out


def _languages(raw: str | list[str] | None) -> list[str]:
    languages = parse_list(raw)
    unknown = [lang for lang in languages if published_language(lang) is None]
    if unknown or not languages:
        raise InvalidInput(f"Languages must be some of {', '.join(PUBLISHED_LANGUAGES)}.",
                           code="bad_languages")
    return list(dict.fromkeys(published_language(lang) or lang for lang in languages))


def _partner(session: Session, ref: int | str) -> Partner:
    if as_id(ref if isinstance(ref, int) else str(ref)) is not None:
        partner = session.get(Partner, int(ref))
        if partner is not None:
            return partner
    partner = session.scalar(select(Partner).where(Partner.name == str(ref)))
    if partner is None:
        raise NotFound(f"No partner {ref!r}.")
    return partner


def create_partner(session: Session, name: str, languages: str | list[str],
                   categories: str | list[str] | None = None,
                   rate_limit: str | None = None, *,
                   provenance: bool = False) -> tuple[Partner, ApiKey, str]:
    """Create a partner with its first API key; the secret is returned once and never stored.

    ``provenance``: the partner's items name the machine-translation models used.
    """
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise InvalidInput("A partner needs a name of 1–200 characters.", code="bad_name")
    if session.scalar(select(Partner.id).where(Partner.name == name)) is not None:
        raise Conflict(f"A partner called {name!r} exists already.", code="duplicate_partner")
    partner = Partner(name=name, languages=_languages(languages),
                      categories=parse_list(categories), active=True, provenance=provenance)
    if rate_limit:
        partner.rate_limit = check_rate_limit(rate_limit)
    session.add(partner)
    session.flush()
    key, secret = issue_key(session, partner_id=partner.id, label="first key")
    return partner, key, secret


def set_provenance(session: Session, ref: int | str, provenance: bool) -> Partner:
    """Whether the partner's items name the machine-translation models (ninjs infoSources)."""
    partner = _partner(session, ref)
    partner.provenance = bool(provenance)
    return partner


def check_rate_limit(value: str) -> str:
    """Accept Flask-Limiter strings like ``120/minute`` or ``10 per second``."""
    value = value.strip()
    if not RATE_LIMIT.match(value):
        raise InvalidInput("Rate limits look like 120/minute or 10 per second.",
                           code="bad_rate_limit")
    return value


def new_partner_key(session: Session, ref: int | str, label: str = "") -> tuple[ApiKey, str]:
    """Another key for a partner (rotation: issue the new one, then revoke the old)."""
    partner = _partner(session, ref)
    return issue_key(session, partner_id=partner.id, label=label or "rotation")


def revoke_partner_key(session: Session, key_id: int, partner_id: int | None = None) -> ApiKey:
    """Revoke one partner key; requests with it get 401 from then on."""
    key = session.get(ApiKey, key_id)
    if key is None or key.partner_id is None or (partner_id and key.partner_id != partner_id):
        raise NotFound(f"No partner key {key_id}.")
    return revoke_key(session, key_id)


def set_webhook(session: Session, partner_id: int, url: str | None, *, box: SecretBox,
                allow_private: bool = False) -> tuple[Partner, str | None]:
    """Set or clear a partner's webhook URL (public http/https only); returns it and any warning.

    A signing secret is made once and stored sealed by ``box``. The host must be, and resolve
    to, public addresses unless ``allow_private`` (development); a name that does not resolve
    yet is saved with a warning.
    """
    partner = _partner(session, partner_id)
    if not (url or "").strip():
        partner.webhook_url = None
        return partner, None
    partner.webhook_url, warning = check_url(url or "", allow_private=allow_private)
    if not partner.webhook_secret:
        _new_webhook_secret(partner, box)
    return partner, warning


def rotate_webhook_secret(session: Session, partner_id: int, *, box: SecretBox) -> Partner:
    """Replace the webhook signing secret (the partner must update its verifier)."""
    partner = _partner(session, partner_id)
    _new_webhook_secret(partner, box)
    return partner


def _webhook_context(partner: Partner) -> str:
    return f"partner:{partner.id}:webhook_secret"


def _new_webhook_secret(partner: Partner, box: SecretBox) -> None:
    partner.webhook_secret = box.seal("whsec_" + secrets.token_urlsafe(32),
                                      _webhook_context(partner))


def webhook_secret(partner: Partner, box: SecretBox) -> str | None:
    """The partner's webhook signing secret in clear (to sign a delivery or show an admin)."""
    if not partner.webhook_secret:
        return None
    return box.open(partner.webhook_secret, _webhook_context(partner))


def reseal_webhook_secrets(session: Session, box: SecretBox) -> int:
    """Seal every webhook secret with the current key (after a SECRET_KEY rotation, or one
    stored in clear by an older release); returns how many changed."""
    changed = 0
    for partner in session.scalars(select(Partner).where(Partner.webhook_secret.is_not(None))):
        sealed = partner.webhook_secret
        if sealed is None or box.is_current(sealed):
            continue
        clear = webhook_secret(partner, box)
        if clear is not None:
            partner.webhook_secret = box.seal(clear, _webhook_context(partner))
            changed += 1
    return changed


@dataclass(frozen=True)
class Reader:
    """Who is pulling: the partner and key, and what they may read."""

    partner_id: int
    key_id: int
    languages: list[str]
    categories: list[str]
    rate_limit: str
    provenance: bool = False  # asked to be told which MT models made the text


@dataclass(frozen=True)
class PartnerKey:
    """A live partner key with what a pull needs of it and of its partner (one query)."""

    key_id: int
    prefix: str
    last_used_at: datetime | None
    partner_id: int
    active: bool
    languages: list[str]
    categories: list[str]
    rate_limit: str
    provenance: bool = False


# Built once: building the statement and its cache key per pull cost more than its execution.
LIVE_PARTNER_KEY = (select(ApiKey.id, ApiKey.prefix, ApiKey.last_used_at, Partner.id,
                           Partner.active, Partner.languages, Partner.categories,
                           Partner.rate_limit, Partner.provenance)
                    .join(Partner, Partner.id == ApiKey.partner_id)
                    .where(ApiKey.key_hash == bindparam("key_hash"),
                           ApiKey.revoked_at.is_(None)))


def find_partner_key(connection: Connection | Session, secret: str) -> PartnerKey | None:
    """The live partner key matching ``secret`` with its partner's terms; else None.

    Uncached, so a revocation takes effect on the very next pull (in every worker). Plain
    columns, no ORM objects: this runs on every pull.
    """
    if not secret or not secret.startswith("ak_"):
        return None
    row = connection.execute(LIVE_PARTNER_KEY, {"key_hash": key_hash(secret)}).first()
    return PartnerKey(*row) if row else None


def reader_for_key(key: PartnerKey, language: str | None = None) -> Reader:
    """Who pulls with a live key; Forbidden if the partner is inactive or may not read it."""
    if not key.active:
        raise Forbidden("This partner is not active.", code="partner_inactive")
    reader = Reader(key.partner_id, key.key_id, list(key.languages or []),
                    list(key.categories or []), key.rate_limit, bool(key.provenance))
    if language is not None and language not in reader.languages:
        raise Forbidden(f"Your key may not read {language!r}.", code="language_not_allowed")
    return reader


def access_row(reader: Reader, path: str, status: int, items: int) -> dict[str, Any]:
    """The access-log row of one pull, stamped now (``path`` without the key's secret)."""
    return {"partner_id": reader.partner_id, "api_key_id": reader.key_id, "path": path[:2000],
            "status": status, "items": items, "at": utcnow()}


def record_access(session: Session, row: dict[str, Any]) -> None:
    """Write one access-log row in the pull's transaction; on PostgreSQL its commit does not wait
    for the disk.

    A pull writes nothing else but the key's ``last_used_at``. Waiting for a WAL flush on every
    pull cost about 6 ms each (docs/benchmarks.md, "Load"); with ``synchronous_commit`` off for
    this transaction only, a database crash can lose the last fraction of a second of log rows,
    never make them inconsistent. ``workflow/partners/access_log_buffer.py`` writes rows later,
    many at once, instead.
    """
    session.add(AccessLog(**row))
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))


@dataclass(frozen=True)
class PartnerPage:
    """Everything the admin page shows about one partner."""

    partner: Partner
    keys: list[ApiKey]
    deliveries: list[WebhookDelivery]
    access: list[AccessLog]
    delivery_counts: dict[str, int]


def list_partners(session: Session) -> list[Partner]:
    """All partners by name."""
    return list(session.scalars(select(Partner).order_by(Partner.name)))


def partner_page(session: Session, partner_id: int, limit: int = 50) -> PartnerPage:
    """A partner with keys (newest first), recent deliveries and recent pulls."""
    partner = _partner(session, partner_id)
    keys = list(session.scalars(select(ApiKey).where(ApiKey.partner_id == partner.id)
                                .order_by(ApiKey.id.desc())))
    deliveries = list(session.scalars(select(WebhookDelivery)
                                      .where(WebhookDelivery.partner_id == partner.id)
                                      .order_by(WebhookDelivery.id.desc()).limit(limit)))
    access = list(session.scalars(select(AccessLog).where(AccessLog.partner_id == partner.id)
                                  .order_by(AccessLog.id.desc()).limit(limit)))
    counts = dict(session.execute(select(WebhookDelivery.state, func.count())
                                  .where(WebhookDelivery.partner_id == partner.id)
                                  .group_by(WebhookDelivery.state)).all())
    return PartnerPage(partner, keys, deliveries, access, counts)
