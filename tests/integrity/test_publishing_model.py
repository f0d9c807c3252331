"""Model-based test of the desk's promise: every published word was approved by a second person.

A hypothesis ``RuleBasedStateMachine`` drives the real workflow services — ingest, machine
translation done, segment save/confirm, source edit, submit, approve, send back, publish,
correct, kill — as several translators (kk, ru, en), editors and an admin, and after every step
checks what partners can read against its own record of who typed and who approved what:

(a) every live published version's text equals the text of an approval whose approver did not
    edit any of it since the previous approval of that edition;
(b) no published text is machine output that no human confirmed;
(c) every published edition passed the blocking checks at approval or carries an override note;
(d) the source edition of every article whose translations are all approved can be submitted
    (all its segments are ready: it is publishable through the same approval);
(e) nothing a kk-only partner can read (items API, item, Atom and JSON feeds) contains text of
    another edition.

"Machine translation done" runs the worker's real function (``workflow.jobs.run.work_once``:
claim, record results, finish) with ``MarkedEngine``, a deterministic double of the engine
interface that applies the real post-checks: the model's words are not what is tested here, and
its marked output (``MT<LANG>-<hash>``) makes unconfirmed machine text recognisable in a feed.
"""

from __future__ import annotations

import html
import json
import os
import re
from itertools import count

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from tests.integrity.conftest import translate_queued
from workflow import review
from workflow.errors import DomainError
from workflow.ingest.service import ingest_text
from workflow.ingest.source_edit import update_source
from workflow.ingest.source_text import article_markdown
from workflow.models import (
    Article,
    Edition,
    FeedEvent,
    Publication,
    Segment,
    SegmentTranslation,
)
from workflow.publishing import publish as publishing
from workflow.states import IllegalTransition

MACHINE = re.compile(r"MT(?:KK|RU|EN)-[0-9a-f]{8}")
TAG = re.compile(r"<[^>]+>")
LANGS = ("en", "kk", "ru")
SENTENCES = ("The council met on Monday.", "Trams will run at night.",
             "The budget grew by a tenth.", "Residents asked for more parks.",
             "The mayor answered questions.")
EXAMPLES = int(os.environ.get("AUDARMA_MODEL_EXAMPLES", "300"))


def _plain(text: str) -> str:
    return " ".join(html.unescape(TAG.sub(" ", text)).split())


def _texts(session, edition: Edition) -> list[tuple[str, str, list]]:
    """(text, state, checks) of each active segment in reading order, read from the rows."""
    if edition.is_source:
        return [(s.source_text, "confirmed", []) for s in session.scalars(
            select(Segment).where(Segment.article_id == edition.article_id,
                                  Segment.active.is_(True)).order_by(Segment.position))]
    rows = session.execute(
        select(SegmentTranslation, Segment.position)
        .join(Segment, Segment.id == SegmentTranslation.segment_id)
        .where(SegmentTranslation.edition_id == edition.id, Segment.active.is_(True))
        .order_by(Segment.position)).all()
    return [(r.text if r.text is not None else (r.machine_text or ""), r.state, r.checks or [])
            for r, _position in rows]


