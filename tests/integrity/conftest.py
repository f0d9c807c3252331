"""Integrity fixtures: a deterministic engine double and the desk's people.

The machine-translation model is not what these tests are about, so machine translation runs
through the real worker function (``workflow.jobs.run.work_once``: claim, record, finish) with
``MarkedEngine``, which implements the engine interface and the real post-checks but returns
text that is recognisably machine output. The real Argos engine is tested in tests/translations.
"""

from __future__ import annotations

import hashlib

import pytest

from tests.publishing.conftest import (  # noqa: F401  (the publishing factories, shared)
    make_partner,
    make_story,
    publish,
    receiver,
)
from translations.checks import run_checks
from translations.engine import Translation


def machine_text(source: str, target: str) -> str:
    """What ``MarkedEngine`` answers for ``source``: unique, stable, obviously a machine's."""
    digest = hashlib.sha256(f"{target}\n{source}".encode()).hexdigest()[:8]
    return f"MT{target.upper()}-{digest}"


class MarkedEngine:
    """The engine interface (``translate``) with deterministic output and the real checks."""

    def __init__(self) -> None:
        self.calls = 0

    def translate(self, texts, source, target, *, glossary=None, memory=None):
        self.calls += 1
        out = []
        for text in texts:
            translated = machine_text(text, target)
            out.append(Translation(translated, "machine", None,
                                   run_checks(text, translated, target, glossary,
                                              source_language=source)))
        return out


def translate_queued(database, engine=None) -> None:
    """Run the worker's own function until no job is left."""
    from workflow.jobs.run import work_once

    engine = engine or MarkedEngine()
    for _ in range(20):
        if not work_once(database, engine, "integrity-test").job_ids:
            return
    raise AssertionError("translation jobs left after 20 rounds")


@pytest.fixture
def people(make_user):
    """Two editors, translators for kk, ru and en, and an admin (ids)."""
    return {
        "editor_a": make_user("editor", email="editor.a@desk.test"),
        "editor_b": make_user("editor", email="editor.b@desk.test"),
        "kk": make_user("translator", languages="kk", email="kk@desk.test"),
        "ru": make_user("translator", languages="ru", email="ru@desk.test"),
        "en": make_user("translator", languages="en", email="en@desk.test"),
    }

