"""Secrets Audarma must read back (webhook signing secrets) are stored encrypted, not in clear.

AES-256-GCM with a key derived from the app's ``SECRET_KEY`` (HKDF-SHA256, its own ``info``
label, so the key is never the one that signs cookies). A stored value reads
``enc1:<key id>:<base64url(nonce + ciphertext + tag)>``; the key id (8 hex digits of an HMAC of
the key) says which key sealed it, the partner id is bound in as associated data (a value copied
onto another partner does not open). Keys listed in ``SECRET_KEY_FALLBACKS`` still open old
values after a rotation; ``audarma partners reseal-secrets`` seals everything with the current
key (docs/security.md, "Rotating SECRET_KEY"). A value without the prefix is a secret stored by
an older release, in clear: it is read as is and sealed by the next reseal.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from workflow.errors import DomainError

PREFIX = "enc1:"
_INFO = b"audarma webhook secrets v1"


class SecretUnreadable(DomainError):
    """A stored secret was sealed with a key this process does not have (SECRET_KEY changed)."""

    status = 503  # the server is misconfigured; the request itself was fine
    code = "secret_unreadable"


def _derive(secret_key: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret_key.encode())


def _key_id(key: bytes) -> str:
    return hmac.new(key, b"key id", hashlib.sha256).hexdigest()[:8]


class SecretBox:
    """Seal and open short secrets with keys derived from SECRET_KEY (and its fallbacks)."""

    def __init__(self, secret_key: str, fallbacks: Iterable[str] = ()) -> None:
        if not secret_key:
            raise ValueError("SecretBox needs a SECRET_KEY")
        keys = [_derive(secret_key), *(_derive(k) for k in fallbacks if k)]
        self._current = keys[0]
        self._keys = {_key_id(k): k for k in reversed(keys)}
        self.current_id = _key_id(self._current)

    def seal(self, plaintext: str, context: str) -> str:
        """``plaintext`` encrypted with the current key; ``context`` must match when opening."""
        nonce = os.urandom(12)
        sealed = AESGCM(self._current).encrypt(nonce, plaintext.encode(), context.encode())
        token = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
        return f"{PREFIX}{self.current_id}:{token}"

    def open(self, stored: str, context: str) -> str:
        """The plaintext of a stored value (a legacy value in clear is returned as is)."""
        if not stored.startswith(PREFIX):
            return stored
        key_id, _, token = stored[len(PREFIX):].partition(":")
        key = self._keys.get(key_id)
        if key is None:
            raise SecretUnreadable("A stored secret was sealed with a SECRET_KEY this server "
                                   "does not have; put the old key in SECRET_KEY_FALLBACKS.")
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        try:
            return AESGCM(key).decrypt(raw[:12], raw[12:], context.encode()).decode()
        except InvalidTag:
            raise SecretUnreadable("A stored secret does not open: it was altered or moved "
                                   "to another record.") from None

    def is_current(self, stored: str) -> bool:
        """True if ``stored`` is sealed with the current key (nothing to reseal)."""
        return stored.startswith(f"{PREFIX}{self.current_id}:")