class Desk(RuleBasedStateMachine):
    """The desk as people use it; the model records authorship and approvals on its own."""

    app = db = secret = None  # set by the test function
    cursor: str | None = None  # where the previous run's items ended
    people: dict[str, int] = {}

    def __init__(self) -> None:
        super().__init__()
        self.articles: list[int] = []
        self.numbers = count(1)
        self.authors: dict[int, set[int]] = {}  # edition → who typed into it since approval
        self.approvals: dict[int, list[tuple[str, bool, bool]]] = {}  # edition → valid records
        self.confirmed_machine: set[str] = set()  # machine texts a person confirmed as they are
        self.bad_approvals: dict[int, list[str]] = {}
        self.client = self.app.test_client()
        self.cursor = self._latest_cursor()
        self.states: dict[int, tuple[str, str, bool]] = {}
        self.queued = False
        self.checked: tuple | None = None

    # --- helpers -------------------------------------------------------------------------

    def _items(self, since: str | None) -> tuple[list, str | None]:
        """Every items-API response after ``since`` (raw responses) and the cursor at the end."""
        pages = []
        while True:
            url = "/api/v1/items?limit=100" + (f"&since={since}" if since else "")
            pages.append(self.client.get(url, headers=self._key()))
            body = pages[-1].get_json() or {}
            since = body.get("next", since)
            if not body.get("has_more"):
                return pages, since

    def _latest_cursor(self) -> str | None:
        """The items cursor at the end of the log (kept across runs: each pages from there)."""
        Desk.cursor = self._items(Desk.cursor)[1]
        return Desk.cursor

    def _key(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}"}

    def _refresh(self) -> None:
        """Where this run's editions stand now (what the next step's target is picked from)."""
        with self.db.transaction() as session:
            self.states = {e.id: (e.language, e.state, e.is_source) for e in session.scalars(
                select(Edition).where(Edition.article_id.in_(self.articles))
                .order_by(Edition.id))}

    def _candidates(self, states: tuple[str, ...], source: bool | None = None) -> list[int]:
        return [edition_id for edition_id, (_lang, state, is_source) in self.states.items()
                if state in states and (source is None or is_source == source)]

    def _pick(self, session, states: tuple[str, ...], pick: int,
              source: bool | None = None) -> Edition | None:
        """One of this run's editions now in one of ``states`` (the action's natural target)."""
        found = self._candidates(states, source)
        return session.get(Edition, found[pick % len(found)]) if found else None

    def _has(self, *states: str, source: bool | None = None) -> bool:
        return bool(self._candidates(states, source))

    def _translator(self, who: str, language: str) -> int:
        """"own": a translator of the language; "other": one of another language; or a name."""
        if who == "own":
            return self.people[{"kk": "kk", "ru": "ru", "en": "en"}[language]]
        if who == "other":
            return self.people["ru" if language == "kk" else "kk"]
        return self.people[who]

    def _attempt(self, action) -> object | None:
        """Run one service call in its own transaction; a refused action changes nothing."""
        try:
            with self.db.transaction() as session:
                result = action(session)
        except (DomainError, IllegalTransition):
            return None
        self._refresh()
        return result

    def _text(self, kind: str, language: str, machine: str | None) -> str:
        tag = f"{language.upper()}H{next(self.numbers)}"
        words = {"kk": ("адам жазған мәтін", "бос", "жоба"),
                 "ru": ("человеческий текст", "пусто", "черновик")}[language]
        return {"own": f"{tag} {words[0]}", "machine": machine or f"{tag} {words[1]}",
                "blocking": f"{tag} ого ого ого ого ого", "draft": f"{tag} {words[2]}"}[kind]

    def _write(self, row_id: int, version: int, machine: str | None, edition_id: int,
               language: str, user: int, kind: str) -> None:
        action = review.save_segment if kind == "draft" else review.confirm_segment
        text = self._text(kind, language, machine)
        if self._attempt(lambda s: action(s, row_id, text, version, user)) is not None:
            self.authors.setdefault(edition_id, set()).add(user)
            if kind == "machine" and machine:
                self.confirmed_machine.add(machine)

    # --- rules ---------------------------------------------------------------------------

    @initialize(who=st.sampled_from(["editor_a", None]),
                sentences=st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=2,
                                   unique=True),
                langs=st.sampled_from([["ru"], ["kk"], ["kk", "ru"]]))
    def first_article(self, who, sentences, langs):
        self.ingest(who, sentences, langs)

    @rule(who=st.sampled_from(["editor_a", "editor_b", "kk", None]),
          sentences=st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=2, unique=True),
          langs=st.sampled_from([["ru"], ["kk", "ru"]]))
    def ingest(self, who, sentences, langs):
        if len(self.articles) >= 2:
            return
        number = next(self.numbers)
        body = f"Story {number} of the council {id(self)}\n\n" + "\n\n".join(sentences) + "\n"
        user = self.people[who] if who else None
        result = self._attempt(lambda s: ingest_text(s, body, source="model", language="en",
                                                     targets=langs, user_id=user))
        if result is None or result.is_duplicate:
            return
        self.articles.append(result.article.id)
        self.queued = True
        self._refresh()
        with self.db.transaction() as session:
            for edition in session.get(Article, result.article.id).editions:
                self.authors[edition.id] = {user} if (user and edition.is_source) else set()

    @precondition(lambda self: self.queued)
    @rule()
    def machine_translation_done(self):
        translate_queued(self.db)
        self.queued = False
        self._refresh()

    @precondition(lambda self: self._has("editing", source=False))
    @rule(pick=st.integers(0, 3), who=st.sampled_from(["own", "own", "own", "other", "admin"]),
          kinds=st.lists(st.sampled_from(["own", "machine", "blocking"]), min_size=1,
                         max_size=3))
    def confirm_edition(self, pick, who, kinds):
        """A translator goes through an edition, confirming every segment not yet confirmed."""
        with self.db.transaction() as session:
            edition = self._pick(session, ("editing",), pick, source=False)
            if edition is None:
                return
            rows = [(r.id, r.version, r.machine_text)
                    for r in review.active_translations(session, edition.id)
                    if r.state != "confirmed"]
            edition_id, language = edition.id, edition.language
        user = self._translator(who, language)
        for index, (row_id, version, machine) in enumerate(rows):
            self._write(row_id, version, machine, edition_id, language, user,
                        kinds[index % len(kinds)])

    @rule(pick=st.integers(0, 5), segment=st.integers(0, 4),
          who=st.sampled_from(["own", "kk2", "other"]),
          kind=st.sampled_from(["own", "machine", "blocking", "draft"]))
    def edit_segment(self, pick, segment, who, kind):
        """One segment of any translated edition, whatever its state (refusals included)."""
        with self.db.transaction() as session:
            edition = self._pick(session, ("translating", "editing", "submitted", "approved",
                                           "published"), pick, source=False)
            rows = review.active_translations(session, edition.id) if edition else []
            if not rows:
                return
            row = rows[segment % len(rows)]
            args = (row.id, row.version, row.machine_text, edition.id, edition.language)
        self._write(*args, self._translator(who, args[-1]), kind)

    @rule(who=st.sampled_from(["editor_a", "editor_b", "admin", "kk"]), article=st.integers(0, 1),
          change=st.sampled_from(["add", "replace"]))
    def edit_source(self, who, article, change):
        article_id = self.articles[article % len(self.articles)]
        user = self.people[who]

        def action(session):
            text = article_markdown(session.get(Article, article_id))
            number = next(self.numbers)
            if change == "add":
                text += f"\nAn added line number {number} closes the story.\n"
            else:
                text = re.sub(r"(\n\n)([^\n]+)", rf"\1Changed {number}: \2", text, count=1)
            return update_source(session, article_id, text, user)

        if self._attempt(action) is not None:
            self.queued = True
            with self.db.transaction() as session:
                for edition in session.get(Article, article_id).editions:
                    self.authors.setdefault(edition.id, set()).add(user)

    @precondition(lambda self: self._has("editing"))
    @rule(pick=st.integers(0, 5), who=st.sampled_from(["own", "own", "own", "editor_a", "other"]),
          note=st.sampled_from([None, None, "A quoted name stays as it is."]))
    def submit(self, pick, who, note):
        with self.db.transaction() as session:
            edition = self._pick(session, ("editing",), pick)
            if edition is None:
                return
            edition_id, language = edition.id, edition.language
        user = self._translator(who, language) if who in ("own", "other") else self.people[who]
        self._attempt(lambda s: review.submit_edition(s, edition_id, user, note))

    @precondition(lambda self: self._has("submitted"))
    @rule(pick=st.integers(0, 5), who=st.sampled_from(["editor_a", "editor_b", "editor_b",
                                                       "editor_ru", "admin"]))
    def approve(self, pick, who):
        with self.db.transaction() as session:
            edition = self._pick(session, ("submitted",), pick)
            if edition is None:
                return
            edition_id = edition.id
        user = self.people[who]

        def action(session):
            edition = review.approve_edition(session, edition_id, user)
            texts = _texts(session, edition)
            plain = _plain(" ".join(text for text, _state, _checks in texts))
            confirmed = all(state == "confirmed" for _t, state, _c in texts)
            blocking = any(c.get("severity") == "blocking" for _t, _s, checks in texts
                           for c in checks)
            guard = not blocking or bool((edition.override_note or "").strip())
            return plain, confirmed, guard

        record = self._attempt(action)
        if record is None:
            return
        plain, confirmed, guard = record
        if user in self.authors.get(edition_id, set()):
            self.bad_approvals.setdefault(edition_id, []).append(plain)
        else:
            self.approvals.setdefault(edition_id, []).append((plain, confirmed, guard))
        self.authors[edition_id] = set()

    @precondition(lambda self: self._has("submitted"))
    @rule(pick=st.integers(0, 5), who=st.sampled_from(["editor_a", "editor_b"]))
    def send_back(self, pick, who):
        with self.db.transaction() as session:
            edition = self._pick(session, ("submitted",), pick)
            edition_id = edition.id if edition else None
        if edition_id:
            self._attempt(lambda s: review.send_back(s, edition_id, self.people[who], "Fix it."))

    @precondition(lambda self: self._has("approved", "published"))
    @rule(pick=st.integers(0, 5), who=st.sampled_from(["editor_a", "editor_b", "editor_ru"]),
          action=st.sampled_from(["publish", "publish", "publish", "correct", "kill"]))
    def publishing_desk(self, pick, who, action):
        states = {"publish": ("approved",), "correct": ("published",),
                  "kill": ("published",)}[action]
        with self.db.transaction() as session:
            edition = self._pick(session, states, pick)
            edition_id = edition.id if edition else None
        if not edition_id:
            return
        user = self.people[who]
        calls = {
            "publish": lambda s: publishing.publish_edition(s, edition_id, user),
            "correct": lambda s: publishing.reopen_for_correction(s, edition_id, user),
            "kill": lambda s: publishing.kill_edition(s, edition_id, user, "Legal request."),
        }
        self._attempt(calls[action])

    # --- invariants ----------------------------------------------------------------------

    def _live(self, session) -> list[Publication]:
        if not self.articles:
            return []
        return list(session.scalars(select(Publication).where(
            Publication.article_id.in_(self.articles), Publication.status == "usable")))

    @invariant()
    def published_text_was_approved_by_a_second_person_and_confirmed(self):
        with self.db.transaction() as session:
            for publication in self._live(session):
                published = _plain(f"{publication.headline} {publication.body_html}")
                records = self.approvals.get(publication.edition_id, [])
                match = [r for r in records if r[0] == published]
                # (a) the text of an approval by someone who did not edit it since the last one
                assert match, (f"(a) published {publication.language} v{publication.version} "
                               f"matches no valid approval: {published!r}; approved: "
                               f"{[r[0] for r in records]}; by an author: "
                               f"{self.bad_approvals.get(publication.edition_id)}")
                # (b) no machine output that no person confirmed
                unconfirmed = set(MACHINE.findall(published)) - self.confirmed_machine
                assert not unconfirmed, f"(b) unconfirmed machine text published: {unconfirmed}"
                assert any(r[1] for r in match), "(b) approved with unconfirmed segments"
                # (c) blocking checks passed, or an override note was recorded
                assert any(r[2] for r in match), "(c) blocking checks without an override note"

    @invariant()
    def source_edition_of_an_approved_article_is_publishable(self):
        decided = {"approved", "scheduled", "published"}
        with self.db.transaction() as session:
            for article_id in self.articles:
                editions = session.scalars(select(Edition)
                                           .where(Edition.article_id == article_id)).all()
                translations = [e for e in editions if not e.is_source]
                if translations and all(e.state in decided for e in translations):
                    source = next(e for e in editions if e.is_source)
                    ready = review.readiness(session, source.id)
                    assert ready.total > 0 and ready.complete, (
                        f"(d) the source edition cannot be submitted: {ready}")

    @invariant()
    def kk_partner_reads_only_kk(self):
        with self.db.transaction() as session:
            marker = (session.scalar(select(func.max(FeedEvent.seq))),
                      session.scalar(select(func.count()).select_from(Edition)
                                     .where(Edition.article_id.in_(self.articles),
                                            Edition.state == "published")))
        if marker == self.checked:
            return  # nothing a partner can read changed since the last check
        self.checked = marker
        foreign: set[str] = set()
        with self.db.transaction() as session:
            for edition in session.scalars(select(Edition).where(
                    Edition.article_id.in_(self.articles), Edition.language != "kk")):
                for text, _state, _checks in _texts(session, edition):
                    if text:
                        foreign.add(_plain(text))
        pages = [self.client.get(f"/feeds/kk.{fmt}", headers=self._key())
                 for fmt in ("atom", "json")]
        pages.extend(self._items(self.cursor)[0])
        for page in pages:
            assert page.status_code == 200, page.status_code
            raw = (json.dumps(page.get_json(), ensure_ascii=False) if page.is_json
                   else page.get_data(as_text=True))
            seen = " ".join(html.unescape(raw).split())  # tags kept: attributes count too
            leaked = sorted(t for t in foreign if t and t in seen)
            assert not leaked, f"(e) a kk-only partner reads other editions' text: {leaked}"


