"""Hostile .argosmodel files made from a real tiny package (shared by the row 9 and 11 tests)."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

TOP = "translate-en_kk-1_0"


def rezip(source: Path, out: Path, *, metadata: Callable[[dict], object] | None = None,
          extra: dict[str, bytes] | None = None, zeros: dict[str, int] | None = None,
          first: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None) -> Path:
    """Copy a package zip; ``metadata`` rewrites metadata.json, ``extra`` adds members,
    ``zeros`` adds members of that many zero bytes (streamed, deflated), ``first`` goes first,
    ``replace`` swaps a member's content."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in (first or {}).items():
            dst.writestr(name, data)
        for item in src.infolist():
            data = (replace or {}).get(item.filename) or src.read(item)
            if metadata is not None and item.filename.endswith("/metadata.json"):
                data = json.dumps(metadata(json.loads(data))).encode()
            dst.writestr(item, data)
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
        for name, size in (zeros or {}).items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(info, "w", force_zip64=True) as sink:
                chunk = bytes(1024 * 1024)
                for _ in range(size // len(chunk)):
                    sink.write(chunk)
    return out


def leftovers(directory: Path) -> list[str]:
    """Scratch folders (``.staging-*`` and friends) left in a package directory."""
    return sorted(p.name for p in directory.iterdir() if p.name.startswith(".")) \
        if directory.is_dir() else []
