"""Webhook deliveries: one row per (partner, feed event), signed POSTs, exponential backoff.

The WebhookDelivery row is the job; a Celery message only wakes a worker. A worker claims a row
with a state-guarded UPDATE (pending and due → leased), posts outside any transaction, then records
the outcome in a second short transaction. Each POST goes only to addresses just checked to be
public (workflow/partners/targets.py); redirects are never followed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

import urllib3
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from workflow.db import SEND_WEBHOOKS, Database, after_commit, rows_changed, utcnow
from workflow.errors import InvalidInput, NotFound
from workflow.models import Article, FeedEvent, Partner, Publication, WebhookDelivery
from workflow.partners.admin import webhook_secret
from workflow.partners.targets import Target, UnresolvedTarget, pinned_pool, resolve_target
from workflow.publishing.ninjs import build_item, encode_cursor, siblings
from workflow.secret_box import SecretBox

SIGNATURE_HEADER = "X-Audarma-Signature"
TIMESTAMP_HEADER = "X-Audarma-Timestamp"
EVENT_HEADER = "X-Audarma-Event"
DELIVERY_HEADER = "X-Audarma-Delivery"
LEASE_SECONDS = 120
MAX_BACKOFF_SECONDS = 6 * 3600

_Row = TypeVar("_Row")


def signed_message(timestamp: int | str, delivery: int | str, event: str, body: bytes) -> bytes:
    """What the signature covers: ``"<timestamp>.<delivery id>.<event type>." + body``.

    The delivery id and event type travel in headers too (``X-Audarma-Delivery``,
    ``X-Audarma-Event``); signing them means a receiver that routes or deduplicates on the
    headers is not fooled by a replayed body with other headers.
    """
    return f"{timestamp}.{delivery}.{event}.".encode() + body


def sign(secret: str, timestamp: int, body: bytes, *, delivery: int, event: str) -> str:
    """``sha256=<hex>`` of HMAC-SHA256(secret, signed_message(...))."""
    message = signed_message(timestamp, delivery, event, body)
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(secret: str, headers: Mapping[str, str], body: bytes, now: float,
           tolerance: int = 300) -> bool:
    """What a receiver does: recompute the signature over the timestamp, delivery id, event
    type and body from the request, and refuse stale timestamps (replays)."""
    timestamp = headers.get(TIMESTAMP_HEADER, "")
    delivery, event = headers.get(DELIVERY_HEADER, ""), headers.get(EVENT_HEADER, "")
    if not timestamp.isdigit() or abs(now - int(timestamp)) > tolerance:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), signed_message(timestamp, delivery, event,
                                                                    body),
                                    hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers.get(SIGNATURE_HEADER, ""))


def backoff_seconds(attempt: int, base: float) -> float:
    """Delay after failed attempt number ``attempt`` (1-based): base, 2·base, 4·base, …"""
    return min(base * 2.0 ** (attempt - 1), MAX_BACKOFF_SECONDS)


def queue_deliveries(session: Session, event: FeedEvent) -> list[WebhookDelivery]:
    """One pending delivery per active partner with a webhook who may read this event."""
    article_category = session.scalar(
        select(Article.category).join(Publication, Publication.article_id == Article.id)
        .where(Publication.id == event.publication_id))
    rows = []
    for partner in session.scalars(select(Partner).where(Partner.active.is_(True),
                                                         Partner.webhook_url.is_not(None))):
        if event.language not in (partner.languages or []):
            continue
        if partner.categories and article_category not in partner.categories:
            continue
        row = WebhookDelivery(partner_id=partner.id, event_seq=event.seq, state="pending",
                              next_attempt_at=event.at)
        session.add(row)
        rows.append(row)
    session.flush()
    if rows:
        after_commit(session, SEND_WEBHOOKS)
    return rows


def due_deliveries(session: Session, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Pending deliveries whose next attempt is due (what the beat re-wakes)."""
    now = now or utcnow()
    return list(session.scalars(select(WebhookDelivery.id).where(
        WebhookDelivery.state == "pending",
        or_(WebhookDelivery.next_attempt_at.is_(None), WebhookDelivery.next_attempt_at <= now))
        .order_by(WebhookDelivery.id).limit(limit)))


def payload_for(session: Session, event: FeedEvent, languages: list[str], cursor_key: bytes, *,
                provenance: bool = False) -> dict[str, Any]:
    """The JSON body posted for one event: kind, cursor and the ninjs item it created (naming
    the MT models only for a partner who asked for provenance).

    Scoped like a pull with the partner's key: links only to editions in ``languages``, and an
    opaque cursor instead of the event log's global seq.
    """
    publication = _found(session, Publication, event.publication_id)
    article = _found(session, Article, publication.article_id)
    others = siblings(session, {article.id}, languages).get(article.id)
    return {"event": event.kind, "cursor": encode_cursor(event.seq, cursor_key),
            "at": event.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "item": build_item(publication, article, others, provenance=provenance)}


@dataclass(frozen=True)
class Attempt:
    """What one wake-up did with one delivery; ``retry_in`` is set when another try is due."""

    outcome: str  # delivered | retry | failed | skipped
    status: int | None = None
    retry_in: float | None = None


