"""RSS of one worker-like process with two base-size packages loaded, over 200 articles.

Usage: .venv/bin/python bench/worker_memory.py DATA_DIR [--articles 200]

Builds two random-weight transformer-base packages (en→kk and en→ru; int8 on disk; they stop
after about the source's length), loads both in one ArgosEngine (cache_size=2, as a worker keeps
them), then translates NTREX-128 English articles (cycled) queued alternately for kk and ru, as a
worker does: same-pair jobs claimed together and translated in BatchSizer-sized calls
(bench/worker_path.py), sampling RSS from /proc/self/status after each claim. Goal (issue 8):
RSS < models' size on disk + 300 MB, and no growth per article (slope of a linear fit over the
second half, per article). The engine gives freed heap pages back after each call
(translations.engine.release_free_memory).
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

from bench.worker_path import claim_queue, worker_calls  # noqa: E402
from translations.builder import build_random_package  # noqa: E402
from translations.engine import ArgosEngine  # noqa: E402
from translations.packages import PackageStore  # noqa: E402
from workflow.jobs.run import BATCH_LARGEST  # noqa: E402

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


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of y against x (NaN for fewer than two x values)."""
    n = len(points)
    if len({x for x, _ in points}) < 2:
        return float("nan")
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    num = sum((x - mean_x) * (y - mean_y) for x, y in points)
    return num / sum((x - mean_x) ** 2 for x, _ in points)


def main() -> None:
    """Build, load, translate, sample, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--batch-max", type=int, default=None,
                        help="largest engine call in segments, as AUDARMA_JOB_BATCH_MAX "
                             "(default: the worker's)")
    parser.add_argument("--engine-batch", default="",
                        help="CTranslate2 batches, TYPE:SIZE (examples:8, tokens:256; default: "
                             "the engine's)")
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
        batching = {}
        if args.engine_batch:
            kind, size = args.engine_batch.split(":")
            batching = {"batch_type": kind, "max_batch_size": int(size)}
        engine = ArgosEngine(store, cache_size=2, **batching)
        for target in ("kk", "ru"):
            engine.translate(["Warm-up sentence."], "en", target)
        after_load = rss()
        loads = [loadavg()]
        queue = [("kk" if n % 2 == 0 else "ru", corpus[n % len(corpus)])
                 for n in range(args.articles)]
        claims = claim_queue(queue)
        samples: list[tuple[int, int]] = []  # (articles done, RSS) after each claim
        done = segments = 0
        started = time.perf_counter()
        for claim in claims:
            def translate(batch: list[str], target: str = claim.target) -> None:
                engine.translate(batch, "en", target)

            worker_calls(translate, claim.segments, args.batch_max)
            done += claim.jobs
            segments += len(claim.segments)
            samples.append((done, rss()))
            if done // 50 > (done - claim.jobs) // 50:
                loads.append(loadavg())
        elapsed = time.perf_counter() - started
    second_half = [(n, r / MB) for n, r in samples if n > args.articles / 2]
    per_article = slope(second_half)
    limit = models_size + 300 * MB
    peak = max(r for _n, r in samples)
    at_100 = next((r for n, r in samples if n >= 100), samples[-1][1])
    print(f"articles: {args.articles} ({segments} segments, cycling {len(corpus)} NTREX-128 en), "
          f"alternating en→kk / en→ru, {len(claims)} claims, {elapsed:.0f} s; "
          f"loads: {engine.stats.models_loaded}; calls of up to {args.batch_max or BATCH_LARGEST}; "
          f"engine batches {args.engine_batch or 'default'}")
    print(f"models on disk: {models_size / MB:.0f} MB (2 base packages)")
    print(f"RSS before loading models: {before_load / MB:.0f} MB")
    print(f"RSS after load (+1 warm-up sentence each): {after_load / MB:.0f} MB")
    print(f"RSS after {args.articles} articles: {samples[-1][1] / MB:.0f} MB "
          f"(peak after a claim {peak / MB:.0f} MB)")
    print(f"RSS at article 100: {at_100 / MB:.0f} MB; peak VmHWM "
          f"(includes transient buffers inside a batch): {rss('VmHWM') / MB:.0f} MB")
    print(f"RSS slope over the second half: {per_article * 1024:+.1f} KB per article")
    within = max(peak, rss("VmHWM")) < limit
    flat = per_article * args.articles / 2 < 10  # under 10 MB over the whole second half
    print(f"1-minute load average at start and every 50 articles: {' '.join(loads)}")
    print(f"RSS < models' size + 300 MB ({limit / MB:.0f} MB): {'yes' if within else 'NO'}; "
          f"no growth per article: {'yes' if flat else 'NO'}")


if __name__ == "__main__":
    main()
