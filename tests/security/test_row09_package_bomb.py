"""Issue 15 row 9: a compressed package that unpacks to far more than it weighs is refused
before anything is written, and no staging folder survives any failure, a killed process
included."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.security.packages_hostile import TOP, leftovers, rezip
from translations.errors import InvalidPackage
from translations.packages import PackageStore

ROOT = Path(__file__).resolve().parents[2]
BOMB_BYTES = 64 * 1024**2  # zeros: about 64 KB packed, a ratio near 1,000


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """Names of zip members read (decompressed) during the test."""
    names: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, mode="r", *args, **kwargs):
        if mode == "r":
            names.append(name.filename if isinstance(name, zipfile.ZipInfo) else name)
        return real_open(self, name, mode, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    return names


def test_row9_compression_bomb_refused_before_writing(argos_files, tmp_path, opened):
    bomb = rezip(argos_files["en_kk"], tmp_path / "bomb.argosmodel",
                 zeros={f"{TOP}/model/padding.bin": BOMB_BYTES})
    assert bomb.stat().st_size < 2 * 1024**2
    opened.clear()
    store = PackageStore(tmp_path / "packages")
    started = time.monotonic()
    with pytest.raises(InvalidPackage, match="zip bomb"):
        store.install(bomb)
    assert time.monotonic() - started < 2
    assert opened == []  # refused from the zip's directory: nothing decompressed, nothing written
    assert store.installed() == [] and leftovers(store.directory) == []


def test_row9_total_size_limit_checked_before_writing(argos_files, tmp_path, opened):
    store = PackageStore(tmp_path / "packages", max_unpacked_bytes=10_000)
    with pytest.raises(InvalidPackage, match="over the limit"):
        store.install(argos_files["en_kk"])
    assert opened == [] and leftovers(store.directory) == []


def test_row9_staging_cleaned_on_every_failure(argos_files, tmp_path):
    store = PackageStore(tmp_path / "packages")
    bad = {
        "model": rezip(argos_files["en_kk"], tmp_path / "model.argosmodel",
                       replace={f"{TOP}/model/model.bin": b"garbage"}),
        "metadata": rezip(argos_files["en_kk"], tmp_path / "meta.argosmodel",
                          metadata=lambda m: {**m, "from_code": 7}),
        "slip": rezip(argos_files["en_kk"], tmp_path / "slip.argosmodel",
                      extra={"../evil": b"x"}),
    }
    for name, path in bad.items():
        with pytest.raises(InvalidPackage):
            store.install(path)
        assert leftovers(store.directory) == [], name
    assert store.installed() == []


KILLED_INSTALL = """
import sys, time
import translations.packages as packages
packages.validate_model_files = lambda directory: time.sleep(120)  # stands for a slow request
packages.PackageStore(sys.argv[1]).install(sys.argv[2])
"""


def test_row9_killed_install_leaves_no_staging_behind(argos_files, tmp_path):
    """A request killed mid-install (gunicorn's timeout, OOM) cannot run its clean-up: the
    next install removes the dead process's staging folder."""
    directory = tmp_path / "packages"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", KILLED_INSTALL, str(directory),
                              str(argos_files["en_kk"])], env=env)
    try:
        deadline = time.monotonic() + 30
        while not list(directory.glob(".staging-*/*/model/model.bin")):
            assert time.monotonic() < deadline and child.poll() is None
            time.sleep(0.05)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    assert leftovers(directory)  # the killed process could not clean up
    info = PackageStore(directory).install(argos_files["en_kk"])
    assert leftovers(directory) == [] and info.code == "translate-en_kk-1_0"


def test_row9_admin_upload_of_a_bomb_is_a_quick_422(app, client, make_user, argos_files,
                                                     tmp_path):
    bomb = rezip(argos_files["en_kk"], tmp_path / "bomb.argosmodel",
                 zeros={f"{TOP}/model/padding.bin": BOMB_BYTES})
    make_user("admin", email="boss@example.test")
    client.post("/login", data={"email": "boss@example.test", "password": "password123"})
    response = client.post("/admin/models", content_type="multipart/form-data",
                           data={"package": (io.BytesIO(bomb.read_bytes()), "b.argosmodel")})
    assert response.status_code == 422 and "zip bomb" in response.get_data(as_text=True)
    directory = Path(app.config["PACKAGES_DIR"])
    assert leftovers(directory) == []
