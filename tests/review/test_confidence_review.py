"""Model confidence from a real (random-weight) model: stored per segment, marked in the editor
below the instance threshold, and reported next to post-edit effort."""

from __future__ import annotations

import math
import re

from sqlalchemy import select

from workflow import review
from workflow.models import JobRun, SegmentTranslation, User


def _confidences(db, edition_id) -> dict[int, float]:
    with db.transaction() as session:
        return {r.id: r.machine_confidence for r in review.active_translations(session, edition_id)}


def _articles(page: str) -> dict[int, str]:
    """Each segment's <article> markup in the editor page, by translation id."""
    return {int(m.group(1)): m.group(0) for m in
            re.finditer(r'<article class="seg[^"]*" id="seg-(\d+)".*?</article>', page, re.S)}


def test_a_real_job_stores_the_models_confidence_per_segment(app, db, translated_edition):
    edition_id = translated_edition()
    scores = _confidences(db, edition_id)
    assert scores and all(isinstance(s, float) and -20 < s < 0 for s in scores.values())
    assert len(set(scores.values())) > 1  # one per segment, not one per job
    with db.transaction() as session:
        runs = session.scalars(select(JobRun)).all()
        assert sum(r.confidence_segments for r in runs) == len(scores)
        assert math.isclose(sum(r.confidence_sum for r in runs), sum(scores.values()),
                            rel_tol=1e-6)


def test_the_editor_marks_segments_below_the_threshold_and_filters_them(
        app, db, translated_edition, make_user, sign_in):
    edition_id = translated_edition()
    scores = _confidences(db, edition_id)
    ordered = sorted(set(scores.values()))
    middle = (ordered[len(ordered) // 2 - 1] + ordered[len(ordered) // 2]) / 2
    app.config["LOW_CONFIDENCE"] = math.exp(middle)  # a per-token probability
    low = {tid for tid, s in scores.items() if s < middle}
    assert low and low != set(scores)
    make_user("translator", languages="kk", email="conf-translator@example.test")
    client = sign_in("conf-translator@example.test")

    page = client.get(f"/editions/{edition_id}").get_data(as_text=True)
    articles = _articles(page)
    assert set(articles) == set(scores)
    for tid, markup in articles.items():
        assert ("Low confidence</span>" in markup) == (tid in low), tid
        assert "Model confidence" in markup
    listed = re.search(r'<nav class="card low-confidence-nav".*?</nav>', page, re.S).group(0)
    assert set(map(int, re.findall(r'href="#seg-(\d+)"', listed))) == low
    assert "?show=low-confidence" in listed

    only = client.get(f"/editions/{edition_id}?show=low-confidence").get_data(as_text=True)
    assert set(_articles(only)) == low
    assert 'id="show-all-segments"' in only

    for locale, badge in (("kk", "Сенімділігі төмен</span>"), ("ru", "Низкая уверенность</span>")):
        with db.transaction() as session:
            session.scalar(select(User).where(User.email == "conf-translator@example.test")) \
                .locale = locale
        shown = _articles(client.get(f"/editions/{edition_id}").get_data(as_text=True))
        assert {tid for tid, markup in shown.items() if badge in markup} == low, locale

    app.config["LOW_CONFIDENCE"] = 0.0  # nothing is below a zero probability
    quiet = client.get(f"/editions/{edition_id}").get_data(as_text=True)
    assert "Low confidence</span>" not in quiet and "low-confidence-nav" not in quiet


def test_metrics_show_mean_confidence_and_its_correlation_with_edits(
        app, db, translated_edition, make_user, sign_in):
    from workflow.metrics import post_edit_effort

    edition_id = translated_edition()
    translator = make_user("translator", languages="kk")
    editor = make_user("editor", email="conf-editor@example.test")
    scores = _confidences(db, edition_id)
    # people rewrite the segments the model was least sure of: a strong negative correlation
    ranked = sorted(scores, key=scores.get)
    with db.transaction() as session:
        rows = {r.id: r for r in review.active_translations(session, edition_id)}
        plan = {tid: (rows[tid].machine_text, rows[tid].version) for tid in ranked}
    for position, tid in enumerate(ranked):
        machine, version = plan[tid]
        keep = len(machine) * position // len(ranked)
        text = machine[:keep] + "ӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘ"[: len(machine) - keep]
        with db.transaction() as session:
            review.confirm_segment(session, tid, text, version, translator, 1000)
    with db.transaction() as session:
        review.submit_edition(session, edition_id, translator, "ok")
        review.approve_edition(session, edition_id, editor)
        snapshot_scores = [s["confidence"] for s in review.history(session, edition_id)[-1]
                           .segments]
        report = post_edit_effort(session)
    assert sorted(snapshot_scores) == sorted(scores.values())
    (model,) = report.by_model
    assert math.isclose(model.mean_confidence,
                        math.exp(sum(scores.values()) / len(scores)), rel_tol=1e-6)
    assert model.confidence_correlation is not None and model.confidence_correlation < -0.5

    page = sign_in("conf-editor@example.test").get("/metrics").get_data(as_text=True)
    assert 'class="confidence-correlation">' + f"{model.confidence_correlation:.2f}" in page
    assert "Model confidence" in page
    assert not db.session.scalars(select(SegmentTranslation).where(
        SegmentTranslation.machine_confidence.is_(None))).all()
