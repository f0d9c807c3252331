"""Developer helper: autogenerate the next migration against a fresh SQLite database."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from workflow.migrations import HERE, alembic_config


def main(message: str) -> None:
    """Upgrade a scratch database to head, then write the diff to the models as a new revision."""
    existing = sorted(p.name for p in (HERE / "versions").glob("[0-9]*.py"))
    next_id = f"{len(existing) + 1:04d}"
    with tempfile.TemporaryDirectory() as tmp:
        config = alembic_config(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        command.upgrade(config, "head")
        command.revision(config, message=message or "schema change", autogenerate=True,
                         rev_id=next_id)


if __name__ == "__main__":
    main(" ".join(sys.argv[1:]))
