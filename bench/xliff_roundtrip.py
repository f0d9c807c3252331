"""Time XLIFF export and import of a 200-segment edition (the CAT-tool round trip).

Usage: python bench/xliff_roundtrip.py [--segments 200] [--runs 5] [--db URL]

Builds, in a scratch SQLite database (or the PostgreSQL URL given), one English article of N
sentences through the ingest service, a Kazakh edition whose segments hold machine output and
translator drafts written through the review service, then times ``export_edition`` and
``import_edition`` (every unit changed, so every segment is saved) and prints the median and the
slowest of ``--runs`` runs. The goals are export ≤ 300 ms and import ≤ 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import update  # noqa: E402
from translate.storage import xliff as toolkit  # noqa: E402

SENTENCE = ("The regional akimat said on Tuesday that <1>{n} new schools</1> would open in "
            "Karaganda region before September, at a cost of {n}.5 billion tenge.")


def build(app, segments: int) -> tuple[int, int]:
    """An article of ``segments`` sentences, its kk edition with machine text; (edition, user)."""
    from workflow.ingest.service import ingest_text
    from workflow.models import Edition, SegmentTranslation
    from workflow.users import create_user

    database = app.extensions["audarma.db"]
    body = "\n\n".join(" ".join(SENTENCE.format(n=p * 4 + i) for i in range(4))
                       for p in range(segments // 4))
    with app.app_context(), database.transaction() as session:
        user = create_user(session, "bench@xliff.test", "password123", ["translator"],
                           languages=["kk"])
        result = ingest_text(session, "Schools for Karaganda\n\n" + body, source="bench",
                             language="en", targets=["kk"])
        edition = session.query(Edition).filter_by(article_id=result.article.id,
                                                   language="kk").one()
        # machine output as a worker stores it (the model itself is not what is timed here)
        session.execute(update(SegmentTranslation)
                        .where(SegmentTranslation.edition_id == edition.id)
                        .values(state="machine", machine_text="Машина аудармасы <1>мектеп</1>."))
        edition.state = "editing"
        return edition.id, user.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()

    from web import create_app
    from workflow.db import Base
    from workflow.exchange.xliff import export_edition, import_edition

    with tempfile.TemporaryDirectory() as tmp:
        config = {"INSTANCE_DIR": tmp, "TESTING": True}
        if args.db:
            config["DATABASE_URL"] = args.db
        app = create_app(config)
        Base.metadata.create_all(app.extensions["audarma.db"].engine)
        edition_id, user_id = build(app, args.segments)
        database = app.extensions["audarma.db"]
        exports, imports = [], []
        for run in range(args.runs):
            with app.app_context():
                session = database.session
                started = time.perf_counter()
                data = export_edition(session, edition_id)
                exports.append(time.perf_counter() - started)
                store = toolkit.xlifffile.parsestring(data)
                units = store.getunits()
                for unit in units:
                    unit.target = f"Аудармашы нұсқасы {run}: <1>мектеп</1> ашылады."
                changed = bytes(store)
                started = time.perf_counter()
                report = import_edition(session, edition_id, changed, user_id)
                session.commit()
                imports.append(time.perf_counter() - started)
                assert len(report.saved) == len(units), report.to_json()
                database.session.remove()
        print(f"segments per edition: {len(units)}; runs: {args.runs}; "
              f"database: {app.extensions['audarma.db'].dialect}")
        print(f"export: median {statistics.median(exports) * 1000:.0f} ms, "
              f"slowest {max(exports) * 1000:.0f} ms (goal ≤ 300 ms)")
        print(f"import: median {statistics.median(imports) * 1000:.0f} ms, "
              f"slowest {max(imports) * 1000:.0f} ms (goal ≤ 1000 ms)")
        database.dispose()


if __name__ == "__main__":
    main()
