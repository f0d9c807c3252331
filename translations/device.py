"""Where CTranslate2 runs (``AUDARMA_DEVICE``) and with what arithmetic (``AUDARMA_COMPUTE_TYPE``).

``auto`` picks CUDA when CTranslate2 sees a GPU, else the CPU. ``cuda`` asked for on a machine
without one falls back to the CPU with a logged warning and a note the health page and
``models list`` show: a newsroom keeps translating, more slowly, and the operator sees why.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

log = logging.getLogger(__name__)

DEVICES = ("auto", "cpu", "cuda")
# int8 weights with float16 activations on a GPU; int8 throughout on a CPU (the Argos packages
# are stored in int8, so nothing is converted on load).
DEFAULT_COMPUTE_TYPES = {"cpu": "int8", "cuda": "int8_float16"}


@dataclass(frozen=True)
class DeviceChoice:
    """The device and compute type the engine loads its models with, and why."""

    device: str
    compute_type: str
    requested: str
    note: str = ""

    def to_json(self) -> dict[str, str]:
        """JSON form for the health page and ``models list --json``."""
        return {"device": self.device, "compute_type": self.compute_type,
                "requested": self.requested, "note": self.note}

    @property
    def label(self) -> str:
        """One line, e.g. ``cpu (int8)``."""
        return f"{self.device} ({self.compute_type})" + (f": {self.note}" if self.note else "")


def cuda_devices() -> int:
    """GPUs CTranslate2 can use (0 when its CUDA runtime finds no driver or no device)."""
    import ctranslate2

    try:
        return int(ctranslate2.get_cuda_device_count())
    except RuntimeError:
        return 0


def choose_device(requested: str, compute_type: str = "", gpus: int | None = None) -> DeviceChoice:
    """The device for ``requested`` (auto|cpu|cuda) given ``gpus`` visible GPUs (None: ask
    CTranslate2); ``compute_type`` empty means the device's default."""
    requested = (requested or "auto").strip().lower()
    if requested not in DEVICES:
        raise ValueError(f"AUDARMA_DEVICE must be one of {', '.join(DEVICES)}, not {requested!r}")
    if requested == "cpu":
        device, note = "cpu", ""
    else:
        count = cuda_devices() if gpus is None else gpus
        device = "cuda" if count > 0 else "cpu"
        note = ""
        if requested == "cuda" and device == "cpu":
            note = "CUDA was requested but CTranslate2 sees no GPU; running on the CPU"
            log.warning("AUDARMA_DEVICE=cuda: %s", note)
    chosen = (compute_type or "").strip()
    if device == "cpu" and "16" in chosen:  # float16 and bfloat16 types are for GPUs
        log.warning("AUDARMA_COMPUTE_TYPE=%s does not run on the CPU; using %s", chosen,
                    DEFAULT_COMPUTE_TYPES["cpu"])
        chosen = ""
    return DeviceChoice(device, chosen or DEFAULT_COMPUTE_TYPES[device], requested, note)


@lru_cache(maxsize=8)
def resolved_device(requested: str, compute_type: str = "") -> DeviceChoice:
    """``choose_device`` once per process and setting (GPUs do not come and go while it runs)."""
    return choose_device(requested, compute_type)
