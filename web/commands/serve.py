"""``audarma run`` / ``worker`` / ``beat``: the processes of the product."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import click
from flask import Flask, current_app

WORKER_QUEUES = "translate_breaking,translate,default"


def worker_argv(concurrency: int, beat: bool, loglevel: str = "INFO") -> list[str]:
    """The celery command line of one worker process."""
    argv = [sys.executable, "-m", "celery", "-A", "tasks.worker", "worker",
            "-Q", WORKER_QUEUES, "--concurrency", str(concurrency), "--loglevel", loglevel,
            "--without-gossip", "--without-mingle", "--max-tasks-per-child", "1000"]
    if beat:
        argv += ["--beat", "--schedule", os.path.join(current_app.config["INSTANCE_DIR"],
                                                       "celerybeat-schedule")]
    return argv


def register(app: Flask) -> None:
    """Add the process commands."""

    @app.cli.command("run")
    @click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
    @click.option("--port", default=5000, show_default=True, type=int)
    @click.option("--web-workers", default=2, show_default=True, type=int)
    @click.option("--concurrency", default=1, show_default=True, type=int,
                  help="Translation worker processes.")
    @click.option("--demo/--no-demo", default=True, show_default=True,
                  help="Import the demo article into an empty database.")
    def run(host: str, port: int, web_workers: int, concurrency: int, demo: bool) -> None:
        """Migrate, then serve the dashboard with a Celery worker and beat beside it."""
        from web.commands.bootstrap import bootstrap

        bootstrap(current_app, demo=demo)
        env = dict(os.environ, AUDARMA_INSTANCE=current_app.config["INSTANCE_DIR"])
        procs = [
            subprocess.Popen(worker_argv(concurrency, beat=True), env=env),
            subprocess.Popen([sys.executable, "-m", "gunicorn", "--config",
                              "python:web.gunicorn_conf", "--bind", f"{host}:{port}",
                              "--workers", str(web_workers),
                              "--worker-class", "web.connection_hold.HoldingThreadWorker",
                              "--threads", "4", "--access-logfile", "-",
                              "--logger-class", "web.access_log.RedactingLogger",
                              "--timeout", "60", "--no-control-socket", "web.wsgi:app"], env=env),
        ]
        click.echo(f"Audarma is serving http://{host}:{port}  (Ctrl+C stops it)")
        _supervise(procs)

    @app.cli.command("worker")
    @click.option("--concurrency", default=1, show_default=True, type=int)
    @click.option("--beat/--no-beat", default=False, help="Also run the periodic scheduler.")
    @click.option("--loglevel", default="INFO")
    def worker(concurrency: int, beat: bool, loglevel: str) -> None:
        """Run a Celery worker on the translation queues."""
        os.execv(sys.executable, worker_argv(concurrency, beat, loglevel))

    @app.cli.command("beat")
    def beat() -> None:
        """Run the periodic scheduler (one per deployment)."""
        schedule = os.path.join(current_app.config["INSTANCE_DIR"], "celerybeat-schedule")
        os.execv(sys.executable, [sys.executable, "-m", "celery", "-A", "tasks.worker", "beat",
                                  "--schedule", schedule, "--loglevel", "INFO"])


def _supervise(procs: list[subprocess.Popen]) -> None:
    """Wait for the children; when one stops or we get a signal, stop them all."""
    stopping = False

    def _stop(_signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    code = 0
    while not stopping:
        for proc in procs:
            if proc.poll() is not None:
                code = proc.returncode or 1
                stopping = True
        time.sleep(0.3)
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    deadline = time.time() + 20
    for proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            proc.kill()
    sys.exit(code)
