"""The unit of work: effects run once after COMMIT, never after a rollback; one boundary."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import text

from workflow.db import DISPATCH_JOBS, SEND_WEBHOOKS, Database, after_commit

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'unit.db'}")
    with db.transaction() as session:
        session.execute(text("CREATE TABLE t (x INTEGER)"))
    yield db
    db.dispose()


def _count(db: Database) -> int:
    with db.transaction() as session:
        return session.execute(text("SELECT count(*) FROM t")).scalar_one()


def test_effects_run_after_commit_once_each(database):
    seen = []
    database.on_commit(DISPATCH_JOBS, lambda: seen.append(("dispatch", _count(database))))
    database.on_commit(SEND_WEBHOOKS, lambda: seen.append(("webhooks", _count(database))))
    with database.unit() as session:
        session.execute(text("INSERT INTO t VALUES (1)"))
        after_commit(session, DISPATCH_JOBS)
        after_commit(session, DISPATCH_JOBS)
        after_commit(session, SEND_WEBHOOKS)
        assert seen == []
    assert seen == [("dispatch", 1), ("webhooks", 1)]  # the handlers saw the committed row


def test_a_rollback_sends_nothing(database):
    seen = []
    database.on_commit(DISPATCH_JOBS, lambda: seen.append("dispatch"))
    with pytest.raises(RuntimeError), database.unit() as session:
        session.execute(text("INSERT INTO t VALUES (1)"))
        after_commit(session, DISPATCH_JOBS)
        raise RuntimeError("refused")
    session = database.session()
    after_commit(session, DISPATCH_JOBS)
    database.rollback()
    database.commit()
    assert seen == [] and _count(database) == 0


def test_the_scoped_session_commits_through_the_same_unit(database):
    seen = []
    database.on_commit(DISPATCH_JOBS, lambda: seen.append("dispatch"))
    session = database.session()
    session.execute(text("INSERT INTO t VALUES (2)"))
    after_commit(session, DISPATCH_JOBS)
    database.commit()
    database.commit()  # nothing new asked for: nothing runs again
    assert seen == ["dispatch"] and _count(database) == 1


def _calls(pattern: str, folders=("web", "tasks")) -> set[str]:
    found = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            if re.search(pattern, path.read_text(encoding="utf-8")):
                found.add(str(path.relative_to(ROOT)))
    return found


def test_one_after_commit_wiring_and_one_error_mapping():
    """Dispatch and webhook sends are wired once (tasks/effects.py); the beat's resend and the
    webhook tick are the outbox's safety nets. DomainErrors become replies in web/boundary.py."""
    assert _calls(r"\bdispatch_pending\(") == {"tasks/effects.py", "tasks/beat.py",
                                                "tasks/dispatch.py"}
    assert _calls(r"\bsend_due\(") == {"tasks/effects.py", "tasks/webhooks.py"}
    assert _calls(r"\bsession\.commit\(\)", ("web",)) == set()  # views commit through it
    assert _calls(r"errorhandler\(DomainError\)|register_error_handler\(DomainError",
                  ("web",)) == {"web/boundary.py"}
    assert _calls(r"exc\.status, exc\.code, exc\.message", ("web",)) == set()
