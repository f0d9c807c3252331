"""People: accounts and their life cycle (passwords, one-time passwords, deactivation, API
tokens, time zones), sign-in checks, and the first admin."""

from __future__ import annotations

import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow import clock
from workflow.db import utcnow
from workflow.errors import Conflict, Forbidden, InvalidInput, NotFound
from workflow.models import ApiKey, AuditEvent, User
from workflow.partners.keys import issue_key
from workflow.vocabulary import ADMIN, DEFAULT_LOCALE, INTERFACE_LOCALES, LANGUAGES, ROLES

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


def check_new_password(password: str) -> None:
    """InvalidInput unless ``password`` is long enough to be kept."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"The password must be at least {MIN_PASSWORD} characters.",
                           code="weak_password", minimum=MIN_PASSWORD)


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
    check_new_password(password)
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
    password = one_time_password()
    user = create_user(session, email, password, ["admin", "editor", "translator"], name="Admin")
    user.must_change_password = True
    return user, password


def one_time_password() -> str:
    """A random password for one sign-in (first start, admin reset)."""
    return secrets.token_urlsafe(12)


def _audit(session: Session, actor_id: int | None, action: str, user: User, **detail: object):
    session.add(AuditEvent(actor_id=actor_id, action=action,
                           detail={"user_id": user.id, "email": user.email, **detail}))


def find_user(session: Session, ref: int | str) -> User:
    """A user by id or e-mail; NotFound otherwise."""
    if isinstance(ref, int) or str(ref).isdigit():
        user = session.get(User, int(ref))
    else:
        user = session.scalar(select(User).where(User.email == str(ref).strip().lower()))
    if user is None:
        raise NotFound(f"No user {ref}.", code="no_such_user")
    return user


def list_users(session: Session) -> list[User]:
    """Every account, by e-mail."""
    return list(session.scalars(select(User).order_by(User.email)))


def end_sessions(user: User) -> None:
    """Sign the user out everywhere: every cookie carrying the old version stops working."""
    user.session_version = (user.session_version or 0) + 1


def sign_out(session: Session, user_id: int) -> None:
    """Logout: the server forgets the session, so a copy of the cookie is worthless too."""
    user = session.get(User, user_id)
    if user is not None:
        end_sessions(user)


def change_password(session: Session, user_id: int, current: str, new: str) -> User:
    """A person changes their own password; the current one is required.

    Other sessions of the person end (the caller signs the current browser in again).
    """
    user = find_user(session, user_id)
    if not user.is_active:
        raise Forbidden("This account is deactivated.", code="inactive_user")
    if not verify_password(user, current):
        raise Forbidden("The current password is wrong.", code="wrong_password")
    check_new_password(new)
    if new == current:
        raise InvalidInput("The new password must differ from the current one.",
                           code="same_password")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    end_sessions(user)
    _audit(session, user.id, "user.password_changed", user)
    return user


def set_password(session: Session, ref: int | str, new: str, actor_id: int | None) -> User:
    """An admin (or the console) sets someone's password outright; their sessions end."""
    user = find_user(session, ref)
    check_new_password(new)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    end_sessions(user)
    _audit(session, actor_id, "user.password_set", user)
    return user


def reset_password(session: Session, ref: int | str, actor_id: int | None) -> tuple[User, str]:
    """Give a user a one-time password (shown once) that must be changed at the next sign-in."""
    user = find_user(session, ref)
    password = one_time_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    end_sessions(user)
    _audit(session, actor_id, "user.password_reset", user)
    return user, password


def _other_active_admins(session: Session, user: User) -> int:
    return sum(1 for other in list_users(session)
               if other.id != user.id and other.is_active and ADMIN in other.roles)


def deactivate(session: Session, ref: int | str, actor_id: int | None) -> User:
    """A person who left: no sign-in; their sessions and API tokens end at once."""
    user = find_user(session, ref)
    if actor_id is not None and user.id == actor_id:
        raise Conflict("You cannot deactivate your own account.", code="own_account")
    if ADMIN in user.roles and user.is_active and not _other_active_admins(session, user):
        raise Conflict("This is the last active admin: make someone else admin first.",
                       code="last_admin")
    if user.is_active:
        user.is_active = False
        end_sessions(user)
        now = utcnow()
        for key in user.api_keys:
            if key.revoked_at is None:
                key.revoked_at = now
        _audit(session, actor_id, "user.deactivated", user)
    return user


def reactivate(session: Session, ref: int | str, actor_id: int | None) -> User:
    """Let a deactivated person sign in again (their old API tokens stay revoked)."""
    user = find_user(session, ref)
    if not user.is_active:
        user.is_active = True
        _audit(session, actor_id, "user.reactivated", user)
    return user


def set_locale(session: Session, user_id: int, locale: str) -> User:
    """Remember the interface language a person chose (kk, ru or en)."""
    if locale not in INTERFACE_LOCALES:
        raise InvalidInput(f"Unknown interface language {locale!r}.", code="unknown_locale")
    user = find_user(session, user_id)
    user.locale = locale
    return user


def set_timezone(session: Session, user_id: int, name: str | None) -> User:
    """A person's own time zone; empty means the instance's."""
    user = find_user(session, user_id)
    user.timezone = clock.check_zone_name(name) if (name or "").strip() else None
    return user


def issue_user_token(session: Session, ref: int | str, label: str) -> tuple[ApiKey, str]:
    """A named API token for a user's scripts; the secret is returned once, never stored."""
    user = find_user(session, ref)
    if not user.is_active:
        raise Conflict("This account is deactivated.", code="inactive_user")
    label = (label or "").strip()
    if not label or len(label) > 200:
        raise InvalidInput("Name the token (up to 200 characters), e.g. what uses it.",
                           code="token_label")
    return issue_key(session, user_id=user.id, label=label)


def user_tokens(session: Session, ref: int | str | None = None) -> list[ApiKey]:
    """User API tokens (live and revoked), newest first; only ``ref``'s when given."""
    query = select(ApiKey).where(ApiKey.user_id.is_not(None)).order_by(ApiKey.id.desc())
    if ref is not None:
        query = query.where(ApiKey.user_id == find_user(session, ref).id)
    return list(session.scalars(query))


def revoke_user_token(session: Session, key_id: int, actor_id: int | None,
                      owner_id: int | None = None) -> ApiKey:
    """Revoke a user's API token; requests with it get 401 from then on.

    With ``owner_id``, only that user's token (a person revoking their own).
    """
    key = session.get(ApiKey, key_id)
    if key is None or key.user is None or (owner_id is not None and key.user_id != owner_id):
        raise NotFound(f"No user token {key_id}.", code="no_such_token")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        _audit(session, actor_id, "user.token_revoked", key.user, key_id=key.id)
    return key
