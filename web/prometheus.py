"""Prometheus exposition: job figures from the database plus this web process's HTTP latencies.

Under gunicorn, ``web.gunicorn_conf`` points ``PROMETHEUS_MULTIPROC_DIR`` at a folder of the
instance before the workers fork, so each process writes its HTTP samples there and a scrape of
any worker answers for all of them. Job figures are read from the job rows at scrape time
(``workflow.jobs.telemetry``), so they are the same whichever process or machine answers.
"""

from __future__ import annotations

import ipaddress
import os
import time
from collections.abc import Callable, Iterator

from flask import Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy.orm import Session

from workflow.jobs import telemetry

_HTTP_REGISTRY = CollectorRegistry()
HTTP_LATENCY = Histogram(
    "audarma_http_request_duration_seconds", "Time to answer an HTTP request, per endpoint.",
    ["endpoint", "method", "status"], registry=_HTTP_REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class JobCollector:
    """Collects the job, outbox and webhook figures from the database at scrape time."""

    def __init__(self, open_session: Callable[[], Session]) -> None:
        self.open_session = open_session

    def describe(self) -> list[Metric]:
        """Nothing to describe up front: the families are built at collect time."""
        return []

    def collect(self) -> Iterator[Metric]:
        """One short read-only transaction per scrape."""
        session = self.open_session()
        try:
            yield from self._queue(session)
            yield from self._latencies(session)
            yield from self._throughput(session)
            yield from self._confidence(session)
            yield from self._webhooks(session)
        finally:
            session.rollback()
            session.close()

    def _queue(self, session: Session) -> Iterator[Metric]:
        jobs = GaugeMetricFamily("audarma_jobs", "Translation jobs per pair, priority and state.",
                                 labels=["source", "target", "priority", "state"])
        depth = GaugeMetricFamily("audarma_queue_depth",
                                  "Jobs queued for a worker, per pair and priority.",
                                  labels=["source", "target", "priority"])
        oldest = GaugeMetricFamily("audarma_queue_oldest_age_seconds",
                                   "How long the oldest queued job of a pair has waited.",
                                   labels=["source", "target", "priority"])
        waiting = GaugeMetricFamily("audarma_jobs_waiting_for_model",
                                    "Jobs no installed model can translate, per pair.",
                                    labels=["source", "target"])
        waiting_pairs: dict[tuple[str, str], int] = {}
        for row in telemetry.queue(session):
            jobs.add_metric([row.source, row.target, row.priority, row.state], row.jobs)
            if row.state == "queued":
                depth.add_metric([row.source, row.target, row.priority], row.jobs)
                oldest.add_metric([row.source, row.target, row.priority], row.oldest_age_seconds)
            if row.state == "waiting_for_model":
                pair = (row.source, row.target)
                waiting_pairs[pair] = waiting_pairs.get(pair, 0) + row.jobs
        for (source, target), count in sorted(waiting_pairs.items()):
            waiting.add_metric([source, target], count)
        pending, lag = telemetry.outbox(session)
        outbox = GaugeMetricFamily("audarma_outbox_pending",
                                   "Queued jobs whose broker message is not sent yet.")
        outbox.add_metric([], pending)
        outbox_lag = GaugeMetricFamily("audarma_outbox_lag_seconds",
                                       "Age of the oldest job still waiting for its message.")
        outbox_lag.add_metric([], lag)
        yield from (jobs, depth, oldest, waiting, outbox, outbox_lag)

    def _latencies(self, session: Session) -> Iterator[Metric]:
        for stage, histograms in telemetry.latencies(session).items():
            family = HistogramMetricFamily(
                f"audarma_job_{stage}_latency_seconds",
                f"Seconds from queued to {stage.replace('_', ' ')}, per pair.",
                labels=["source", "target"])
            for h in histograms:
                family.add_metric(list(h.labels), [(_bound(b), n) for b, n in h.buckets],
                                  sum_value=h.total)
            yield family

    def _throughput(self, session: Session) -> Iterator[Metric]:
        family = CounterMetricFamily("audarma_segments_translated",
                                     "Segments machine-translated, per worker and route packages.",
                                     labels=["worker", "package"])
        for row in telemetry.throughput(session):
            family.add_metric([row.worker, row.package], row.segments)
        yield family

    def _confidence(self, session: Session) -> Iterator[Metric]:
        mean = GaugeMetricFamily(
            "audarma_machine_confidence_mean",
            "Mean log-probability per token of the machine segments, per route packages.",
            labels=["package"])
        segments = CounterMetricFamily("audarma_machine_confidence_segments",
                                       "Machine segments stored with a confidence, per route "
                                       "packages.", labels=["package"])
        for row in telemetry.confidence(session):
            mean.add_metric([row.package], row.mean)
            segments.add_metric([row.package], row.segments)
        yield from (mean, segments)

    def _webhooks(self, session: Session) -> Iterator[Metric]:
        states = telemetry.webhook_deliveries(session)
        family = GaugeMetricFamily("audarma_webhook_deliveries", "Webhook deliveries per state.",
                                   labels=["state"])
        for state in ("pending", "delivered", "failed"):
            family.add_metric([state], states.get(state, 0))
        yield family
        failures = CounterMetricFamily("audarma_webhook_failures",
                                       "Webhook deliveries that gave up after every retry.")
        failures.add_metric([], states.get("failed", 0))
        yield failures


def _bound(value: float) -> str:
    return "+Inf" if value == float("inf") else repr(float(value))


def exposition(open_session: Callable[[], Session]) -> bytes:
    """The text a scrape gets: every process's HTTP histogram plus the job figures."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
        http = b""
    else:
        http = generate_latest(_HTTP_REGISTRY)
    registry.register(JobCollector(open_session))  # type: ignore[arg-type]
    return http + generate_latest(registry)


def scrape_allowed(allow: str, remote_addr: str | None) -> bool:
    """True when the client's address is in ``AUDARMA_METRICS_ALLOW`` (addresses or networks)."""
    if not remote_addr:
        return False
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return False
    for item in filter(None, (part.strip() for part in allow.split(","))):
        try:
            if address in ipaddress.ip_network(item, strict=False):
                return True
        except ValueError:
            continue
    return False


def response(open_session: Callable[[], Session]) -> Response:
    """A Prometheus text-format answer."""
    return Response(exposition(open_session), mimetype=None,
                    headers={"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"})


def init_app(app: Flask) -> None:
    """Time every request by its URL rule (not its path: one series per endpoint)."""

    @app.before_request
    def _start_timer() -> None:
        g.prometheus_started = time.perf_counter()

    @app.after_request
    def _observe(resp: Response) -> Response:
        started = g.pop("prometheus_started", None)
        if started is not None:
            rule = request.url_rule.rule if request.url_rule is not None else "unmatched"
            HTTP_LATENCY.labels(rule, request.method, str(resp.status_code)).observe(
                time.perf_counter() - started)
        return resp
