"""Configuration from the environment, with embedded defaults under one instance directory."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

DEFAULT_LIMIT_BYTES = 5 * 1024 * 1024


def instance_dir(env: dict[str, str] | None = None) -> Path:
    """The directory that holds everything Audarma writes at run time (``AUDARMA_INSTANCE``)."""
    env = os.environ if env is None else env
    return Path(env.get("AUDARMA_INSTANCE", "instance")).resolve()


def _secret_key(instance: Path) -> str:
    """Read the instance's secret key, generating and keeping one (mode 0600) on first use."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def private_instance(instance: Path) -> None:
    """Create the instance folder 0700, and tighten one an older release left open: it holds
    the database (webhook secrets, password hashes), the secret key and the broker's messages."""
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    _tighten(instance, 0o700)


def private_sqlite(database_url: str) -> None:
    """Create a SQLite database file 0600 before SQLite does (SQLite gives its journal and WAL
    files the database file's mode), and tighten files an older release made 0644."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return
    path = Path(url.database)
    if not path.parent.is_dir():
        return
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))  # no truncation; SQLite fills it
    for file in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
        _tighten(file, 0o600)


def _tighten(path: Path, mode: int) -> None:
    """Drop group and other permissions from a file or folder this process owns."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    if info.st_uid == os.getuid() and info.st_mode & 0o077:
        path.chmod(mode)


def broker_settings(broker_url: str, instance: Path) -> dict[str, Any]:
    """Celery broker options: kombu's filesystem transport keeps its queue files in the instance."""
    if not broker_url.startswith("filesystem://"):
        return {"broker_transport_options": {"visibility_timeout": 3600}}
    folder = instance / "broker"
    folder.mkdir(mode=0o700, exist_ok=True)
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(mode=0o700, exist_ok=True)
    return {
        "broker_transport_options": {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "store_processed": False,
            "control_folder": str(folder / "control"),
        }
    }


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the Flask config from the environment; ``overrides`` win (tests, CLI flags)."""
    overrides = dict(overrides or {})
    env = os.environ
    instance = Path(overrides.pop("INSTANCE_DIR", None) or instance_dir()).resolve()
    private_instance(instance)
    database_url = overrides.pop("DATABASE_URL", None) or env.get(
        "DATABASE_URL", f"sqlite:///{instance / 'audarma.db'}"
    )
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url[len("postgres://") :]
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    broker_url = (
        overrides.pop("CELERY_BROKER_URL", None)
        or env.get("CELERY_BROKER_URL")
        or env.get("REDIS_URL")
        or "filesystem://"
    )
    redis_url = env.get("REDIS_URL") or (broker_url if broker_url.startswith("redis") else None)
    config: dict[str, Any] = {
        "INSTANCE_DIR": str(instance),
        "DATABASE_URL": database_url,
        "SECRET_KEY": env.get("SECRET_KEY") or _secret_key(instance),
        # old keys after a rotation: they still open sessions and sealed webhook secrets
        "SECRET_KEY_FALLBACKS": [k.strip() for k in env.get("SECRET_KEY_FALLBACKS", "").split(",")
                                 if k.strip()],
        "PACKAGES_DIR": env.get("AUDARMA_PACKAGES_DIR", str(instance / "packages")),
        "MAX_CONTENT_LENGTH": int(env.get("AUDARMA_MAX_UPLOAD_BYTES", DEFAULT_LIMIT_BYTES)) + 65536,
        "MAX_ARTICLE_BYTES": int(env.get("AUDARMA_MAX_UPLOAD_BYTES", DEFAULT_LIMIT_BYTES)),
        "METRICS_ALLOW": env.get("AUDARMA_METRICS_ALLOW", "127.0.0.1,::1"),
        "REDIS_URL": redis_url,
        # shared by every process: Redis if configured, else a SQLite file in the instance
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or redis_url
        or f"audarma+sqlite:///{instance / 'ratelimits.db'}",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get("AUDARMA_SECURE_COOKIES", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PUBLIC_FEEDS": env.get("AUDARMA_PUBLIC_FEEDS", "0") == "1",
        "BASE_URL": env.get("AUDARMA_BASE_URL", "http://127.0.0.1:5000"),
        "PUBLIC_BASE_URL": env.get("AUDARMA_PUBLIC_BASE_URL", ""),
        # metadata vocabulary and rights defaults (README, Configuration)
        "CATEGORIES": [c for c in env.get("AUDARMA_CATEGORIES", "").split(",") if c.strip()],
        "SUBJECTS": env.get("AUDARMA_SUBJECTS", ""),
        "COPYRIGHT_HOLDER": env.get("AUDARMA_COPYRIGHT_HOLDER", ""),
        "COPYRIGHT_NOTICE": env.get("AUDARMA_COPYRIGHT_NOTICE", ""),
        "USAGE_TERMS": env.get("AUDARMA_USAGE_TERMS", ""),
        "JOB_LEASE_SECONDS": int(env.get("AUDARMA_JOB_LEASE_SECONDS", "600")),
        "JOB_BATCH_SIZE": int(env.get("AUDARMA_JOB_BATCH_SIZE", "16")),
        "JOB_BATCH_MAX": int(env.get("AUDARMA_JOB_BATCH_MAX", "64")),
        "JOB_BATCH_SECONDS": float(env.get("AUDARMA_JOB_BATCH_SECONDS", "5")),
        "JOB_MAX_SEGMENTS": int(env.get("AUDARMA_JOB_MAX_SEGMENTS", "200")),
        "JOB_TICK_SECONDS": float(env.get("AUDARMA_JOB_TICK_SECONDS", "10")),
        "JOB_REDISPATCH_SECONDS": float(env.get("AUDARMA_JOB_REDISPATCH_SECONDS", "120")),
        # measured defaults for a 2-core machine (docs/benchmarks.md): 2 replicas x 1 thread, int8
        "MT_BEAM_SIZE": int(env.get("AUDARMA_BEAM_SIZE", "4")),
        "MT_INTER_THREADS": int(env.get("AUDARMA_INTER_THREADS", "2")),
        "MT_INTRA_THREADS": int(env.get("AUDARMA_INTRA_THREADS", "1")),
        "MT_COMPUTE_TYPE": env.get("AUDARMA_COMPUTE_TYPE", "auto"),
        "CELERY": {
            "broker_url": broker_url,
            "task_ignore_result": True,
            "result_backend": None,
            "task_serializer": "json",
            "accept_content": ["json"],
            "task_acks_late": True,
            "task_reject_on_worker_lost": True,
            "worker_prefetch_multiplier": 1,
            "task_default_queue": "default",
            "task_routes": {"audarma.translate.*": {"queue": "translate"}},
            "broker_connection_retry_on_startup": True,
            "beat_schedule_filename": str(instance / "celerybeat-schedule"),
            "timezone": "UTC",
            # Task events for monitors such as Flower (celery -A tasks.worker flower)
            "worker_send_task_events": True,
            "task_send_sent_event": True,
        },
    }
    config["CELERY"].update(broker_settings(broker_url, instance))
    config.update(overrides)
    private_sqlite(config["DATABASE_URL"])
    return config
