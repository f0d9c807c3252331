"""Database engine and session factory: plain SQLAlchemy 2, shared by web, tasks and the CLI."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import DateTime, MetaData, TypeDecorator, create_engine, event
from sqlalchemy.engine import Connection, CursorResult, Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlalchemy.sql.expression import Executable

from workflow.pool_liveness import watch_connections

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with stable constraint names so Alembic diffs stay clean."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


MAX_ID = 2**31 - 1  # the largest PostgreSQL integer: no id or seq can be larger


def as_id(raw: object) -> int | None:
    """``raw`` (an int or ASCII digits) as a possible row id from 0 to MAX_ID, else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 10:
        raw = int(raw)
    return raw if isinstance(raw, int) and 0 <= raw <= MAX_ID else None


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def make_engine(url: str, **kwargs: object) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout for worker concurrency."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        watch_connections(engine)
    return engine


@contextmanager
def autocommit_connection(engine: Engine) -> Iterator[Connection]:
    """A pooled connection for reads outside any transaction: no ``BEGIN``, no reset ``ROLLBACK``.

    For a read that decides whether a request goes on at all (an API key look-up): each
    statement sees what is committed when it runs, as inside a READ COMMITTED transaction.
    """
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        yield connection


_AFTER_COMMIT = "audarma.after_commit"
DISPATCH_JOBS = "dispatch_jobs"  # queued jobs wait in the outbox: send their wake-up messages
SEND_WEBHOOKS = "send_webhooks"  # webhook deliveries are due: hand them to workers


def rows_changed(session: Session, statement: Executable) -> int:
    """Run an UPDATE or DELETE and say how many rows it changed (a state-guarded claim's
    answer). SQLAlchemy types ``execute`` as a plain Result; only its cursor result counts."""
    result = session.execute(statement)
    return cast("CursorResult[Any]", result).rowcount


def after_commit(session: Session, effect: str) -> None:
    """Ask for ``effect`` (e.g. "dispatch_jobs") to run once this session's work is committed.

    Services call this; the unit of work (``Database.commit``) runs the handler the app
    registered for it after COMMIT, so a rollback sends nothing.
    """
    session.info.setdefault(_AFTER_COMMIT, set()).add(effect)


def take_effects(session: Session) -> set[str]:
    """The effects asked for in ``session`` since its last commit or rollback (and forget them)."""
    return session.info.pop(_AFTER_COMMIT, set())


class Database:
    """An engine plus a thread-scoped session, owned by whoever builds the app or worker.

    It is also the unit of work of every boundary (views, tasks, CLI commands): ``commit`` (the
    request's scoped session) and ``unit`` (a fresh one) commit once, then run the handlers
    registered with ``on_commit`` for the effects the services asked for. ``transaction`` is
    the plain inner step (a worker's batch): it commits or rolls back and sends nothing.
    """

    def __init__(self, url: str, **engine_kwargs: object) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        self.session = scoped_session(self.session_factory)
        self._handlers: dict[str, Callable[[], object]] = {}

    def on_commit(self, effect: str, handler: Callable[[], object]) -> None:
        """Run ``handler`` after a unit of work whose services asked for ``effect``."""
        self._handlers[effect] = handler

    def run_effects(self, effects: set[str]) -> None:
        """Run the registered handler of each effect (after the commit that asked for it)."""
        for effect in sorted(effects):
            handler = self._handlers.get(effect)
            if handler is not None:
                handler()

    def commit(self, session: Session | None = None) -> None:
        """Commit ``session`` (default: the scoped one), then run the effects it asked for."""
        session = self.session() if session is None else session
        session.commit()
        self.run_effects(take_effects(session))

    def rollback(self, session: Session | None = None) -> None:
        """Roll ``session`` back (default: the scoped one); its effects are dropped."""
        session = self.session() if session is None else session
        take_effects(session)
        session.rollback()

    @property
    def dialect(self) -> str:
        """Name of the SQL dialect in use ("sqlite" or "postgresql")."""
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A fresh session that commits on success and rolls back on error; no effects run."""
        session = self.session_factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            take_effects(session)
            session.close()

    @contextmanager
    def unit(self) -> Iterator[Session]:
        """A unit of work on a fresh session: commit once, then run the effects asked for."""
        effects: set[str] = set()
        with self.transaction() as session:
            yield session
            effects = set(session.info.get(_AFTER_COMMIT, ()))
        self.run_effects(effects)

    def dispose(self) -> None:
        """Close the scoped session and every pooled connection."""
        self.session.remove()
        self.engine.dispose()


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored as UTC and always handed back timezone-aware (SQLite drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Audarma stores UTC-aware timestamps only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
