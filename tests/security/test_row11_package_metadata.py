"""Issue 15 row 11: a package's metadata is validated by a schema (types, codes, version) and a
malformed archive is an InvalidPackage (422 on the admin page), never a 500."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.security.packages_hostile import TOP, leftovers, rezip
from translations.errors import InvalidPackage
from translations.packages import PackageStore, read_package

BAD_METADATA = {
    "languages_ints": lambda m: {k: v for k, v in m.items() if k not in ("from_code", "to_code")}
    | {"languages": [1, 2]},
    "version_newline": lambda m: {**m, "package_version": "7\n"},
    "version_slash": lambda m: {**m, "package_version": "../7"},
    "code_newline": lambda m: {**m, "from_code": "en\n"},
    "code_upper": lambda m: {**m, "to_code": "KK"},
    "code_list": lambda m: {**m, "from_code": ["en"]},
    "codes_not_list": lambda m: {**m, "to_codes": "kk"},
    "token_object": lambda m: {**m, "target_prefix": {"a": 1}},
    "not_object": lambda m: [m],
}


@pytest.mark.parametrize("case", sorted(BAD_METADATA))
def test_row11_metadata_schema_refuses(argos_files, tmp_path, case):
    bad = rezip(argos_files["en_kk"], tmp_path / "bad.argosmodel", metadata=BAD_METADATA[case])
    store = PackageStore(tmp_path / "packages")
    with pytest.raises(InvalidPackage, match="metadata"):
        store.install(bad)
    assert store.installed() == [] and leftovers(store.directory) == []
    assert not any("\n" in p.name for p in store.directory.iterdir())


def test_row11_file_beside_same_named_folder_refused(argos_files, tmp_path):
    bad = rezip(argos_files["en_kk"], tmp_path / "clash.argosmodel",
                first={f"{TOP}/model": b"a file where a folder must go"})
    store = PackageStore(tmp_path / "packages")
    with pytest.raises(InvalidPackage, match="share the name"):
        store.install(bad)
    assert leftovers(store.directory) == []


def test_row11_script_subtag_is_a_valid_code(argos_files, tmp_path):
    info = PackageStore(tmp_path / "packages").install(rezip(
        argos_files["en_kk"], tmp_path / "latn.argosmodel",
        metadata=lambda m: {**m, "to_code": "kk-Latn"}))
    assert info.to_codes == ("kk-Latn",)


def test_row11_installed_folder_with_bad_metadata_is_invalid_not_a_crash(tmp_path):
    folder = tmp_path / "packages" / "translate-x"
    folder.mkdir(parents=True)
    (folder / "metadata.json").write_text(json.dumps({"languages": [1, 2]}))
    with pytest.raises(InvalidPackage):
        read_package(folder)


@pytest.mark.parametrize("case", ["languages_ints", "version_newline", "clash"])
def test_row11_admin_upload_answers_422(app, client, make_user, argos_files, tmp_path, case):
    if case == "clash":
        bad = rezip(argos_files["en_kk"], tmp_path / "bad.argosmodel",
                    first={f"{TOP}/model": b"file"})
    else:
        bad = rezip(argos_files["en_kk"], tmp_path / "bad.argosmodel",
                    metadata=BAD_METADATA[case])
    make_user("admin", email="boss@example.test")
    client.post("/login", data={"email": "boss@example.test", "password": "password123"})
    response = client.post("/admin/models", content_type="multipart/form-data",
                           data={"package": (io.BytesIO(bad.read_bytes()), "b.argosmodel")})
    assert response.status_code == 422
    assert PackageStore(Path(app.config["PACKAGES_DIR"])).installed() == []
