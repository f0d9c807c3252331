"""Fixtures for the ingest service tests: row counts, a signed-in editor, an API key, texts."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

FIXTURES = Path(__file__).resolve().parent.parent / "ingest" / "fixtures"

EN_TEXT = """City Council Approves New Tram Line

The city council approved a new tram line on Tuesday after a long debate.

The line will connect the railway station with the university campus. Construction starts in May.
"""
RU_TEXT = """Городской совет одобрил новую трамвайную линию

Во вторник городской совет после долгих споров одобрил строительство новой трамвайной линии.

Линия соединит железнодорожный вокзал с университетским городком. Строительство начнётся в мае.
"""
KK_TEXT = """Қалалық кеңес жаңа трамвай желісін мақұлдады

Сейсенбі күні қалалық кеңес ұзақ талқылаудан кейін жаңа трамвай желісін мақұлдады.

Желі теміржол вокзалын университет қалашығымен байланыстырады. Құрылыс мамыр айында басталады.
"""
DE_TEXT = """Stadtrat genehmigt neue Straßenbahnlinie

Der Stadtrat hat am Dienstag nach langer Debatte eine neue Straßenbahnlinie genehmigt.

Die Linie verbindet den Bahnhof mit dem Universitätsgelände. Der Bau beginnt im Mai.
"""

TABLES = ("Article", "Block", "Segment", "Edition", "SegmentTranslation", "TranslationJob")


@pytest.fixture
def counts(app, db):
    """Rows per ingest table, to prove that a rejected input stored nothing."""
    import workflow.models as models

    def _counts() -> dict[str, int]:
        with app.app_context(), db.transaction() as session:
            return {name: session.scalar(select(func.count()).select_from(getattr(models, name)))
                    for name in TABLES}

    return _counts


@pytest.fixture
def editor_client(app, make_user):
    """A test client signed in as an editor."""
    make_user("editor", email="editor@example.test")
    client = app.test_client()
    response = client.post("/login", data={"email": "editor@example.test",
                                           "password": "password123"})
    assert response.status_code == 302
    return client


@pytest.fixture
def api_key(app, db, make_user):
    """A user API key (the secret)."""
    from workflow.partners.keys import issue_key

    user_id = make_user("editor", email="api@example.test")
    with app.app_context(), db.transaction() as session:
        _key, secret = issue_key(session, user_id=user_id, label="test")
    return secret


@pytest.fixture
def docx_bytes():
    """Build a small .docx: a heading, two paragraphs with bold and italic runs."""
    import io

    import docx

    def _build(title: str = "Tram line approved", paragraphs: list[str] | None = None) -> bytes:
        document = docx.Document()
        document.add_heading(title, level=1)
        for text in paragraphs or ["The city council approved a new tram line on Tuesday.",
                                   "Construction starts in May and ends next year."]:
            paragraph = document.add_paragraph()
            first, _, rest = text.partition(" ")
            paragraph.add_run(first).bold = True
            paragraph.add_run(" " + rest)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()

    return _build
