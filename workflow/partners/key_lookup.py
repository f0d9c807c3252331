"""Speed-up: a pull's partner key found by a prepared statement straight on psycopg.

Every partner pull looks its key up first (uncached, so a revocation holds on the very next pull
in every worker). On PostgreSQL the query runs as a prepared statement on a pooled psycopg
connection in autocommit: SQLAlchemy's execution path cost 0.24 ms of CPU for a 0.07 ms query.
Taken out alone (``bench/partner_path.py``, docs/benchmarks.md "Partner-path speed-ups"), a
cached feed pull costs about 10 % more CPU. The pool's checkout (liveness, reconnection) is
the same; a failure is SQLAlchemy's ``OperationalError``, a 503. Other databases take the plain
path, ``find_partner_key``, which answers the same
(``tests/publishing/test_partner_key_lookup.py``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import OperationalError

from workflow.db import UTCDateTime, autocommit_connection
from workflow.partners.admin import LIVE_PARTNER_KEY, PartnerKey, find_partner_key
from workflow.partners.keys import _hash as key_hash

_UTC = UTCDateTime()


def look_up_partner_key(engine: Engine, secret: str) -> PartnerKey | None:
    """``find_partner_key`` for a pull, outside any transaction (no BEGIN, no ROLLBACK)."""
    if not secret or not secret.startswith("ak_"):
        return None
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg":
        with autocommit_connection(engine) as connection:
            return find_partner_key(connection, secret)
    return _find_on_psycopg(engine, key_hash(secret))


@lru_cache(maxsize=8)
def _statement(dialect: Dialect) -> str:
    return str(LIVE_PARTNER_KEY.compile(dialect=dialect))


def _find_on_psycopg(engine: Engine, digest: str) -> PartnerKey | None:
    statement = _statement(engine.dialect)
    dbapi_error = engine.dialect.loaded_dbapi.OperationalError
    try:
        pooled = engine.raw_connection()
    except dbapi_error as exc:  # the database is down: what SQLAlchemy would raise
        raise OperationalError(statement, {"key_hash": "…"}, exc) from exc
    try:
        connection: Any = pooled.driver_connection  # psycopg's own connection (untyped here)
        try:
            connection.autocommit = True
            try:
                row = connection.execute(statement, {"key_hash": digest}, prepare=True).fetchone()
            finally:
                if not connection.closed:
                    connection.autocommit = False
        except dbapi_error as exc:
            pooled.invalidate(exc)
            raise OperationalError(statement, {"key_hash": "…"}, exc) from exc
    finally:
        pooled.close()
    if row is None:
        return None
    key_id, prefix, last_used_at, *rest = row
    last_used_at = _UTC.process_result_value(last_used_at, engine.dialect)  # as the ORM reads it
    return PartnerKey(key_id, prefix, last_used_at, *rest)
