"""Argos-format packages on disk: install (validated), list, remove, fetch from the index."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import jsonschema

from translations.errors import IndexUnavailable, InvalidPackage, ModelMissing

ARGOS_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
MAX_PACKAGE_BYTES = 8 * 1024**3
MAX_UNPACKED_BYTES = 4 * 1024**3  # the largest Argos packages unpack to about 1 GB
MAX_MEMBERS = 10_000
# Model weights and SentencePiece files barely compress (about 1.1:1); a member that unpacks to
# more than MAX_RATIO times its packed size, past RATIO_FLOOR bytes, is a zip bomb.
MAX_RATIO = 50
RATIO_FLOOR = 1024**2
DISK_MARGIN_BYTES = 256 * 1024**2  # left free on the packages disk after an install
_CHUNK = 1024**2
# ``\A…\Z``: ``^…$`` would accept a trailing newline ("7\n") and make it a folder name.
LANGUAGE_CODE = r"\A[a-z]{2,3}(-[A-Z][a-z]{3})?\Z"  # ISO 639 code, optional script ("kk-Latn")
_CODE_PATTERN = re.compile(LANGUAGE_CODE)
_SAFE_CODE = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9_.-]{0,127}\Z")
# A package whose target side has its own SentencePiece model (Marian) ships it under this name.
TARGET_SENTENCEPIECE = "target_sentencepiece.model"
SCRATCH_PREFIXES = (".staging-", ".download-", ".index-", ".upload-")
SCRATCH_MAX_AGE_SECONDS = 6 * 3600

_CODES = {"type": "array", "minItems": 1, "maxItems": 32,
          "items": {"type": "string", "pattern": LANGUAGE_CODE}}
_TOKEN = {"type": "string", "maxLength": 64}
# Marian's target token (">>kaz<<") or MADLAD's source prefix ("<2kk> "), by target language.
_BY_LANGUAGE = {"type": "object", "maxProperties": 32, "additionalProperties": _TOKEN,
                "propertyNames": {"pattern": LANGUAGE_CODE}}
# Licences whose terms forbid commercial use: CC BY-NC*, and any naming "non-commercial".
_NONCOMMERCIAL = re.compile(r"(\A|[^a-z])nc([^a-z]|\Z)|non-?commercial", re.IGNORECASE)
METADATA_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "type": {"type": "string", "pattern": r"\A[a-z][a-z0-9]{0,31}\Z"},
        "name": {"type": "string", "maxLength": 200},
        "package_version": {"type": ["string", "number"],
                            "pattern": r"\A[0-9A-Za-z][0-9A-Za-z._-]{0,31}\Z"},
        "from_code": {"type": "string", "pattern": LANGUAGE_CODE},
        "to_code": {"type": "string", "pattern": LANGUAGE_CODE},
        "from_codes": _CODES,
        "to_codes": _CODES,
        "languages": {"type": "array", "maxItems": 32, "items": {
            "type": "object", "required": ["code"],
            "properties": {"code": {"type": "string", "pattern": LANGUAGE_CODE},
                           "token": _TOKEN, "name": {"type": "string", "maxLength": 200}}}},
        "target_prefix": _TOKEN,
        "source_prefix_token": {"type": "boolean"},
        "source_suffix_tokens": {"type": "array", "maxItems": 16, "items": _TOKEN},
        "source_target_tokens": _BY_LANGUAGE,
        "source_prefix": _BY_LANGUAGE,
        "model_family": {"type": "string", "pattern": r"\A[a-z][a-z0-9_-]{0,31}\Z"},
        "architecture": {"type": "string", "maxLength": 64},
        "source_model": {"type": "string", "maxLength": 300},
        "source_revision": {"type": ["string", "null"], "maxLength": 64},
        "licence": {"type": "string", "maxLength": 200},
    },
}
_METADATA_VALIDATOR = jsonschema.Draft202012Validator(METADATA_SCHEMA)


def check_metadata(metadata: Any) -> None:
    """InvalidPackage unless ``metadata`` matches METADATA_SCHEMA (types, codes, version)."""
    error = jsonschema.exceptions.best_match(_METADATA_VALIDATOR.iter_errors(metadata))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "metadata"
        raise InvalidPackage(f"metadata.json is invalid at {where}: {error.message[:200]}")


@dataclass(frozen=True)
class PackageInfo:
    """One installed package: what it translates, which tokens select languages, where it lives."""

    code: str
    name: str
    version: str
    from_codes: tuple[str, ...]
    to_codes: tuple[str, ...]
    path: Path
    size_bytes: int
    target_tokens: Mapping[str, str] = field(default_factory=dict)
    source_tokens: Mapping[str, str] = field(default_factory=dict)
    source_suffix: tuple[str, ...] = ()
    source_target_tokens: Mapping[str, str] = field(default_factory=dict)
    source_prefix: Mapping[str, str] = field(default_factory=dict)
    family: str | None = None
    source_model: str | None = None
    source_revision: str | None = None
    licence: str | None = None

    @property
    def noncommercial(self) -> bool:
        """True when the weights' licence forbids commercial use of the output."""
        return forbids_commercial_use(self.licence)

    @property
    def multilingual(self) -> bool:
        """True when one model serves several directions selected by target tokens."""
        return len(self.from_codes) > 1 or len(self.to_codes) > 1

    def directions(self) -> list[tuple[str, str]]:
        """Every (source, target) pair this package translates."""
        return [(s, t) for s in self.from_codes for t in self.to_codes if s != t]

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable description for `models list --json` and the admin page."""
        return {
            "code": self.code,
            "name": self.name,
            "version": self.version,
            "from_codes": list(self.from_codes),
            "to_codes": list(self.to_codes),
            "target_tokens": dict(self.target_tokens),
            "source_tokens": dict(self.source_tokens),
            "multilingual": self.multilingual,
            "path": str(self.path),
            "size_bytes": self.size_bytes,
            "source_target_tokens": dict(self.source_target_tokens),
            "source_prefix": dict(self.source_prefix),
            "family": self.family,
            "source_model": self.source_model,
            "source_revision": self.source_revision,
            "licence": self.licence,
            "noncommercial": self.noncommercial,
        }


def forbids_commercial_use(licence: str | None) -> bool:
    """True for a licence such as cc-by-nc-4.0 or "CC BY-NC-SA"; unknown licences are not."""
    return bool(licence) and _NONCOMMERCIAL.search(licence or "") is not None


def package_code(metadata: Mapping[str, Any]) -> str:
    """The stable code of a package, e.g. translate-en_kk-1_0 or translate-kk_ru_en-1_0."""
    from_codes, to_codes = _language_codes(metadata)
    version = str(metadata.get("package_version", "1.0")).replace(".", "_")
    if len(from_codes) == 1 and len(to_codes) == 1:
        pair = f"{from_codes[0]}_{to_codes[0]}"
    else:
        pair = "_".join(dict.fromkeys([*from_codes, *to_codes]))
    return f"{metadata.get('type', 'translate')}-{pair}-{version}"


def read_package(directory: Path) -> PackageInfo:
    """Read a package directory's metadata.json into a PackageInfo (no model loading)."""
    metadata_path = directory / "metadata.json"
    try:
        metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InvalidPackage(f"{directory.name}: the package has no metadata.json") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidPackage(f"{directory.name}: metadata.json is not valid JSON ({exc})") from exc
    try:
        check_metadata(metadata)
    except InvalidPackage as exc:
        raise InvalidPackage(f"{directory.name}: {exc}") from None
    from_codes, to_codes = _language_codes(metadata)
    tokens = {
        str(lang["code"]): str(lang["token"])
        for lang in metadata.get("languages", [])
        if isinstance(lang, dict) and lang.get("token")
    }
    if not tokens and metadata.get("target_prefix") and len(to_codes) == 1:
        tokens = {to_codes[0]: str(metadata["target_prefix"])}
    name = metadata.get("name") or f"{','.join(from_codes)} → {','.join(to_codes)}"
    code = package_code(metadata)
    if not _SAFE_CODE.match(code):
        raise InvalidPackage(f"{directory.name}: metadata gives an unsafe package code {code!r}")
    size = sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())
    return PackageInfo(
        code=code,
        name=str(name),
        version=str(metadata.get("package_version", "1.0")),
        from_codes=from_codes,
        to_codes=to_codes,
        path=directory,
        size_bytes=size,
        target_tokens=tokens,
        source_tokens=tokens if metadata.get("source_prefix_token") else {},
        source_suffix=tuple(str(t) for t in metadata.get("source_suffix_tokens", [])),
        source_target_tokens=dict(metadata.get("source_target_tokens") or {}),
        source_prefix=dict(metadata.get("source_prefix") or {}),
        family=_text(metadata.get("model_family")),
        source_model=_text(metadata.get("source_model")),
        source_revision=_text(metadata.get("source_revision")),
        licence=_text(metadata.get("licence")),
    )


