"""API keys: random secrets shown once, stored as SHA-256 hashes, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.db import utcnow
from workflow.errors import NotFound
from workflow.models import ApiKey

PREFIX_LEN = 8


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue_key(session: Session, *, user_id: int | None = None, partner_id: int | None = None,
              label: str = "") -> tuple[ApiKey, str]:
    """Create a key for a user or partner; returns the row and the secret (shown only once)."""
    secret = "ak_" + secrets.token_urlsafe(32)
    key = ApiKey(prefix=secret[3:3 + PREFIX_LEN], key_hash=_hash(secret), label=label,
                 user_id=user_id, partner_id=partner_id)
    session.add(key)
    session.flush()
    return key, secret


def find_key(session: Session, secret: str) -> ApiKey | None:
    """The live (not revoked) key matching ``secret``, or None."""
    if not secret or not secret.startswith("ak_"):
        return None
    key = session.scalar(select(ApiKey).where(ApiKey.key_hash == _hash(secret)))
    if key is None or key.revoked_at is not None:
        return None
    return key


def note_use(session: Session, key_id: int, at: datetime) -> None:
    """Record when a key was last used (callers do it at most once a minute, not every call)."""
    key = session.get(ApiKey, key_id)
    if key is not None:
        key.last_used_at = at


def revoke_key(session: Session, key_id: int) -> ApiKey:
    """Revoke a key; requests with it get 401 from then on."""
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound(f"No API key {key_id}.")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
    return key
