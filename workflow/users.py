"""People: create accounts, check passwords, bootstrap the first admin."""

from __future__ import annotations

import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow.errors import Conflict, InvalidInput
from workflow.models import User
from workflow.vocabulary import DEFAULT_LOCALE, INTERFACE_LOCALES, LANGUAGES, ROLES

_hasher = PasswordHasher()
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+$")
MIN_PASSWORD = 10


def hash_password(password: str) -> str:
    """Argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(user: User, password: str) -> bool:
    """True if ``password`` matches; rehashes transparently when parameters changed."""
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return True


_DUMMY_HASH = _hasher.hash("audarma-timing-equaliser")


def check_sign_in(user: User | None, password: str) -> bool:
    """Verify a sign-in; an unknown or inactive account costs the same hashing time."""
    if user is None or not user.is_active:
        try:
            _hasher.verify(_DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            pass
        return False
    return verify_password(user, password)


def parse_languages(value: str | list[str] | None) -> list[str]:
    """Validate a comma list or list of language codes against kk, ru, en."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else value
    langs = [item.strip().lower() for item in items if item.strip()]
    unknown = [lang for lang in langs if lang not in LANGUAGES]
    if unknown:
        raise InvalidInput(
            f"Unknown language {', '.join(unknown)}; use {', '.join(LANGUAGES)}.",
            code="unknown_language",
        )
    return list(dict.fromkeys(langs))


def create_user(
    session: Session,
    email: str,
    password: str,
    roles: list[str],
    languages: list[str] | None = None,
    name: str = "",
    locale: str = "en",
) -> User:
    """Create an account; raises InvalidInput or Conflict with a clear message."""
    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        raise InvalidInput(f"{email!r} is not an e-mail address.", code="invalid_email")
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(
            f"The password must be at least {MIN_PASSWORD} characters.", code="weak_password"
        )
    bad = [role for role in roles if role not in ROLES]
    if bad or not roles:
        raise InvalidInput(f"Roles must be among {', '.join(ROLES)}.", code="invalid_role")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"A user {email} already exists.", code="duplicate_user")
    user = User(
        email=email,
        name=name or email.split("@")[0],
        password_hash=hash_password(password),
        roles=list(dict.fromkeys(roles)),
        languages=parse_languages(languages),
        locale=locale if locale in INTERFACE_LOCALES else DEFAULT_LOCALE,
    )
    session.add(user)
    session.flush()
    return user


def ensure_first_admin(
    session: Session, email: str = "admin@audarma.local"
) -> tuple[User, str] | None:
    """With no user at all, create an admin with a random one-time password and return both."""
    if session.scalar(select(func.count()).select_from(User)):
        return None
    password = secrets.token_urlsafe(12)
    user = create_user(session, email, password, ["admin", "editor", "translator"], name="Admin")
    return user, password
