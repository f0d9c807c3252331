"""Tiny real Argos packages, built once per test session, and stores/engines over them."""

from __future__ import annotations

from pathlib import Path

import pytest

from translations.builder import build_random_multilingual_package, build_random_package
from translations.engine import ArgosEngine
from translations.packages import PackageStore


@pytest.fixture(scope="session")
def package_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Built .argosmodel files: en→kk, ru→en, kk→en and one multilingual kk/ru/en."""
    out = tmp_path_factory.mktemp("argosmodels")
    return {
        "en_kk": build_random_package(out / "en_kk.argosmodel", "en", "kk", seed=0),
        "ru_en": build_random_package(out / "ru_en.argosmodel", "ru", "en", seed=2),
        "kk_en": build_random_package(out / "kk_en.argosmodel", "kk", "en", seed=3),
        "multi": build_random_multilingual_package(out / "multi.argosmodel", seed=4),
    }


def _store(root: Path, files: list[Path]) -> PackageStore:
    store = PackageStore(root)
    for file in files:
        store.install(file)
    return store


@pytest.fixture(scope="session")
def bilingual_store(
    tmp_path_factory: pytest.TempPathFactory, package_files: dict[str, Path]
) -> PackageStore:
    """en→kk and ru→en installed: en→kk is direct, ru→kk needs the English pivot."""
    files = [package_files["en_kk"], package_files["ru_en"]]
    return _store(tmp_path_factory.mktemp("bilingual"), files)


@pytest.fixture(scope="session")
def multilingual_store(
    tmp_path_factory: pytest.TempPathFactory, package_files: dict[str, Path]
) -> PackageStore:
    """Only the multilingual kk/ru/en package installed."""
    return _store(tmp_path_factory.mktemp("multilingual"), [package_files["multi"]])


@pytest.fixture
def engine(bilingual_store: PackageStore) -> ArgosEngine:
    """A fresh engine (fresh counters) over the bilingual store."""
    return ArgosEngine(bilingual_store, max_decoding_length=64)


@pytest.fixture
def multi_engine(multilingual_store: PackageStore) -> ArgosEngine:
    """A fresh engine over the multilingual store."""
    return ArgosEngine(multilingual_store, max_decoding_length=64)
