"""Issue 23 item 9, from its reproduction: the history page said only ``segment.confirmed``; it
now names the segment and its text before and after, diffs machine output against the approved
text, shows the partner's version beside the internal one, and exports the trail."""

from __future__ import annotations

import csv
import io
import json

from tests.review.conftest import email_of
from workflow import review
from workflow.publishing import publish as publishing


def _rows(db, edition_id):
    with db.transaction() as session:
        return [(r.id, r.version, r.machine_text, r.segment.sid)
                for r in review.active_translations(session, edition_id)]


def _through_review(app, db, edition_id, translator, editor, edited_sid="s1",
                    text="Өңірлік газеттер әкімнің Алматыға сапарын атап өтті."):
    """Confirm every segment (one of them edited), submit, approve, publish."""
    with app.app_context():
        for translation_id, version, machine, sid in _rows(db, edition_id):
            with db.transaction() as session:
                review.save_segment(session, translation_id, "черновик", version, translator)
            with db.transaction() as session:
                review.confirm_segment(session, translation_id,
                                       text if sid == edited_sid else machine, version + 1,
                                       translator)
        with db.transaction() as session:
            review.submit_edition(session, edition_id, translator, override_note="test")
        with db.transaction() as session:
            review.approve_edition(session, edition_id, editor)
        with db.transaction() as session:
            publishing.publish_edition(session, edition_id, editor)


def test_history_shows_who_changed_which_segment_from_what_to_what(
        app, db, translated_edition, make_user, sign_in):
    edition_id = translated_edition()
    translator = make_user("translator", languages="kk")
    editor = make_user("editor")
    machine = {sid: text for _id, _v, text, sid in _rows(db, edition_id)}
    _through_review(app, db, edition_id, translator, editor)
    page = sign_in(email_of(app, editor)).get(f"/editions/{edition_id}/history")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    table = html[html.index('id="audit-trail"'):]
    # the action by its interface name, never its code
    assert "segment confirmed" in table and "segment.confirmed" not in table
    assert ">s1<" in table.replace("<br>", "<")
    assert "Өңірлік газеттер әкімнің Алматыға сапарын атап өтті." in table  # the "to" text
    assert "<del>черновик</del>" in table  # the "from" text of the confirm
    assert "Regional newspapers have taken note" in table  # the segment's source
    # machine → approved: the edited segment shows its changes, the others are unchanged
    diff = html[html.index('id="machine-diff"'):]
    assert "<ins>" in diff and "unchanged" in diff
    assert machine["s1"].split()[0] in diff
    # the partner's version beside the internal one
    versions = html[html.index('id="partner-versions"'):]
    assert "Partner version 1" in versions and "from internal version 2" in versions


def test_article_audit_trail_exports_as_csv_and_json(app, db, translated_edition, make_user,
                                                     sign_in):
    edition_id = translated_edition()
    translator = make_user("translator", languages="kk")
    editor = make_user("editor")
    _through_review(app, db, edition_id, translator, editor, text="=HYPERLINK(\"x\")")
    with app.app_context():
        from workflow.models import Edition

        article_id = db.session.get(Edition, edition_id).article_id
    client = sign_in(email_of(app, editor))
    exported = client.get(f"/articles/{article_id}/audit.json").get_json()
    actions = [e["action"] for e in exported["events"]]
    assert {"segment.saved", "segment.confirmed", "edition.submitted", "edition.approved",
            "publish"} <= set(actions)
    assert actions.index("edition.submitted") < actions.index("publish")  # oldest first
    confirm = next(e for e in exported["events"]
                   if e["action"] == "segment.confirmed" and e["segment"] == "s1")
    assert (confirm["before"], confirm["after"]) == ("черновик", '=HYPERLINK("x")')
    assert confirm["actor"] and confirm["language"] == "kk"

    response = client.get(f"/articles/{article_id}/audit.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == len(exported["events"])
    row = next(r for r in rows if r["action"] == "segment.confirmed" and r["segment"] == "s1")
    assert row["after"] == "'=HYPERLINK(\"x\")"  # a spreadsheet must not run it
    assert json.loads(next(r for r in rows if r["action"] == "publish")["detail"]) == {
        "version": 1}

    runner = app.test_cli_runner()
    cli = runner.invoke(args=["articles", "audit", str(article_id), "--format", "json"])
    assert cli.exit_code == 0 and json.loads(cli.output)["events"] == exported["events"]
    translator_client = sign_in(email_of(app, translator))
    assert translator_client.get(f"/articles/{article_id}/audit.csv").status_code == 403
    assert client.get("/articles/999999/audit.json").status_code == 404

