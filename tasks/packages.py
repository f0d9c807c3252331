"""Installing a model package and waking the jobs it can now serve (CLI and admin page)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from tasks.context import database


def package_store():
    """The PackageStore of this app's packages directory."""
    from translations.packages import PackageStore

    return PackageStore(Path(current_app.config["PACKAGES_DIR"]))


def resume_waiting_jobs() -> int:
    """Re-queue jobs waiting for a model that the installed packages now serve; returns how many."""
    from tasks.engine import has_route
    from workflow.jobs import queue as jobs

    with database().unit() as session:  # the resumed jobs are dispatched after commit
        resumed = jobs.resume_waiting(session, has_route)
    return len(resumed)


def install_package(path: Path):
    """Validate and install a package file, then resume the jobs it unblocks."""
    info = package_store().install(path)
    resume_waiting_jobs()
    return info
