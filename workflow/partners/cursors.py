"""Partner cursors that say nothing about the event log: an encrypted, authenticated seq.

The event log's ``seq`` is global across languages, so a plain ``seq:N`` cursor (or any number
derived from it) would let a kk-only partner count the ru and en events between two of its own.
A cursor is the seq put through a keyed 64-bit permutation (a four-round Feistel network with
HMAC-SHA256 rounds) plus a 6-byte tag: the same seq always gives the same cursor, a partner cannot
read or forge one, and the next cursor only changes when an item in the partner's scope arrives.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

PREFIX = "c2."
LEGACY_PREFIX = "c1."  # base64 of "seq:N", handed out before cursors were encrypted
_ROUNDS = 4
_MASK = 0xFFFFFFFF


class CursorError(ValueError):
    """The token is not a cursor this desk handed out."""


def _round(key: bytes, number: int, half: int) -> int:
    digest = hmac.new(key, b"cursor" + bytes([number]) + half.to_bytes(4, "big"),
                      hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big")


def _tag(key: bytes, sealed: bytes) -> bytes:
    return hmac.new(key, b"tag" + sealed, hashlib.sha256).digest()[:6]


def seal(seq: int, key: bytes) -> str:
    """The opaque cursor for "everything after event ``seq``"."""
    left, right = (seq >> 32) & _MASK, seq & _MASK
    for number in range(_ROUNDS):
        left, right = right, left ^ _round(key, number, right)
    sealed = ((left << 32) | right).to_bytes(8, "big")
    return PREFIX + base64.urlsafe_b64encode(sealed + _tag(key, sealed)).decode().rstrip("=")


def open_cursor(token: str, key: bytes) -> int:
    """The seq inside a cursor; CursorError if it was not made with ``key`` (or is malformed)."""
    try:
        if len(token) > 64:
            raise CursorError(token)
        if token.startswith(LEGACY_PREFIX):
            body = token[len(LEGACY_PREFIX):]
            legacy = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
            kind, _, number = legacy.partition(":")
            if kind != "seq" or not (number.isascii() and number.isdigit()) or len(number) > 18:
                raise CursorError(token)
            return int(number)
        if not token.startswith(PREFIX):
            raise CursorError(token)
        body = token[len(PREFIX):]
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        if len(raw) != 14 or not hmac.compare_digest(raw[8:], _tag(key, raw[:8])):
            raise CursorError(token)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise CursorError(token) from None
    value = int.from_bytes(raw[:8], "big")
    left, right = value >> 32, value & _MASK
    for step in reversed(range(_ROUNDS)):
        left, right = right ^ _round(key, step, left), left
    seq = (left << 32) | right
    if seq >= 2**62:  # never handed out; a database integer could not even hold it
        raise CursorError(token)
    return seq


def cursor_key(secret: str | bytes) -> bytes:
    """The cursor key derived from the application's secret (never the secret itself)."""
    raw = secret.encode() if isinstance(secret, str) else secret
    return hashlib.sha256(b"audarma-partner-cursor\n" + raw).digest()
