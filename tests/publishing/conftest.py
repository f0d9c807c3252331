"""Factories for publishing tests: approved editions written as rows, moved through real states."""

from __future__ import annotations

import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

ROUTES = {"kk": "en→kk via translate-en_kk 1.0", "ru": "en→ru via translate-en_ru 1.0",
          "en": "ru→en via translate-ru_en 1.0"}


@pytest.fixture
def make_story(app, make_article):
    """Factory: an article with approved editions; returns {language: edition_id}.

    The source edition is included (``source`` language); translations get human text
    ``"[kk] <source>"`` and a machine route, so disclosure and rendering have real input.
    """
    from sqlalchemy import select

    from workflow import review
    from workflow.models import Article, Edition, Segment, SegmentTranslation
    from workflow.states import EditionState, transition

    db = app.extensions["audarma.db"]

    def _make(languages=("kk", "ru"), source="en", category=None, title="Flood waters recede",
              paragraphs=None, marks=None, byline="By A. Reporter") -> dict[str, int]:
        paragraphs = paragraphs or [["The river fell overnight.", "Roads reopened."]]
        article_id = make_article(paragraphs, language=source, title=title, app=app)
        out = {}
        with app.app_context(), db.transaction() as session:
            article = session.get(Article, article_id)
            article.category = category
            article.byline = byline
            segments = session.scalars(select(Segment).where(Segment.article_id == article_id)
                                       .order_by(Segment.position)).all()
            if marks:
                for sid, (text, segment_marks) in marks.items():
                    seg = next(s for s in segments if s.sid == sid)
                    seg.source_text, seg.marks = text, segment_marks
            for language in (source, *[lang for lang in languages if lang != source]):
                edition = Edition(article_id=article_id, language=language,
                                  is_source=language == source, state="translating")
                session.add(edition)
                session.flush()
                if language != source:
                    for seg in segments:
                        session.add(SegmentTranslation(
                            edition_id=edition.id, segment_id=seg.id, state="confirmed",
                            machine_text=f"[mt {language}] {seg.source_text}",
                            machine_route={"label": ROUTES[language], "steps": []},
                            text=f"[{language}] {seg.source_text}"))
                transition(edition, EditionState.EDITING)
                out[language] = edition.id
            # Approved the real way: a translator submits, another person (an editor) approves,
            # which freezes the snapshot publishing renders.
            translator, editor = _desk_people(session)
            for edition_id in out.values():
                review.submit_edition(session, edition_id, translator)
                review.approve_edition(session, edition_id, editor)
        return out

    return _make


def _desk_people(session) -> tuple[int, int]:
    """A translator and an editor (all languages) for the factories, created once per app."""
    from sqlalchemy import select

    from workflow.models import User
    from workflow.users import create_user

    ids = []
    for role in ("translator", "editor"):
        email = f"story-{role}@example.test"
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            user = create_user(session, email, "password123", [role])
        ids.append(user.id)
    return ids[0], ids[1]


def approve_again(session, edition_id: int) -> None:
    """After a test changed an approved edition's rows: back to editing, submitted, approved."""
    from workflow import review
    from workflow.approval import ReturnReason, return_to_editing
    from workflow.models import Edition

    return_to_editing(session, session.get(Edition, edition_id), ReturnReason.RETRANSLATED, None)
    translator, editor = _desk_people(session)
    review.submit_edition(session, edition_id, translator)
    review.approve_edition(session, edition_id, editor)


@pytest.fixture
def publish(app):
    """Call a workflow.publishing.publish function in its own committed transaction."""
    db = app.extensions["audarma.db"]

    def _call(name, *args, **kwargs):
        from workflow.publishing import publish as publishing

        with app.app_context(), db.transaction() as session:
            result = getattr(publishing, name)(session, *args, **kwargs)
            return getattr(result, "id", result)

    return _call


@pytest.fixture
def make_partner(app):
    """Factory: a partner with a key; returns (partner_id, key_id, secret)."""
    db = app.extensions["audarma.db"]

    def _make(name="Partner", languages="kk,ru,en", categories=None, rate_limit=None,
              webhook_url=None):
        from workflow.partners.admin import create_partner, set_webhook

        with app.app_context(), db.transaction() as session:
            partner, key, secret = create_partner(session, name, languages, categories,
                                                  rate_limit)
            if webhook_url:
                set_webhook(session, partner.id, webhook_url,
                            box=app.extensions["audarma.secrets"],
                            allow_private=bool(app.config.get("WEBHOOK_ALLOW_PRIVATE")))
            return partner.id, key.id, secret

    return _make


def bearer(secret: str) -> dict[str, str]:
    """Authorization header for a key."""
    return {"Authorization": f"Bearer {secret}"}


class Receiver:
    """An HTTP(S) server on 127.0.0.1 recording each POST, answering ``status`` and ``headers``."""

    def __init__(self, status: int = 200, headers: dict[str, str] | None = None,
                 tls: ssl.SSLContext | None = None) -> None:
        self.status, self.headers = status, headers or {}
        self.requests: list[tuple[float, dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append((time.monotonic(), dict(self.headers), body))
                self.send_response(receiver.status)
                for name, value in receiver.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_port
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    """Factory: start a Receiver (``status``, ``headers``, ``tls``); all are closed afterwards."""
    made: list[Receiver] = []

    def _make(status: int = 200, headers: dict[str, str] | None = None,
              tls: ssl.SSLContext | None = None) -> Receiver:
        made.append(Receiver(status, headers, tls))
        return made[-1]

    yield _make
    for r in made:
        r.close()


TEST_CURSOR_KEY = b"test cursor key"


def attempt_delivery(database, delivery_id, **kwargs):
    """workflow.partners.webhooks.attempt_delivery with the tests' cursor key (and the app's secret
    box when the caller gives none)."""
    from flask import current_app

    from workflow.partners.webhooks import attempt_delivery as attempt

    if "box" not in kwargs:
        kwargs["box"] = current_app.extensions["audarma.secrets"]
    return attempt(database, delivery_id, cursor_key=TEST_CURSOR_KEY, **kwargs)