def _run(app, make_user, examples: int) -> None:
    from workflow.partners.admin import create_partner

    people = {
        "editor_a": make_user("editor", email="a@model.test"),
        "editor_b": make_user("editor", email="b@model.test"),
        "editor_ru": make_user("editor", languages="ru", email="r@model.test"),
        "admin": make_user("admin", email="admin@model.test"),
        "kk": make_user("translator", languages="kk", email="kk@model.test"),
        "kk2": make_user("translator", languages="kk", email="kk2@model.test"),
        "ru": make_user("translator", languages="ru", email="ru@model.test"),
        "en": make_user("translator", languages="en", email="en@model.test"),
    }
    db = app.extensions["audarma.db"]
    with app.app_context():
        with db.transaction() as session:
            _partner, _key, secret = create_partner(session, "kk only", "kk",
                                                    rate_limit="100000/minute")

        class Machine(Desk):
            pass

        Machine.app, Machine.db, Machine.secret, Machine.people = app, db, secret, people
        Desk.cursor = None
        run_state_machine_as_test(Machine, settings=settings(
            max_examples=examples, stateful_step_count=10, deadline=None, derandomize=True,
            suppress_health_check=list(HealthCheck), database=None))


def test_publishing_model_sqlite(app, make_user):
    _run(app, make_user, EXAMPLES)


def test_publishing_model_postgresql(make_app, make_user, postgres_url):
    app = make_app(DATABASE_URL=postgres_url.replace("postgresql://", "postgresql+psycopg://"))
    _run(app, lambda *roles, **kw: make_user(*roles, app=app, **kw), EXAMPLES)
