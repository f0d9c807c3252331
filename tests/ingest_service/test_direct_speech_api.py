"""Direct speech posted through the API (text is its default format) keeps its shape: one
paragraph, punctuation as typed, and one segment holding the quotation with its attribution."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.ingest.test_direct_speech import LEADS, SPEECH, TITLES


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_api_keeps_direct_speech_as_written(client, api_key, app, db, language):
    from workflow.models import Segment

    body = f"{TITLES[language]}\n\n{LEADS[language]} {LEADS[language]}\n\n{SPEECH[language]}\n"
    created = client.post("/api/v1/articles", data=json.dumps({"body": body}),
                          headers={"Authorization": f"Bearer {api_key}",
                                   "Content-Type": "application/json"})
    assert created.status_code == 201, created.json
    assert created.json["language"] == language
    assert {"kind": "paragraph", "text": SPEECH[language]} in created.json["blocks"]
    assert all(b["kind"] != "quote" for b in created.json["blocks"])
    with app.app_context(), db.transaction() as session:
        segments = session.scalars(select(Segment.source_text).where(
            Segment.article_id == created.json["id"])).all()
    assert SPEECH[language] in segments