def _text(value: Any) -> str | None:
    return str(value) if value else None


def _language_codes(metadata: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Source and target language codes from Argos keys (from_code, from_codes, languages)."""
    check_metadata(metadata)
    languages = [str(lang["code"]) for lang in metadata.get("languages", [])]
    from_codes = list(metadata.get("from_codes") or []) or (
        [metadata["from_code"]] if metadata.get("from_code") else languages
    )
    to_codes = list(metadata.get("to_codes") or []) or (
        [metadata["to_code"]] if metadata.get("to_code") else languages
    )
    for code in [*from_codes, *to_codes]:
        if not isinstance(code, str) or not _CODE_PATTERN.match(code):
            raise InvalidPackage(f"metadata.json names an invalid language code {code!r}")
    if not from_codes or not to_codes:
        raise InvalidPackage("metadata.json must name from_code/to_code or languages")
    return tuple(from_codes), tuple(to_codes)


class PackageStore:
    """The directory that holds installed packages; nothing is written outside it."""

    def __init__(
        self,
        directory: Path,
        *,
        index_url: str = ARGOS_INDEX_URL,
        max_package_bytes: int = MAX_PACKAGE_BYTES,
        max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
    ) -> None:
        self.directory = Path(directory)
        self.index_url = index_url
        self.max_package_bytes = max_package_bytes
        self.max_unpacked_bytes = max_unpacked_bytes

    def installed(self) -> list[PackageInfo]:
        """Installed packages, sorted by code; reads metadata only."""
        if not self.directory.is_dir():
            return []
        found = []
        for child in sorted(self.directory.iterdir()):
            if (
                child.is_dir()
                and not child.name.startswith(".")
                and child.joinpath("metadata.json").is_file()
            ):
                found.append(read_package(child))
        return found

    def get(self, code: str) -> PackageInfo:
        """The installed package with this code, or ModelMissing."""
        for info in self.installed():
            if info.code == code:
                return info
        raise ModelMissing(code)

    def install(self, path: Path) -> PackageInfo:
        """Validate a .argosmodel zip (safety, metadata, model loads) and install it, replacing
        an older copy with the same code."""
        path = Path(path)
        if not path.is_file():
            raise InvalidPackage(f"{path}: no such file")
        if path.stat().st_size > self.max_package_bytes:
            raise InvalidPackage(f"{path.name}: larger than {self.max_package_bytes} bytes")
        if not zipfile.is_zipfile(path):
            raise InvalidPackage(f"{path.name}: not a zip archive (.argosmodel)")
        self.directory.mkdir(parents=True, exist_ok=True)
        self.sweep_scratch()
        staging = self.scratch_dir(".staging-")
        try:
            top = self._extract(path, staging)
            unpacked = staging / top
            info = read_package(unpacked)
            validate_model_files(unpacked)
            target = self.directory / info.code
            if target.exists():
                shutil.rmtree(target)
            unpacked.rename(target)
            return read_package(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def remove(self, code: str) -> None:
        """Delete an installed package by code (ModelMissing if there is none)."""
        info = self.get(code)
        shutil.rmtree(info.path)

    def install_from_index(self, code: str) -> PackageInfo:
        """Download a package named in the Argos index (e.g. translate-en_ru) and install it."""
        entry = self._find_in_index(code)
        links = [link for link in entry.get("links", []) if isinstance(link, str)]
        if not links:
            raise IndexUnavailable(f"The package index lists {code!r} without a download link")
        self.directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=f".download-{os.getpid()}-",
                                         dir=self.directory) as tmp:
            download = Path(tmp) / "package.argosmodel"
            _fetch(links[0], download, self.max_package_bytes)
            return self.install(download)

    def _find_in_index(self, code: str) -> dict[str, Any]:
        """The index entry matching code (translate-en_ru, en_ru or translate-en_ru-1_9)."""
        with tempfile.TemporaryDirectory(prefix=f".index-{os.getpid()}-",
                                         dir=self._ensure_dir()) as tmp:
            local = Path(tmp) / "index.json"
            _fetch(self.index_url, local, 64 * 1024**2)
            try:
                entries = json.loads(local.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise IndexUnavailable(
                    f"The package index at {self.index_url} is not JSON"
                ) from exc
        wanted = code.removeprefix("translate-")
        for entry in entries:
            if not isinstance(entry, dict) or not entry.get("from_code"):
                continue
            pair = f"{entry.get('from_code')}_{entry.get('to_code')}"
            version = str(entry.get("package_version", "")).replace(".", "_")
            if wanted in (pair, f"{pair}-{version}"):
                return entry
        raise ModelMissing(code, f"the package index at {self.index_url} has no such package")

    def _ensure_dir(self) -> Path:
        """Create the package directory if needed and return it."""
        self.directory.mkdir(parents=True, exist_ok=True)
        return self.directory

    def scratch_dir(self, prefix: str) -> Path:
        """A new scratch folder in the package directory, named after this process (its pid), so
        ``sweep_scratch`` can remove it if the process dies before its own clean-up runs."""
        return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=self._ensure_dir()))

    def sweep_scratch(self) -> list[str]:
        """Remove scratch folders left by a killed install: their process is gone, or they are
        older than SCRATCH_MAX_AGE_SECONDS. Returns the names removed."""
        import time

        removed: list[str] = []
        if not self.directory.is_dir():
            return removed
        for child in self.directory.iterdir():
            prefix = next((p for p in SCRATCH_PREFIXES if child.name.startswith(p)), None)
            if prefix is None or not child.is_dir():
                continue
            pid = child.name[len(prefix):].split("-", 1)[0]
            try:
                age = time.time() - child.stat().st_mtime
            except FileNotFoundError:
                continue
            if not _process_alive(pid) or age > SCRATCH_MAX_AGE_SECONDS:
                shutil.rmtree(child, ignore_errors=True)
                removed.append(child.name)
        return removed

    def _check_members(self, path: Path, members: list[zipfile.ZipInfo]) -> str:
        """The single top-level folder, after every limit is checked from the zip's directory
        (nothing written yet): count, total size, per-member ratio, free disk, safe paths."""
        if len(members) > MAX_MEMBERS:
            raise InvalidPackage(f"{path.name}: more than {MAX_MEMBERS} files")
        unpacked = sum(m.file_size for m in members)
        if unpacked > self.max_unpacked_bytes:
            raise InvalidPackage(
                f"{path.name}: unpacks to {unpacked} bytes, over the limit of "
                f"{self.max_unpacked_bytes}")
        for member in members:
            if member.file_size > RATIO_FLOOR and (
                    member.file_size > MAX_RATIO * max(member.compress_size, 1)):
                raise InvalidPackage(
                    f"{path.name}: {member.filename!r} unpacks to more than {MAX_RATIO} times "
                    "its packed size (a zip bomb)")
        free = shutil.disk_usage(self.directory).free
        if unpacked + DISK_MARGIN_BYTES > free:
            raise InvalidPackage(f"{path.name}: not enough free disk space to unpack it")
        tops: set[str] = set()
        files: set[str] = set()
        folders: set[str] = set()
        for member in members:
            name = PurePosixPath(member.filename)
            mode = member.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise InvalidPackage(f"{path.name}: contains a symbolic link {member.filename}")
            if (name.is_absolute() or ".." in name.parts or "\\" in member.filename
                    or any(ord(c) < 0x20 or ord(c) == 0x7F for c in member.filename)):
                raise InvalidPackage(f"{path.name}: unsafe path {member.filename!r}")
            key = str(name)
            if key in files or (not member.is_dir() and key in folders):
                raise InvalidPackage(f"{path.name}: {member.filename!r} appears twice")
            (folders if member.is_dir() else files).add(key)
            folders.update(str(parent) for parent in name.parents if str(parent) != ".")
            tops.add(name.parts[0])
        if files & folders:
            raise InvalidPackage(f"{path.name}: a file and a folder share the name "
                                 f"{sorted(files & folders)[0]!r}")
        if len(tops) != 1 or not any(m.filename.count("/") >= 1 for m in members):
            raise InvalidPackage(f"{path.name}: must contain exactly one top-level folder")
        return tops.pop()

    def _extract(self, path: Path, staging: Path) -> str:
        """Extract a zip with exactly one top-level folder, refusing unsafe members.

        Every limit is checked before anything is written; while writing, each member is cut
        off at the size its directory entry declared (a zip can lie about it).
        """
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            top = self._check_members(path, members)
            for member in members:
                target = staging.joinpath(*PurePosixPath(member.filename).parts)
                if member.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                written = 0
                try:
                    with archive.open(member) as source, target.open("wb") as sink:
                        while chunk := source.read(_CHUNK):
                            written += len(chunk)
                            if written > member.file_size:
                                raise InvalidPackage(
                                    f"{path.name}: {member.filename!r} is larger than declared")
                            sink.write(chunk)
                except (zipfile.BadZipFile, EOFError, NotImplementedError) as exc:
                    raise InvalidPackage(f"{path.name}: damaged archive ({exc})") from exc
        return top


def _process_alive(pid: str) -> bool:
    """True if ``pid`` (text from a folder name) is a running process on this machine."""
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def validate_model_files(directory: Path) -> None:
    """Load the CTranslate2 model and SentencePiece model so a broken package is refused."""
    import ctranslate2
    import sentencepiece

    model_dir = directory / "model"
    if not (model_dir / "model.bin").is_file():
        raise InvalidPackage(f"{directory.name}: missing model/model.bin (CTranslate2 model)")
    sp_path = directory / "sentencepiece.model"
    if not sp_path.is_file():
        raise InvalidPackage(f"{directory.name}: missing sentencepiece.model")
    for path in (sp_path, directory / TARGET_SENTENCEPIECE):
        if path == sp_path or path.is_file():
            try:
                sentencepiece.SentencePieceProcessor(model_file=str(path))
            except (RuntimeError, OSError) as exc:
                raise InvalidPackage(
                    f"{directory.name}: {path.name} does not load ({exc})"
                ) from exc
    try:
        ctranslate2.Translator(str(model_dir), device="cpu", intra_threads=1)
    except (RuntimeError, ValueError, OSError) as exc:
        raise InvalidPackage(
            f"{directory.name}: the model does not load in CTranslate2 ({exc})"
        ) from exc


def _fetch(url: str, out: Path, limit: int) -> None:
    """Download url to out (at most limit bytes); IndexUnavailable when unreachable."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response, out.open("wb") as sink:
            total = 0
            while chunk := response.read(1024 * 1024):
                total += len(chunk)
                if total > limit:
                    raise InvalidPackage(f"{url}: download larger than {limit} bytes")
                sink.write(chunk)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise IndexUnavailable(
            f"Could not download {url} ({exc}). This machine looks offline: download the "
            ".argosmodel file on a machine with internet and run `audarma models install PATH`."
        ) from exc


def write_package(
    out_path: Path,
    folder: str,
    metadata: Mapping[str, Any],
    sentencepiece_model: bytes,
    model_dir: Path,
    readme: str,
    *,
    extra_files: Mapping[str, bytes] | None = None,
) -> Path:
    """Zip a package (one top-level folder) with fixed timestamps, so builds are reproducible.
    ``extra_files`` go beside metadata.json (a Marian model's target_sentencepiece.model)."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out_path, "w", zipfile.ZIP_DEFLATED) as archive:
        _add(archive, f"{folder}/metadata.json", json.dumps(metadata, indent=2).encode())
        _add(archive, f"{folder}/sentencepiece.model", sentencepiece_model)
        _add(archive, f"{folder}/README.md", readme.encode())
        for name, data in sorted((extra_files or {}).items()):
            _add(archive, f"{folder}/{name}", data)
        for file in sorted(model_dir.iterdir()):
            _add(archive, f"{folder}/model/{file.name}", file.read_bytes())
    return out_path


def read_metadata(archive_path: Path) -> dict[str, Any]:
    """The metadata.json of an .argosmodel file, without unpacking it."""
    with zipfile.ZipFile(archive_path) as archive:
        name = next((n for n in archive.namelist() if n.endswith("/metadata.json")
                     and n.count("/") == 1), None)
        if name is None:
            raise InvalidPackage(f"{Path(archive_path).name}: no metadata.json")
        metadata: dict[str, Any] = json.loads(archive.read(name))
    return metadata


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    """Add a member with a fixed timestamp and plain file permissions."""
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)
