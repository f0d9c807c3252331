"""Configuration from the environment, with embedded defaults under one instance directory."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from workflow.clock import DEFAULT_ZONE

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
        "broker_transport": "tasks.file_broker:Transport",  # whole messages only (see there)
        "broker_transport_options": {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "store_processed": False,
            "control_folder": str(folder / "control"),
        }
    }


def _device(value: str) -> str:
    """``AUDARMA_DEVICE``, checked when the settings are read rather than at the first job."""
    from translations.device import DEVICES

    device = value.strip().lower() or "auto"
    if device not in DEVICES:
        raise ValueError(f"AUDARMA_DEVICE must be one of {', '.join(DEVICES)}, not {value!r}")
    return device


def latin_edition_setting(raw: str | None) -> str:
    """``AUDARMA_KK_LATN``: off (default), 2021 or 2018; anything else stops the start."""
    from workflow.latin_edition import ALPHABETS

    value = (raw or "off").strip().lower() or "off"
    if value in ("0", "no", "false"):
        value = "off"
    if value != "off" and value not in ALPHABETS:
        raise ValueError(f"AUDARMA_KK_LATN must be off, {' or '.join(ALPHABETS)}; got {raw!r}.")
    return value


@dataclass(frozen=True)
class Settings:
    """Every setting of the product, read from the environment once, typed.

    ``create_app`` builds one and hands it to the web app, the Celery worker (tasks/worker.py
    builds the same app) and the CLI; Flask's ``app.config`` is its dict form (``SETTING_NAME``
    for the field ``setting_name``), which the views and tasks read. Nothing else reads
    ``os.environ`` for a setting.
    """

    instance_dir: str
    database_url: str
    secret_key: str
    secret_key_fallbacks: tuple[str, ...]  # old keys after a rotation: sessions, sealed secrets
    packages_dir: str
    max_article_bytes: int
    metrics_allow: str
    redis_url: str | None
    ratelimit_storage_uri: str  # shared by every process: Redis, else a SQLite file
    session_cookie_secure: bool
    timezone: str  # the newsroom's IANA zone: typed times are read in it, times shown in it
    public_feeds: bool
    base_url: str
    public_base_url: str
    broker_url: str
    # metadata vocabulary and rights defaults (README, Configuration)
    categories: tuple[str, ...] = ()
    subjects: str = ""
    copyright_holder: str = ""
    copyright_notice: str = ""
    usage_terms: str = ""
    job_lease_seconds: int = 600
    job_batch_size: int = 16
    job_batch_max: int = 64
    job_batch_seconds: float = 5.0
    job_max_segments: int = 200
    job_tick_seconds: float = 10.0
    job_redispatch_seconds: float = 120.0
    # measured defaults for a 2-core machine (docs/benchmarks.md): 2 replicas x 1 thread
    mt_beam_size: int = 4
    mt_inter_threads: int = 2
    mt_intra_threads: int = 1
    mt_compute_type: str = ""  # empty: the device's default (translations/device.py)
    mt_device: str = "auto"  # auto|cpu|cuda: auto picks CUDA when CTranslate2 sees a GPU
    # A machine segment whose mean per-token probability is below this is marked for reviewers.
    low_confidence: float = 0.4
    webhook_max_attempts: int = 8
    webhook_backoff_seconds: float = 30.0
    webhook_timeout_seconds: float = 10.0
    webhook_allow_private: bool = False  # deliver to loopback/private addresses (tests, intranet)
    feed_allow_private: bool = False  # poll feeds on loopback/private addresses
    access_log_flush_seconds: float = 0.0  # >0: partner access-log rows written in batches
    kk_latn: str = "off"  # the Kazakh Latin edition: "off", or its alphabet "2021" or "2018"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None,
                 defaults: Mapping[str, object] | None = None) -> Settings:
        """Read the settings from ``env`` (default: the process environment).

        ``defaults`` (by ``SETTING_NAME``) replace the built-in default of a setting whose
        variable is not set: the gunicorn entry point buffers the access log unless told not to.
        """
        env = os.environ if env is None else env
        defaults = dict(defaults or {})
        instance = Path(env.get("AUDARMA_INSTANCE", "instance")).resolve()
        return cls._build(env, defaults, instance)

    @classmethod
    def _build(cls, env: Mapping[str, str], defaults: dict[str, object],
               instance: Path) -> Settings:
        def get(name: str, default: object, var: str | None = None) -> object:
            raw = env.get(var or f"AUDARMA_{name}")
            if raw is None or raw == "":
                return defaults.get(name, default)
            if isinstance(default, bool):
                return raw.strip().lower() in ("1", "true", "yes", "on")
            return type(default)(raw) if default is not None else raw

        database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'audarma.db'}"
        broker_url = env.get("CELERY_BROKER_URL") or env.get("REDIS_URL") or "filesystem://"
        redis_url = env.get("REDIS_URL") or (broker_url if broker_url.startswith("redis") else None)
        limit = int(get("MAX_UPLOAD_BYTES", DEFAULT_LIMIT_BYTES))
        return cls(
            instance_dir=str(instance),
            database_url=database_url,
            secret_key=env.get("SECRET_KEY", ""),
            secret_key_fallbacks=tuple(k.strip() for k in env.get("SECRET_KEY_FALLBACKS", "")
                                       .split(",") if k.strip()),
            packages_dir=env.get("AUDARMA_PACKAGES_DIR", str(instance / "packages")),
            max_article_bytes=limit,
            metrics_allow=env.get("AUDARMA_METRICS_ALLOW", "127.0.0.1,::1"),
            redis_url=redis_url,
            ratelimit_storage_uri=env.get("RATELIMIT_STORAGE_URI") or redis_url
            or f"audarma+sqlite:///{instance / 'ratelimits.db'}",
            session_cookie_secure=env.get("AUDARMA_SECURE_COOKIES", "0") == "1",
            timezone=str(get("TIMEZONE", DEFAULT_ZONE)).strip() or DEFAULT_ZONE,
            public_feeds=env.get("AUDARMA_PUBLIC_FEEDS", "0") == "1",
            base_url=env.get("AUDARMA_BASE_URL", "http://127.0.0.1:5000"),
            public_base_url=env.get("AUDARMA_PUBLIC_BASE_URL", ""),
            broker_url=broker_url,
            categories=tuple(c for c in env.get("AUDARMA_CATEGORIES", "").split(",") if c.strip()),
            subjects=env.get("AUDARMA_SUBJECTS", ""),
            copyright_holder=env.get("AUDARMA_COPYRIGHT_HOLDER", ""),
            copyright_notice=env.get("AUDARMA_COPYRIGHT_NOTICE", ""),
            usage_terms=env.get("AUDARMA_USAGE_TERMS", ""),
            job_lease_seconds=int(get("JOB_LEASE_SECONDS", 600)),
            job_batch_size=int(get("JOB_BATCH_SIZE", 16)),
            job_batch_max=int(get("JOB_BATCH_MAX", 64)),
            job_batch_seconds=float(get("JOB_BATCH_SECONDS", 5.0)),
            job_max_segments=int(get("JOB_MAX_SEGMENTS", 200)),
            job_tick_seconds=float(get("JOB_TICK_SECONDS", 10.0)),
            job_redispatch_seconds=float(get("JOB_REDISPATCH_SECONDS", 120.0)),
            mt_beam_size=int(get("BEAM_SIZE", 4)),
            mt_inter_threads=int(get("INTER_THREADS", 2)),
            mt_intra_threads=int(get("INTRA_THREADS", 1)),
            mt_compute_type=str(get("COMPUTE_TYPE", "")),
            mt_device=_device(str(get("DEVICE", "auto"))),
            low_confidence=float(get("LOW_CONFIDENCE", 0.4)),
            webhook_max_attempts=int(get("WEBHOOK_MAX_ATTEMPTS", 8)),
            webhook_backoff_seconds=float(get("WEBHOOK_BACKOFF_SECONDS", 30.0)),
            webhook_timeout_seconds=float(get("WEBHOOK_TIMEOUT_SECONDS", 10.0)),
            webhook_allow_private=bool(get("WEBHOOK_ALLOW_PRIVATE", False)),
            feed_allow_private=bool(get("FEED_ALLOW_PRIVATE", False)),
            access_log_flush_seconds=float(get("ACCESS_LOG_FLUSH_SECONDS", 0.0)),
            kk_latn=latin_edition_setting(env.get("AUDARMA_KK_LATN")),
        )

    def flask_config(self) -> dict[str, Any]:
        """The settings as Flask config keys, with the fixed web and Celery options."""
        config: dict[str, Any] = {f.name.upper(): getattr(self, f.name) for f in fields(self)}
        config["SECRET_KEY_FALLBACKS"] = list(self.secret_key_fallbacks)
        config["CATEGORIES"] = list(self.categories)
        config["MAX_CONTENT_LENGTH"] = self.max_article_bytes + 65536
        config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      REMEMBER_COOKIE_HTTPONLY=True)
        del config["BROKER_URL"]
        config["CELERY"] = {
            "broker_url": self.broker_url,
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
            "beat_schedule_filename": str(Path(self.instance_dir) / "celerybeat-schedule"),
            "timezone": "UTC",
            # Task events for monitors such as Flower (celery -A tasks.worker flower)
            "worker_send_task_events": True,
            "task_send_sent_event": True,
        }
        return config


def load_settings(overrides: Mapping[str, Any] | None = None,
                  defaults: Mapping[str, object] | None = None) -> Settings:
    """The Settings of this process: the environment, then ``overrides`` by config key (tests,
    CLI flags); prepares the instance folder, the secret key and the SQLite file."""
    overrides = dict(overrides or {})
    env = dict(os.environ)
    for key, var in (("INSTANCE_DIR", "AUDARMA_INSTANCE"), ("DATABASE_URL", "DATABASE_URL"),
                     ("CELERY_BROKER_URL", "CELERY_BROKER_URL")):
        if overrides.get(key):
            env[var] = str(overrides.pop(key))
    settings = Settings.from_env(env, defaults)
    private_instance(Path(settings.instance_dir))
    url = settings.database_url
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    names = {f.name.upper(): f.name for f in fields(Settings)}
    changes = {names[k]: v for k, v in overrides.items() if k in names}
    secret_key = (changes.pop("secret_key", None) or settings.secret_key
                  or _secret_key(Path(settings.instance_dir)))
    settings = replace(settings, database_url=url, secret_key=secret_key, **changes)
    private_sqlite(settings.database_url)
    return settings


def app_config(settings: Settings, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Flask config for ``settings`` with the Celery broker options; ``overrides`` keys that are
    no setting (TESTING, WTF_CSRF_ENABLED, ...) are added as given."""
    config = settings.flask_config()
    config["CELERY"].update(broker_settings(settings.broker_url, Path(settings.instance_dir)))
    known = {f.name.upper() for f in fields(Settings)} | {"INSTANCE_DIR", "DATABASE_URL",
                                                          "CELERY_BROKER_URL"}
    config.update({k: v for k, v in (overrides or {}).items() if k not in known})
    return config


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The Flask config of ``load_settings(overrides)`` (scripts and tests)."""
    return app_config(load_settings(overrides), overrides)
