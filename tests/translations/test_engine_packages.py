"""Installing, listing and removing packages the way an admin would, including hostile files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from translations.builder import build_random_package
from translations.errors import IndexUnavailable, InvalidPackage, ModelMissing
from translations.packages import PackageStore

ROOT = Path(__file__).resolve().parents[2]


def _rezip(source: Path, out: Path, extra: dict[str, bytes] | None = None, drop: str = "") -> Path:
    """Copy a package zip, dropping members ending in `drop` and adding `extra` members."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            if not (drop and item.filename.endswith(drop)):
                dst.writestr(item, src.read(item))
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return out


def test_install_list_reinstall_and_remove(package_files: dict[str, Path], tmp_path: Path) -> None:
    store = PackageStore(tmp_path / "packages")

    info = store.install(package_files["en_kk"])
    store.install(package_files["multi"])
    again = store.install(package_files["en_kk"])

    assert info.code == again.code == "translate-en_kk-1_0"
    assert (info.from_codes, info.to_codes, info.version) == (("en",), ("kk",), "1.0")
    listed = {p.code: p for p in store.installed()}
    assert sorted(listed) == ["translate-en_kk-1_0", "translate-kk_ru_en-1_0"]
    multi = listed["translate-kk_ru_en-1_0"].to_json()
    assert multi["target_tokens"] == {"kk": "__kk__", "ru": "__ru__", "en": "__en__"}
    assert multi["multilingual"] is True and multi["size_bytes"] > 0
    json.dumps(multi)
    assert sorted(p.name for p in store.directory.iterdir()) == sorted(listed)

    store.remove("translate-en_kk-1_0")

    assert [p.code for p in store.installed()] == ["translate-kk_ru_en-1_0"]
    with pytest.raises(ModelMissing):
        store.remove("translate-en_kk-1_0")


@pytest.mark.parametrize(
    ("member", "reason"),
    [("../evil.txt", "unsafe path"), ("/etc/evil.txt", "unsafe path")],
)
def test_zip_slip_is_refused(
    package_files: dict[str, Path], tmp_path: Path, member: str, reason: str
) -> None:
    bad = _rezip(package_files["en_kk"], tmp_path / "bad.argosmodel", {member: b"x"})
    store = PackageStore(tmp_path / "store" / "packages")

    with pytest.raises(InvalidPackage, match=reason):
        store.install(bad)

    assert not (tmp_path / "store" / "evil.txt").exists()
    assert store.installed() == []


def test_symlinks_and_several_top_folders_are_refused(
    package_files: dict[str, Path], tmp_path: Path
) -> None:
    link = zipfile.ZipInfo("translate-en_kk-1_0/model/link")
    link.external_attr = (0o120777 << 16) | 0
    bad = tmp_path / "link.argosmodel"
    _rezip(package_files["en_kk"], bad)
    with zipfile.ZipFile(bad, "a") as archive:
        archive.writestr(link, "/etc/passwd")
    two_tops = _rezip(package_files["en_kk"], tmp_path / "two.argosmodel", {"other/x": b"x"})
    store = PackageStore(tmp_path / "packages")

    with pytest.raises(InvalidPackage, match="symbolic link"):
        store.install(bad)
    with pytest.raises(InvalidPackage, match="one top-level folder"):
        store.install(two_tops)


