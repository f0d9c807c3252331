"""Fill a PostgreSQL database with a newsroom's worth of synthetic work for load tests.

    .venv/bin/python bench/load_data.py postgresql://postgres@127.0.0.1:5432/audarma_load \
        --articles 10000 --reset

Creates the database if it does not exist (``--reset`` drops and recreates it first), runs the
migrations (what ``audarma db upgrade`` does), then bulk-inserts with SQLAlchemy Core: N articles
× 3 editions (source + two translations) in every edition state, a translation job per target in
every job state, 10–20 segments per article with machine and human text, revisions, comments,
audit events, memory and glossary entries, and for published/withdrawn editions the publications
and feed events partners read. All text is synthetic (random syllables per language).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import delete, insert, text  # noqa: E402
from sqlalchemy.engine import Connection  # noqa: E402

from workflow.models import (  # noqa: E402
    Article,
    AuditEvent,
    Block,
    Comment,
    Edition,
    FeedEvent,
    FeedSequence,
    GlossaryTerm,
    MemoryEntry,
    Publication,
    Segment,
    SegmentRevision,
    SegmentTranslation,
    TranslationJob,
    User,
)

LANGS = ("kk", "ru", "en")
SYLLABLES = {
    "en": "ba be bi bo da de di do ka ke ko la le li lo ma me mi mo na ne ni no ra re ri ro "
          "sa se si so ta te ti to va ve vo an en in on ar er or st th ch sh".split(),
    "ru": "ба бе би бо да де ди до ка ке ко ла ле ли ло ма ме ми мо на не ни но ра ре ри ро "
          "са се си со та те ти то ва ве во ан ен ин он ар ер ор ст пр кр".split(),
    "kk": "ба бе бі бо да де ді до қа ке қо ла ле лі ло ма ме мі мо на не ні но ра ре рі ро "
          "са се сі со та те ті то ғы ұл үр өз ің ән ша ше жа жо".split(),
}
EDITION_STATES = (  # target editions: (state, weight)
    ("translating", 10), ("editing", 20), ("submitted", 10), ("approved", 8),
    ("scheduled", 5), ("published", 40), ("withdrawn", 7),
)
SOURCE_STATES = (("editing", 25), ("submitted", 8), ("approved", 7), ("scheduled", 5),
                 ("published", 48), ("withdrawn", 7))
LIVE_JOB_STATES = (("queued", 3), ("translating", 2), ("waiting_for_model", 3), ("failed", 2))
CATEGORIES = ("politics", "economy", "sport", "culture", "world", "technology")
HUMAN_STATES = {"submitted", "approved", "scheduled", "published", "withdrawn"}
PASSWORD = "load-test-password"


class Words:
    """A fixed synthetic vocabulary per language and sentences drawn from it."""

    def __init__(self, rng: random.Random, size: int = 3000) -> None:
        self.rng = rng
        self.vocab = {
            lang: ["".join(rng.choices(SYLLABLES[lang], k=rng.randint(1, 4))) for _ in range(size)]
            for lang in LANGS
        }

    def sentence(self, lang: str, low: int = 6, high: int = 16) -> str:
        """One capitalised sentence ending with a full stop."""
        words = self.rng.choices(self.vocab[lang], k=self.rng.randint(low, high))
        if self.rng.random() < 0.3:
            words.insert(self.rng.randrange(len(words)), str(self.rng.randint(2, 2030)))
        return " ".join(words).capitalize() + "."


def pick(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    """A weighted random choice."""
    return rng.choices([s for s, _w in table], weights=[w for _s, w in table])[0]


def ensure_database(url: str, reset: bool) -> None:
    """Create (or drop and recreate) the database named in ``url`` on its server."""
    import psycopg

    base, name = url.rsplit("/", 1)
    if not name.startswith("audarma_load"):
        sys.exit(f"refusing to touch {name!r}: load databases are named audarma_load*")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and reset:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


class Generator:
    """Builds rows in memory, article batch by article batch, with explicit ids."""

    def __init__(self, conn: Connection, seed: int, now: datetime) -> None:
        self.conn = conn
        self.rng = random.Random(seed)
        self.words = Words(self.rng)
        self.now = now
        self.ids: dict[str, int] = {}
        self.events: list[tuple[datetime, int, str, str]] = []  # (at, publication id, lang, kind)
        self.translators: dict[str, list[int]] = {}
        self.editors: list[int] = []

    def next_id(self, table: str) -> int:
        """The next explicit primary key of ``table``."""
        self.ids[table] = self.ids.get(table, 0) + 1
        return self.ids[table]

    def users(self) -> None:
        """An admin for the benchmark, editors and translators per language (one password hash)."""
        from workflow.users import hash_password

        password_hash = hash_password(PASSWORD)
        rows = [dict(id=self.next_id("users"), email="load-admin@audarma.test", name="Load Admin",
                     password_hash=password_hash, roles=["admin"], languages=[], locale="en")]
        for i in range(4):
            uid = self.next_id("users")
            self.editors.append(uid)
            rows.append(dict(id=uid, email=f"editor{i}@audarma.test", name=f"Editor {i}",
                             password_hash=password_hash, roles=["editor"], languages=[],
                             locale="en"))
        for lang in LANGS:
            for i in range(5):
                uid = self.next_id("users")
                self.translators.setdefault(lang, []).append(uid)
                rows.append(dict(id=uid, email=f"translator-{lang}{i}@audarma.test",
                                 name=f"Translator {lang.upper()} {i}",
                                 password_hash=password_hash, roles=["translator"],
                                 languages=[lang], locale=lang))
        self.conn.execute(insert(User), rows)

    def glossary(self, per_pair: int = 100) -> None:
        """Forced translations for every language pair."""
        rows = []
        for src in LANGS:
            for tgt in LANGS:
                if src == tgt:
                    continue
                for term in self.rng.sample(self.words.vocab[src], per_pair):
                    rows.append(dict(id=self.next_id("glossary_terms"), source_language=src,
                                     target_language=tgt, term=term,
                                     translation=self.rng.choice(self.words.vocab[tgt]),
                                     case_sensitive=False, extra={}))
        self.conn.execute(insert(GlossaryTerm), rows)

    def batch(self, numbers: range, total: int) -> dict[str, int]:
        """Insert the articles numbered ``numbers`` (of ``total``) with everything they own."""
        rows: dict[str, list[dict]] = {name: [] for name in (
            "articles", "blocks", "segments", "editions", "translations", "jobs", "revisions",
            "comments", "audit", "memory", "publications")}
        for n in numbers:
            self.article(n, total, rows)
        for model, key in ((Article, "articles"), (Block, "blocks"), (Segment, "segments"),
                           (Edition, "editions"), (SegmentTranslation, "translations"),
                           (TranslationJob, "jobs"), (SegmentRevision, "revisions"),
                           (Comment, "comments"), (AuditEvent, "audit"),
                           (MemoryEntry, "memory"), (Publication, "publications")):
            if rows[key]:
                self.conn.execute(insert(model), uniform(rows[key]))
        return {key: len(value) for key, value in rows.items()}

    def article(self, n: int, total: int, rows: dict[str, list[dict]]) -> None:
        """One article: blocks, segments, three editions, jobs, review trail, publications."""
        rng, words = self.rng, self.words
        source = rng.choice(LANGS)
        created = self.now - timedelta(days=60) * (1 - n / total) - timedelta(hours=3)
        article_id = self.next_id("articles")
        # Blocks: title, lead, then paragraphs (and a heading/quote now and then).
        target_count = rng.randint(10, 20)
        plan = [("title", 1), ("lead", rng.randint(1, 2))]
        remaining = target_count - sum(c for _k, c in plan)
        while remaining > 0:
            kind = rng.choices(("paragraph", "heading", "quote"), weights=(8, 1, 1))[0]
            count = 1 if kind == "heading" else min(remaining, rng.randint(1, 4))
            plan.append((kind, count))
            remaining -= count
        segments: list[tuple[int, str, str]] = []  # (segment id, block kind, source text)
        position = 0
        for block_position, (kind, count) in enumerate(plan):
            block_id = self.next_id("blocks")
            texts = [words.sentence(source, 4, 9) if kind in ("title", "heading")
                     else words.sentence(source) for _ in range(count)]
            if kind in ("title", "heading"):
                texts = [t.rstrip(".") for t in texts]
            rows["blocks"].append(dict(id=block_id, article_id=article_id,
                                       position=block_position, kind=kind, text=" ".join(texts),
                                       marks=[], language=source, language_confidence=0.99,
                                       active=True))
            offset = 0
            for sentence in texts:
                segment_id = self.next_id("segments")
                rows["segments"].append(dict(
                    id=segment_id, article_id=article_id, block_id=block_id,
                    sid=f"s{position + 1}", position=position, start_offset=offset,
                    end_offset=offset + len(sentence), source_text=sentence,
                    source_hash=hashlib.sha256(sentence.encode()).hexdigest(), marks=[],
                    active=True, created_at=created))
                segments.append((segment_id, kind, sentence))
                offset += len(sentence) + 1
                position += 1
        title = segments[0][2]
        rows["articles"].append(dict(
            id=article_id, title=title, source_language=source, language_confidence=0.99,
            language_overridden=False, byline=f"By {words.sentence('en', 2, 2).rstrip('.')}",
            source_format="text", source_key=f"load-{n:08d}",
            content_hash=hashlib.sha256(f"load-{n}".encode()).hexdigest(),
            priority="breaking" if rng.random() < 0.05 else "normal",
            category=rng.choice(CATEGORIES), revision=1, warnings=[],
            created_by_id=rng.choice(self.editors), created_at=created, updated_at=created))
        for language in LANGS:
            self.edition(article_id, source, language, created, segments, rows)

    def edition(self, article_id: int, source: str, language: str, created: datetime,
                segments: list[tuple[int, str, str]], rows: dict[str, list[dict]]) -> None:
        """One edition of an article in a random state, with everything that state implies."""
        rng, words = self.rng, self.words
        is_source = language == source
        state = pick(rng, SOURCE_STATES if is_source else EDITION_STATES)
        edition_id = self.next_id("editions")
        assignee = rng.choice(self.translators[language]) if state != "translating" else None
        if state == "editing" and rng.random() < 0.3:
            assignee = None
        human = state in HUMAN_STATES
        reviewer = rng.choice(self.editors) if human else None
        submitted_at = created + timedelta(hours=1) if human else None
        approved_at = created + timedelta(hours=2) if state in HUMAN_STATES - {"submitted"} \
            else None
        label = f"{source}→{language} via translate-{source}_{language} 1.0"
        texts: list[str] = []
        if is_source:
            texts = [s for _id, _kind, s in segments]
        else:
            done = rng.randint(0, len(segments)) if state == "translating" else len(segments)
            edited = rng.randint(0, len(segments)) if state == "editing" else (
                len(segments) if human else 0)
            for i, (segment_id, kind, _source) in enumerate(segments):
                machine = words.sentence(language, 4, 9) if kind in ("title", "heading") \
                    else words.sentence(language)
                row_state = "pending" if i >= done else "machine"
                final = None
                if i < edited:
                    row_state = "confirmed" if human or rng.random() < 0.6 else "draft"
                    final = machine if rng.random() < 0.5 else machine.replace(" ", " , ", 1)
                translation_id = self.next_id("segment_translations")
                rows["translations"].append(dict(
                    id=translation_id, edition_id=edition_id, segment_id=segment_id,
                    state=row_state, machine_text=machine if i < done else None,
                    machine_origin="model" if i < done else None,
                    machine_route={"label": label} if i < done else None,
                    machine_source_hash=None, machine_at=created if i < done else None,
                    text=final, version=1 if final else 0, checks=[], suggestions=[],
                    edited_by_id=assignee if final else None,
                    edited_at=created + timedelta(minutes=30) if final else None,
                    time_spent_ms=rng.randint(2000, 60000) if final else 0))
                if final:
                    rows["revisions"].append(dict(
                        id=self.next_id("segment_revisions"), translation_id=translation_id,
                        version=1, text=final, kind="confirm" if row_state == "confirmed"
                        else "save", user_id=assignee, created_at=created))
                texts.append(final or machine)
                if state in ("approved", "published") and final and rng.random() < 0.5:
                    rows["memory"].append(dict(
                        id=self.next_id("memory_entries"), source_language=source,
                        target_language=language, source_text=_source,
                        source_hash=hashlib.sha256(_source.encode()).hexdigest(),
                        target_text=final, edition_id=edition_id, approved_by_id=reviewer,
                        created_at=approved_at))
            rows["jobs"].append(self.job(article_id, edition_id, source, language, state,
                                         done, len(segments), created))
        rows["editions"].append(dict(
            id=edition_id, article_id=article_id, language=language, is_source=is_source,
            state=state, assignee_id=assignee, reviewer_id=reviewer, title=texts[0],
            submitted_at=submitted_at, approved_at=approved_at,
            approved_by_id=reviewer if approved_at else None, lock_version=1,
            created_at=created, updated_at=approved_at or created))
        if human:
            rows["audit"].append(dict(id=self.next_id("audit_events"), at=submitted_at,
                                      actor_id=assignee, action="edition.submitted",
                                      article_id=article_id, edition_id=edition_id, detail={}))
        if rng.random() < 0.1:
            rows["comments"].append(dict(id=self.next_id("comments"), edition_id=edition_id,
                                         user_id=reviewer or assignee,
                                         body=words.sentence("en"), created_at=created))
        if state in ("scheduled", "published", "withdrawn"):
            self.publications(article_id, edition_id, language, state, texts, segments,
                              approved_at or created, label if not is_source else None, rows)

    def job(self, article_id: int, edition_id: int, source: str, language: str, state: str,
            done: int, total: int, created: datetime) -> dict:
        """The translation job row that goes with a target edition in ``state``."""
        job_state = pick(self.rng, LIVE_JOB_STATES) if state == "translating" else "in_review"
        return dict(
            id=self.next_id("translation_jobs"), article_id=article_id, edition_id=edition_id,
            source_language=source, target_language=language, state=job_state,
            priority="normal", attempts=1 if job_state != "queued" else 0,
            error="Synthetic failure for the load test." if job_state == "failed" else None,
            route={"label": f"{source}→{language}"}, segments_done=done, segments_total=total,
            needs_dispatch=False, dispatched_at=created, created_at=created, updated_at=created,
            finished_at=created + timedelta(minutes=5) if job_state == "in_review" else None)

    def publications(self, article_id: int, edition_id: int, language: str, state: str,
                     texts: list[str], segments: list[tuple[int, str, str]], approved: datetime,
                     route: str | None, rows: dict[str, list[dict]]) -> None:
        """Published versions (corrections, kills) or a scheduled one, and their feed events."""
        body = "\n".join(
            f"<h2>{t}</h2>" if kind == "heading" else f"<p>{t}</p>"
            for t, (_id, kind, _s) in zip(texts[1:], segments[1:], strict=True))
        disclosure = ("Original text by the newsroom; not machine-translated." if route is None
                      else f"Machine-translated ({route}) and reviewed by a human editor "
                           "before publication.")
        base = dict(edition_id=edition_id, article_id=article_id, language=language,
                    headline=texts[0], body_html=body, byline="By the newsroom",
                    route_label=route, disclosure=disclosure, published_by_id=self.editors[0],
                    payload={"routes": [route] if route else []})
        if state == "scheduled":
            embargo = self.now + timedelta(hours=self.rng.randint(1, 72))
            rows["publications"].append(dict(base, id=self.next_id("publications"), version=1,
                                             status="scheduled", embargo_until=embargo,
                                             created_at=approved))
            return
        first = approved + timedelta(minutes=self.rng.randint(5, 600))
        versions = 1 + (self.rng.random() < 0.15) + (state == "withdrawn")
        for version in range(1, versions + 1):
            at = first + timedelta(hours=version - 1)
            last = version == versions
            killed = state == "withdrawn" and last
            status = ("canceled" if killed else "usable") if last else "superseded"
            pub_id = self.next_id("publications")
            rows["publications"].append(dict(
                base, id=pub_id, version=version, status=status, first_published_at=first,
                published_at=at, created_at=at,
                correction_note=(f"This is a corrected version (version {version}) of an "
                                 "earlier story.") if version > 1 and not killed else None,
                kill_reason="Synthetic withdrawal for the load test." if killed else None))
            kind = "kill" if killed else ("correct" if version > 1 else "publish")
            self.events.append((at, pub_id, language, kind))

    def feed_events(self) -> int:
        """All feed events in time order (seq follows publication time), and the counter."""
        self.events.sort()
        rows = [dict(seq=seq, publication_id=pub, language=lang, kind=kind, at=at)
                for seq, (at, pub, lang, kind) in enumerate(self.events, start=1)]
        for chunk in chunks(rows, 5000):
            self.conn.execute(insert(FeedEvent), chunk)
        self.conn.execute(delete(FeedSequence))  # migration 0002 seeds the row
        self.conn.execute(insert(FeedSequence), [dict(id=1, value=len(rows))])
        return len(rows)

    def reset_sequences(self) -> None:
        """Move every serial past the explicit ids used here."""
        for table in self.ids:
            self.conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))


def uniform(rows: list[dict]) -> list[dict]:
    """Rows with the same keys (missing ones None), as one executemany needs."""
    keys = {key for row in rows for key in row}
    return [{key: row.get(key) for key in keys} for row in rows]


def chunks(items: list[dict], size: int) -> Iterator[list[dict]]:
    """``items`` in slices of ``size``."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def main(argv: list[str] | None = None) -> int:
    """Create, migrate and fill the load database; print row counts and the time taken."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("database_url", help="postgresql://…/audarma_load (created if missing)")
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=500, help="articles per transaction")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database")
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgresql"):
        sys.exit("load data goes into PostgreSQL: postgresql://user@host:port/audarma_load")
    from workflow.db import make_engine
    from workflow.migrations import upgrade

    plain = args.database_url.replace("postgresql+psycopg://", "postgresql://")
    ensure_database(plain, args.reset)
    url = "postgresql+psycopg://" + plain[len("postgresql://"):]
    upgrade(url)  # what `audarma db upgrade` does
    engine = make_engine(url)
    started = time.monotonic()
    with engine.begin() as conn:
        if conn.scalar(text("SELECT count(*) FROM articles")):
            sys.exit("the database already has articles: pass --reset to start over")
    totals: dict[str, int] = {}
    generator: Generator | None = None
    with engine.connect() as conn:
        generator = Generator(conn, args.seed, datetime.now(UTC))
        with conn.begin():
            generator.users()
            generator.glossary()
        for start in range(0, args.articles, args.batch):
            with conn.begin():
                counts = generator.batch(range(start, min(start + args.batch, args.articles)),
                                         args.articles)
            for key, value in counts.items():
                totals[key] = totals.get(key, 0) + value
            print(f"  {min(start + args.batch, args.articles)}/{args.articles} articles "
                  f"({time.monotonic() - started:.0f} s)", flush=True)
        with conn.begin():
            totals["feed_events"] = generator.feed_events()
            generator.reset_sequences()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    print(", ".join(f"{k}={v}" for k, v in totals.items()))
    print(f"done in {time.monotonic() - started:.0f} s; sign in as load-admin@audarma.test "
          f"with {PASSWORD!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