def _found(session: Session, model: type[_Row], key: object) -> _Row:
    """A row the delivery refers to (its partner, event, publication): NotFound if gone."""
    row = session.get(model, key)
    if row is None:
        raise NotFound(f"No {model.__name__} {key}.")
    return row


def _claim(session: Session, delivery_id: int, now: datetime) -> bool:
    return bool(rows_changed(session, (
        update(WebhookDelivery).where(
            WebhookDelivery.id == delivery_id, WebhookDelivery.state == "pending",
            or_(WebhookDelivery.next_attempt_at.is_(None),
                WebhookDelivery.next_attempt_at <= now))
        .values(attempts=WebhookDelivery.attempts + 1,
                next_attempt_at=now + timedelta(seconds=LEASE_SECONDS)))))


def _post(target: Target, body: bytes, headers: dict[str, str],
          timeout: float) -> tuple[int | None, str]:
    """POST to the checked addresses only (no new DNS lookup); redirects are never followed."""
    error = "no address to connect to"
    for address in target.addresses:
        pool = pinned_pool(target, address, timeout)
        try:
            response = pool.urlopen("POST", target.path, body=body,
                                    headers={**headers, "Host": target.netloc}, redirect=False,
                                    retries=False, assert_same_host=False, preload_content=True)
        except (urllib3.exceptions.NewConnectionError,
                urllib3.exceptions.ConnectTimeoutError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
            continue  # nothing was sent: try the next checked address
        except urllib3.exceptions.HTTPError as exc:
            return None, f"{type(exc).__name__}: {exc}"[:500]
        finally:
            pool.close()
        if 200 <= response.status < 300:
            return response.status, ""
        if 300 <= response.status < 400:
            location = response.headers.get("Location", "")[:300]
            return response.status, f"HTTP {response.status}: redirect to {location!r} not followed"
        return response.status, f"HTTP {response.status}"
    return None, error


def _send(url: str, body: bytes, headers: dict[str, str], timeout: float,
          allow_private: bool) -> tuple[int | None, str, bool]:
    """Check and resolve the stored URL again, then POST: (status, error, refused for good)."""
    try:
        target = resolve_target(url, allow_private=allow_private)
    except UnresolvedTarget as exc:  # DNS may come back: an ordinary, retried failure
        return None, exc.message, False
    except InvalidInput as exc:  # blocked address, bad scheme, userinfo: never connect, no retry
        return None, f"refused ({exc.code}): {exc.message}"[:500], True
    status, error = _post(target, body, headers, timeout)
    return status, error, False


def attempt_delivery(database: Database, delivery_id: int, *, box: SecretBox,
                     max_attempts: int = 8,
                     backoff_base: float = 30.0, timeout: float = 10.0,
                     allow_private: bool = False, cursor_key: bytes) -> Attempt:
    """Claim one due delivery, POST it signed, record delivered / retry-later / failed.

    The URL is checked and resolved again here (the DNS answer may have changed since it was
    registered); a refused target fails the delivery at once, with the reason, and is not retried.
    """
    with database.transaction() as session:
        now = utcnow()
        if not _claim(session, delivery_id, now):
            return Attempt("skipped")
        delivery = _found(session, WebhookDelivery, delivery_id)
        partner = _found(session, Partner, delivery.partner_id)
        event = _found(session, FeedEvent, delivery.event_seq)
        url, secret = partner.webhook_url, webhook_secret(partner, box) or ""
        body = json.dumps(payload_for(session, event, list(partner.languages or []),
                                      cursor_key, provenance=partner.provenance),
                          ensure_ascii=False,
                          separators=(",", ":")).encode()
        attempt_number, kind = delivery.attempts, event.kind
    refused = False
    if not url:
        status, error = None, "partner has no webhook URL any more"
    else:
        timestamp = int(utcnow().timestamp())
        headers = {"Content-Type": "application/json", "User-Agent": "Audarma-Webhooks/1",
                   TIMESTAMP_HEADER: str(timestamp),
                   SIGNATURE_HEADER: sign(secret, timestamp, body, delivery=delivery_id,
                                          event=kind),
                   EVENT_HEADER: kind, DELIVERY_HEADER: str(delivery_id)}
        status, error, refused = _send(url, body, headers, timeout, allow_private)
    with database.transaction() as session:
        delivery = _found(session, WebhookDelivery, delivery_id)
        delivery.last_status = status
        if not error:
            delivery.state, delivery.delivered_at, delivery.last_error = "delivered", utcnow(), None
            delivery.next_attempt_at = None
            return Attempt("delivered", status)
        delivery.last_error = error
        if refused or attempt_number >= max_attempts:
            delivery.state, delivery.next_attempt_at = "failed", None
            return Attempt("failed", status)
        delay = backoff_seconds(attempt_number, backoff_base)
        delivery.next_attempt_at = utcnow() + timedelta(seconds=delay)
        return Attempt("retry", status, retry_in=delay)


def retry_failed(session: Session, delivery_id: int) -> WebhookDelivery:
    """Put a failed delivery back in the queue (admin button)."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise InvalidInput(f"No delivery {delivery_id}.", code="not_found")
    delivery.state, delivery.attempts, delivery.next_attempt_at = "pending", 0, utcnow()
    after_commit(session, SEND_WEBHOOKS)
    return delivery
