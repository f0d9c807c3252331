"""``/metrics`` for scrapers: parsed by prometheus_client's own parser, moving during a run."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.jobs.conftest import FakeEngine, queue
from workflow.jobs.run import work_once
from workflow.partners.keys import issue_key

SCRAPER = {"Accept": "application/openmetrics-text;version=1.0.0;q=0.9,text/plain;q=0.5"}


def scrape(client, **kwargs) -> dict[str, list]:
    """Every sample of a scrape by name (histogram buckets under ``<name>_bucket``)."""
    response = client.get("/metrics", headers={**SCRAPER, **kwargs.pop("headers", {})}, **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    samples: dict[str, list] = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    return samples


def value(samples, name: str, **labels) -> float:
    """Sum of the samples of ``name`` whose labels include ``labels``."""
    return sum(s.value for s in samples.get(name, [])
               if all(s.labels.get(k) == v for k, v in labels.items()))


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request, make_app):
    if request.param == "sqlite":
        return make_app()
    return make_app(DATABASE_URL=request.getfixturevalue("postgres_url"))


def test_every_metric_is_present_and_moves_during_a_run(any_app, make_article):
    app = any_app
    client = app.test_client()
    queue(app, make_article, sentences=4, targets=("kk", "ru"), dispatch=False)
    queue(app, make_article, sentences=2, targets=("kk",), priority="breaking", dispatch=False)
    client.get("/healthz")

    before = scrape(client)
    assert value(before, "audarma_queue_depth", source="en", target="kk", priority="normal") == 1
    assert value(before, "audarma_queue_depth", source="en", target="kk", priority="breaking") == 1
    assert value(before, "audarma_queue_depth", source="en", target="ru") == 1
    assert value(before, "audarma_queue_oldest_age_seconds", target="kk") >= 0
    assert value(before, "audarma_outbox_pending") == 3  # nothing was dispatched
    assert value(before, "audarma_outbox_lag_seconds") >= 0
    assert value(before, "audarma_job_translated_latency_seconds_count") == 0
    assert value(before, "audarma_segments_translated_total") == 0
    assert value(before, "audarma_webhook_deliveries", state="failed") == 0
    assert value(before, "audarma_http_request_duration_seconds_count", endpoint="/healthz") >= 1

    database = app.extensions["audarma.db"]
    while work_once(database, FakeEngine(), "worker-a").outcome != "idle":
        pass

    after = scrape(client)
    assert value(after, "audarma_queue_depth") == 0
    assert value(after, "audarma_jobs", state="in_review") == 3
    assert value(after, "audarma_job_translated_latency_seconds_count") == 3
    assert value(after, "audarma_job_first_segment_latency_seconds_count") == 3
    inf = value(after, "audarma_job_translated_latency_seconds_bucket", le="+Inf")
    within_a_minute = value(after, "audarma_job_translated_latency_seconds_bucket", le="60.0")
    assert inf == 3 and within_a_minute == 3
    assert value(after, "audarma_segments_translated_total", worker="worker-a") == 5 + 5 + 3
    # the stand-in engine scores every machine segment -0.2 (tests/engines.py)
    assert value(after, "audarma_machine_confidence_segments_total") == 5 + 5 + 3
    assert value(after, "audarma_machine_confidence_mean", package="fake-en_kk@1.0") == \
        pytest.approx(-0.2)
    assert value(after, "audarma_http_request_duration_seconds_count", endpoint="/metrics") >= 1


def test_waiting_for_model_is_counted_per_pair(app, make_article):
    from sqlalchemy import update

    from workflow.models import TranslationJob

    queue(app, make_article, sentences=1, targets=("kk",), dispatch=False)
    with app.extensions["audarma.db"].transaction() as session:
        session.execute(update(TranslationJob).values(state="waiting_for_model"))
    samples = scrape(app.test_client())
    assert value(samples, "audarma_jobs_waiting_for_model", source="en", target="kk") == 1


def test_scrapes_come_from_an_allowed_address_or_an_admin_key(app, make_user):
    client = app.test_client()
    outside = {"REMOTE_ADDR": "203.0.113.7"}
    refused = client.get("/metrics", headers=SCRAPER, environ_base=outside)
    assert refused.status_code == 403 and b"audarma_" not in refused.data

    database = app.extensions["audarma.db"]
    keys = {}
    for role in ("admin", "editor"):
        user_id = make_user(role)
        with database.transaction() as session:
            keys[role] = issue_key(session, user_id=user_id)[1]
    bearer = {"Authorization": f"Bearer {keys['admin']}"}
    assert scrape(client, headers=bearer, environ_base=outside)
    editor = client.get("/metrics", headers={"Authorization": f"Bearer {keys['editor']}"},
                        environ_base=outside)
    assert editor.status_code == 403

    narrowed = app.test_client()
    app.config["METRICS_ALLOW"] = "10.0.0.0/8"
    assert narrowed.get("/metrics", headers=SCRAPER).status_code == 403


def test_a_browser_still_gets_the_post_edit_page(app):
    page = app.test_client().get("/metrics", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.status_code == 302 and "/login" in page.headers["Location"]


def test_gunicorn_workers_share_one_scrape(make_app):
    """Under the Procfile's gunicorn (2 workers) a scrape counts every worker's requests."""
    import urllib.request
    from pathlib import Path

    from tests.procfile import procfile_web
    from workflow.db import Base

    app = make_app()
    Base.metadata.create_all(app.extensions["audarma.db"].engine)
    with procfile_web(app, WEB_CONCURRENCY="2") as (base, _log):
        for _ in range(30):
            urllib.request.urlopen(f"{base}/login", timeout=5).read()  # noqa: S310
        request = urllib.request.Request(f"{base}/metrics", headers=SCRAPER)
        text = urllib.request.urlopen(request, timeout=10).read().decode()  # noqa: S310
        files = list((Path(app.config["INSTANCE_DIR"]) / "prometheus").glob("histogram_*.db"))
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    assert files, "gunicorn's workers write their samples under the instance folder"
    assert value(samples, "audarma_http_request_duration_seconds_count", endpoint="/login") >= 30