def test_broken_packages_are_refused_with_a_reason(
    package_files: dict[str, Path], tmp_path: Path
) -> None:
    store = PackageStore(tmp_path / "packages")
    not_zip = tmp_path / "text.argosmodel"
    not_zip.write_text("hello")
    no_metadata = _rezip(
        package_files["en_kk"], tmp_path / "nometa.argosmodel", drop="metadata.json"
    )
    broken_model = _rezip(
        package_files["en_kk"],
        tmp_path / "broken.argosmodel",
        {"translate-en_kk-1_0/model/model.bin": b"garbage"},
        drop="model.bin",
    )
    no_tokenizer = _rezip(
        package_files["en_kk"], tmp_path / "nosp.argosmodel", drop="sentencepiece.model"
    )

    with pytest.raises(InvalidPackage, match="not a zip"):
        store.install(not_zip)
    with pytest.raises(InvalidPackage, match="no metadata.json"):
        store.install(no_metadata)
    with pytest.raises(InvalidPackage, match="does not load in CTranslate2"):
        store.install(broken_model)
    with pytest.raises(InvalidPackage, match="sentencepiece.model"):
        store.install(no_tokenizer)
    with pytest.raises(InvalidPackage, match="larger than"):
        PackageStore(tmp_path / "small", max_package_bytes=1000).install(package_files["en_kk"])
    assert store.installed() == []
    assert [p.name for p in store.directory.iterdir()] == []


def test_install_from_index_downloads_the_listed_package(
    package_files: dict[str, Path], tmp_path: Path
) -> None:
    index = tmp_path / "index.json"
    entry = {"from_code": "en", "to_code": "kk", "package_version": "1.0"}
    entry["links"] = [package_files["en_kk"].as_uri()]
    index.write_text(json.dumps([entry]))
    store = PackageStore(tmp_path / "packages", index_url=index.as_uri())

    info = store.install_from_index("translate-en_kk")

    assert info.code == "translate-en_kk-1_0"
    with pytest.raises(ModelMissing, match="no such package"):
        store.install_from_index("translate-en_de")


def test_install_from_index_offline_says_what_to_do(tmp_path: Path) -> None:
    store = PackageStore(tmp_path / "packages", index_url="http://127.0.0.1:9/index.json")

    with pytest.raises(IndexUnavailable, match="offline.*audarma models install"):
        store.install_from_index("translate-en_ru")


def test_builder_is_deterministic_per_seed(tmp_path: Path) -> None:
    first = build_random_package(tmp_path / "a.argosmodel", "en", "kk", seed=7)
    second = build_random_package(tmp_path / "b.argosmodel", "en", "kk", seed=7)
    other = build_random_package(tmp_path / "c.argosmodel", "en", "kk", seed=8)

    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()


def test_library_writes_nothing_outside_its_directory(
    package_files: dict[str, Path], tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from translations.engine import ArgosEngine\n"
        "from translations.packages import PackageStore\n"
        "store = PackageStore(Path(sys.argv[1]))\n"
        "store.install(Path(sys.argv[2]))\n"
        "ArgosEngine(store, max_decoding_length=8).translate(['Hello.'], 'en', 'kk')\n"
        "assert 'argostranslate' not in sys.modules\n"
    )
    env = {**os.environ, "HOME": str(home)}
    env.pop("XDG_DATA_HOME", None)
    subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "pk"), str(package_files["en_kk"])],
        check=True,
        cwd=ROOT,
        env=env,
    )

    assert list(home.iterdir()) == []
    assert [p.name for p in (tmp_path / "pk").iterdir()] == ["translate-en_kk-1_0"]


def test_built_packages_load_in_argostranslate(
    package_files: dict[str, Path], tmp_path: Path
) -> None:
    pytest.importorskip("argostranslate", reason="argostranslate not installed")
    store = PackageStore(tmp_path / "packages")
    info = store.install(package_files["en_kk"])
    home = tmp_path / "home"
    env = {**os.environ, "HOME": str(home), "ARGOS_PACKAGES_DIR": str(store.directory)}
    env.update({f"XDG_{kind}_HOME": str(home / kind) for kind in ("DATA", "CONFIG", "CACHE")})
    script = (
        "import sys\n"
        "from argostranslate.package import Package\n"
        "p = Package(sys.argv[1])\n"
        "print(p.from_code, p.to_code, p.tokenizer.encode('snake_case')[:1])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(info.path)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )

    assert done.stdout.startswith("en kk ")
