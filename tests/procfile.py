"""Run the Procfile's ``web:`` command line (the production gunicorn) against a test app."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def web_command() -> str:
    """The ``web:`` line of the Procfile, without its ``web:``."""
    procfile = (ROOT / "Procfile").read_text()
    return next(line.split(":", 1)[1] for line in procfile.splitlines()
                if line.startswith("web:")).strip()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def procfile_web(app, **env: str) -> Iterator[tuple[str, Path]]:
    """Start the Procfile's web process (one worker) on ``app``'s database and instance folder;
    yield its base URL and the path of its log (stdout and stderr), once /healthz answers."""
    port = free_port()
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    environment = dict(os.environ, AUDARMA_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1",
                       AUDARMA_INSTANCE=app.config["INSTANCE_DIR"],
                       DATABASE_URL=app.config["DATABASE_URL"], CELERY_BROKER_URL="filesystem://",
                       PATH=path)
    environment.update(env)
    environment.pop("REDIS_URL", None)
    log_path = Path(app.config["INSTANCE_DIR"]) / "gunicorn.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(["bash", "-c", f"exec {web_command()}"], env=environment,
                                stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                                start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).read()  # noqa: S310
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise AssertionError(log_path.read_text()[-2000:]) from None
                time.sleep(0.2)
        yield base, log_path
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
