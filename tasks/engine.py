"""One machine-translation engine per worker process, built on first use and kept."""

from __future__ import annotations

import threading

from flask import current_app

_lock = threading.Lock()
_engines: dict[tuple, object] = {}


def get_engine():
    """The ArgosEngine for this app's packages directory and MT settings (cached per process)."""
    from translations.engine import ArgosEngine
    from translations.packages import PackageStore

    cfg = current_app.config
    choice = device_choice()
    key = (cfg["PACKAGES_DIR"], cfg["MT_BEAM_SIZE"], cfg["MT_INTER_THREADS"],
           cfg["MT_INTRA_THREADS"], choice.device, choice.compute_type)
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            engine = ArgosEngine(PackageStore(cfg["PACKAGES_DIR"]), beam_size=cfg["MT_BEAM_SIZE"],
                                 inter_threads=cfg["MT_INTER_THREADS"],
                                 intra_threads=cfg["MT_INTRA_THREADS"],
                                 device=choice.device, compute_type=choice.compute_type)
            _engines[key] = engine
    return engine


def device_choice():
    """The device and compute type this process's engine runs on (AUDARMA_DEVICE, resolved once
    per process: the health page and ``models list`` show the same choice the worker makes)."""
    from translations.device import resolved_device

    cfg = current_app.config
    return resolved_device(cfg["MT_DEVICE"], cfg["MT_COMPUTE_TYPE"])


def has_route(source: str, target: str) -> bool:
    """True when the installed packages can translate ``source`` into ``target``."""
    from translations.errors import NoRoute
    from translations.packages import PackageStore
    from translations.routes import plan_route

    try:
        plan_route(PackageStore(current_app.config["PACKAGES_DIR"]).installed(), source, target)
    except NoRoute:
        return False
    return True


def served_pairs() -> set[tuple[str, str]]:
    """The language pairs this worker's installed packages translate (pivots included)."""
    from translations.packages import PackageStore
    from translations.routes import served_pairs as pairs_of
    from workflow.models import LANGUAGES

    return pairs_of(PackageStore(current_app.config["PACKAGES_DIR"]).installed(), LANGUAGES)


def installed_codes() -> list[str]:
    """Codes and versions of the installed packages, for the heartbeat."""
    from translations.packages import PackageStore

    return [f"{p.code}@{p.version}"
            for p in PackageStore(current_app.config["PACKAGES_DIR"]).installed()]
