"""AUDARMA_DEVICE and AUDARMA_COMPUTE_TYPE: read once into Settings, shown where operators look."""

from __future__ import annotations

import pytest

from translations.device import cuda_devices
from web.config import Settings


def test_device_settings_are_read_once_and_checked():
    settings = Settings.from_env({"AUDARMA_INSTANCE": "/tmp/audarma-device-test"})
    assert (settings.mt_device, settings.mt_compute_type, settings.low_confidence) == \
        ("auto", "", 0.4)
    settings = Settings.from_env({"AUDARMA_DEVICE": "CUDA", "AUDARMA_COMPUTE_TYPE": "float16",
                                  "AUDARMA_LOW_CONFIDENCE": "0.25"})
    assert (settings.mt_device, settings.mt_compute_type, settings.low_confidence) == \
        ("cuda", "float16", 0.25)
    with pytest.raises(ValueError, match="AUDARMA_DEVICE must be one of auto, cpu, cuda"):
        Settings.from_env({"AUDARMA_DEVICE": "gpu"})


def test_health_and_models_list_show_the_device_in_use(make_app, make_user):
    if cuda_devices():
        pytest.skip("this machine has a GPU")
    app = make_app(MT_DEVICE="cuda")  # asked for, but there is no GPU here: the CPU, and a note
    make_user("admin", email="device-admin@example.test", app=app)
    client = app.test_client()
    anonymous = client.get("/healthz").get_json()
    assert "models" not in anonymous
    client.post("/login", data={"email": "device-admin@example.test", "password": "password123"})
    device = client.get("/healthz").get_json()["models"]["device"]
    assert (device["device"], device["compute_type"], device["requested"]) == \
        ("cpu", "int8", "cuda")
    assert "no GPU" in device["note"]
    listing = app.test_cli_runner().invoke(args=["models", "list"])
    assert listing.exit_code == 0
    assert listing.output.startswith("Device: cpu (int8): CUDA was requested")


def test_the_worker_engine_runs_on_the_resolved_device(make_app):
    from tasks.engine import get_engine

    app = make_app(MT_DEVICE="cpu", MT_COMPUTE_TYPE="float32")
    with app.app_context():
        engine = get_engine()
    assert (engine.device, engine.compute_type) == ("cpu", "float32")
