"""Gunicorn's workers start at once and each compiles the interface catalogues into the same
instance directory: none of them may fail to boot because another was writing too."""

from __future__ import annotations

import threading
from pathlib import Path

from web.i18n import CATALOGUES, compile_catalogues


def _boot_at_once(target: Path, workers: int) -> list[Exception]:
    barrier, errors = threading.Barrier(workers), []

    def boot() -> None:
        barrier.wait()
        try:
            compile_catalogues(target)
        except Exception as exc:  # noqa: BLE001 - what a worker would die of
            errors.append(exc)

    threads = [threading.Thread(target=boot) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_workers_compiling_the_catalogues_at_once_all_succeed(tmp_path):
    locales = {p.parent.parent.name for p in CATALOGUES.glob("*/LC_MESSAGES/messages.po")}
    assert locales  # kk and ru at least
    for attempt in range(10):
        target = tmp_path / f"instance-{attempt}" / "i18n"
        assert _boot_at_once(target, 6) == []
        built = {p.parent.parent.name for p in target.glob("*/LC_MESSAGES/messages.mo")}
        assert built == locales
        assert not list(target.rglob("*.tmp"))
