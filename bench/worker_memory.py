"""RSS of one worker-like process with two base-size packages loaded, over 200 articles.

Usage: .venv/bin/python bench/worker_memory.py DATA_DIR [--articles 200]

Builds two random-weight transformer-base packages (en→kk and en→ru; int8 on disk; they stop
after about the source's length), loads both in one ArgosEngine (cache_size=2, as a worker keeps
them), then translates NTREX-128 English articles (cycled) alternately into kk and ru, sampling
RSS from /proc/self/status after each article. Goal (issue 8): RSS < models' size on disk +
300 MB, and no growth per article (slope of a linear fit over the second half). The engine gives
freed heap pages back after each article (translations.engine.release_free_memory).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from translations.builder import build_random_package  # noqa: E402
from translations.engine import ArgosEngine  # noqa: E402
from translations.packages import PackageStore  # noqa: E402

MB = 1024 * 1024


def rss(field: str = "VmRSS") -> int:
    """Resident set size of this process in bytes (VmRSS; VmHWM is its peak so far)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def loadavg() -> str:
    """The 1-minute load average (the VM is shared)."""
    return Path("/proc/loadavg").read_text().split()[0]


def disk_size(directory: Path) -> int:
    """Bytes of every file under a directory."""
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())


def slope(values: list[float]) -> float:
    """Least-squares slope of values against their index."""
    n = len(values)
    mean_x, mean_y = (n - 1) / 2, sum(values) / n
    num = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(values))
    return num / sum((i - mean_x) ** 2 for i in range(n))


def main() -> None:
    """Build, load, translate, sample, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        for seed, target in enumerate(("kk", "ru")):
            out = args.data_dir / f"en_{target}.argosmodel"
            build_random_package(out, "en", target, size="base", seed=seed)
        return
    path = args.data_dir / "ntrex128-kk-ru-en" / "articles_kk_ru_en.jsonl"
    with path.open(encoding="utf-8") as lines:
        corpus = [json.loads(line)["en"] for line in lines]
    with tempfile.TemporaryDirectory(prefix="audarma-memory-") as tmp:
        root = Path(tmp)
        store = PackageStore(root / "packages")
        # Built in a child process: the builder's numpy/SentencePiece memory is not a worker's.
        subprocess.run([sys.executable, __file__, "--build", str(root)], check=True)
        for target in ("kk", "ru"):
            store.install(root / f"en_{target}.argosmodel")
        models_size = sum(disk_size(p.path) for p in store.installed())
        before_load = rss()
        engine = ArgosEngine(store, cache_size=2)
        for target in ("kk", "ru"):
            engine.translate(["Warm-up sentence."], "en", target)
        after_load = rss()
        loads = [loadavg()]
        samples, segments, started = [], 0, time.perf_counter()
        for n in range(args.articles):
            article = corpus[n % len(corpus)]
            engine.translate(article, "en", "kk" if n % 2 == 0 else "ru")
            segments += len(article)
            samples.append(rss())
            if (n + 1) % 50 == 0:
                loads.append(loadavg())
        elapsed = time.perf_counter() - started
    second_half = [s / MB for s in samples[len(samples) // 2 :]]
    per_article = slope(second_half)
    limit = models_size + 300 * MB
    print(f"articles: {args.articles} ({segments} segments, cycling {len(corpus)} NTREX-128 en), "
          f"alternating en→kk / en→ru, {elapsed:.0f} s; loads: {engine.stats.models_loaded}")
    print(f"models on disk: {models_size / MB:.0f} MB (2 base packages)")
    print(f"RSS before loading models: {before_load / MB:.0f} MB")
    print(f"RSS after load (+1 warm-up sentence each): {after_load / MB:.0f} MB")
    print(f"RSS after {args.articles} articles: {samples[-1] / MB:.0f} MB "
          f"(peak {max(samples) / MB:.0f} MB)")
    print(f"RSS at article 100: {samples[min(99, len(samples) - 1)] / MB:.0f} MB; peak VmHWM "
          f"(includes transient buffers inside a batch): {rss('VmHWM') / MB:.0f} MB")
    print(f"RSS slope over the second half: {per_article * 1024:+.1f} KB per article")
    within = max(samples) < limit
    flat = per_article * args.articles / 2 < 10  # under 10 MB over the whole second half
    print(f"1-minute load average at start and every 50 articles: {' '.join(loads)}")
    print(f"RSS < models' size + 300 MB ({limit / MB:.0f} MB): {'yes' if within else 'NO'}; "
          f"no growth per article: {'yes' if flat else 'NO'}")


if __name__ == "__main__":
    main()
