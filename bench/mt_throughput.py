"""Segments/s of Audarma's engine vs argostranslate.translate vs a bare CTranslate2 call.

Usage: .venv/bin/python bench/mt_throughput.py DATA_DIR [--articles 4] [--rounds 5]
           [--systems audarma,bare,bare_scores]

All systems translate the same English NTREX-128 articles (read from DATA_DIR at run time) with
the same random-weight transformer-base en→kk package built here (int8 weights on disk, as Argos's
published packages are); base packages stop after about the source's length
(translations/builder.py), so output lengths are realistic. Audarma is driven as a worker drives
it: the articles' jobs claimed together (up to 200 segments and 8 jobs a claim, as
workflow.jobs.claims.claim_next bundles them) and translated in calls sized by the worker's
workflow.jobs.run.BatchSizer. Each system runs
in its own long-lived child process, and the rounds interleave: argos defaults, argos best
threads, Audarma, bare, bare with scores, then the same order rotated by one, ... Medians and
spread over the rounds, and per-round ratios, are reported.

argostranslate runs as shipped (one translate() per article; it batches 32 tokens at a time)
with HOME/XDG pointed into the temp directory and its sentence splitter swapped for one that
returns the article's own segments (MiniSBD/stanza would download models); stanza/minisbd are
stubbed because only that splitter uses them. The bare system is the engine's CTranslate2 calls
alone: the same per-replica chunks and options on pre-tokenised segments; "bare_scores" is the
same with ``return_scores=True``, as the engine calls it to give every machine segment its
confidence (translations/confidence.py). bare_scores/bare is what scoring costs CTranslate2;
Audarma/bare_scores is the rest of the engine (tokenising, placeholders, checks, confidence).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.worker_path import claim_queue, worker_calls  # noqa: E402
from translations.builder import build_random_package  # noqa: E402
from translations.packages import PackageStore  # noqa: E402

SYSTEMS = ("argos_defaults", "argos_best", "audarma", "bare", "bare_scores")


def load_articles(data_dir: Path, count: int, skip: int = 0) -> list[list[str]]:
    """`count` English NTREX-128 articles after the first `skip`, as sentence segments each."""
    path = data_dir / "ntrex128-kk-ru-en" / "articles_kk_ru_en.jsonl"
    with path.open(encoding="utf-8") as lines:
        articles = [json.loads(line)["en"] for line in lines]
    return articles[skip : skip + count]


def audarma_runner(package_dir: Path, articles: list[list[str]]) -> Callable[[], dict]:
    """Audarma's engine with its defaults, driven as a worker drives it: the articles' jobs
    claimed together and translated in the worker's calls (bench/worker_path.py)."""
    from translations.engine import ArgosEngine

    engine = ArgosEngine(PackageStore(package_dir.parent))
    engine.translate(["Warm-up sentence."], "en", "kk")
    claims = claim_queue([("kk", article) for article in articles])

    def run() -> dict:
        def translate(batch: list[str]) -> None:
            engine.translate(batch, "en", "kk")

        return {"calls": [n for c in claims for n in worker_calls(translate, c.segments)]}

    return run


def bare_runner(package_dir: Path, articles: list[list[str]],
                scores: bool = False) -> Callable[[], dict]:
    """The engine's CTranslate2 calls alone: pre-tokenised segments in the worker's calls, each
    cut in the same per-replica chunks (engine.split_for_replicas), one asynchronous
    translate_batch per chunk, the same options (``return_scores`` only when ``scores``)."""
    import ctranslate2
    import sentencepiece

    from translations import engine as defaults

    processor = sentencepiece.SentencePieceProcessor(
        model_file=str(package_dir / "sentencepiece.model")
    )
    translator = ctranslate2.Translator(
        str(package_dir / "model"),
        compute_type=defaults.DEFAULT_COMPUTE_TYPE,
        inter_threads=defaults.DEFAULT_INTER_THREADS,
        intra_threads=defaults.DEFAULT_INTRA_THREADS,
    )
    replicas = defaults.DEFAULT_INTER_THREADS
    tokens = {s: processor.encode(s, out_type=str) for a in articles for s in a}
    claims = claim_queue([("kk", article) for article in articles])
    translator.translate_batch([processor.encode("Warm-up sentence.", out_type=str)])

    def run() -> dict:
        lengths: list[int] = []

        def translate(texts: list[str]) -> None:
            batch = [tokens[s] for s in texts]
            options = defaults.batch_options(batch, replicas)
            pending = [
                translator.translate_batch(
                    [batch[i] for i in chunk],
                    asynchronous=True,
                    return_scores=scores,
                    **{**options, "max_batch_size": defaults.batch_limit(len(chunk))},
                )
                for chunk in defaults.split_for_replicas(batch, replicas)
            ]
            lengths.extend(len(r.result().hypotheses[0]) for results in pending for r in results)

        calls = [n for claim in claims for n in worker_calls(translate, claim.segments)]
        return {
            "calls": calls,
            "output_tokens": lengths,
            "source_tokens": [len(tokens[s]) for a in articles for s in a],
        }

    return run


def argos_runner(package_dir: Path, articles: list[list[str]]) -> Callable[[], dict]:
    """argostranslate.translate as shipped, one call per article, offline sentence splitter."""
    for name in ("stanza", "minisbd"):
        stub = types.ModuleType(name)
        stub.SBDetect = object
        stub.models = types.SimpleNamespace(cache_dir="")
        sys.modules.setdefault(name, stub)
    from argostranslate import package, translate

    segments_of = {" ".join(article): article for article in articles}

    class KnownSegments:
        """Offline sentence splitter: returns the article's own segments."""

        def __init__(self, pkg: object) -> None:
            pass

        def split_sentences(self, text: str) -> list[str]:
            return segments_of.get(text, [text])

    translate.MiniSBDSentencizer = KnownSegments
    translate.StanzaSentencizer = KnownSegments
    assert [p.package_path for p in package.get_installed_packages()] == [package_dir]
    translate.translate("Warm-up sentence.", "en", "kk")

    def run() -> dict:
        for article in articles:
            translate.translate(" ".join(article), "en", "kk")
        return {}

    return run


def bare_scores_runner(package_dir: Path, articles: list[list[str]]) -> Callable[[], dict]:
    """bare_runner with return_scores=True, as the engine calls CTranslate2."""
    return bare_runner(package_dir, articles, scores=True)


RUNNERS = {"argos": argos_runner, "audarma": audarma_runner, "bare": bare_runner,
           "bare_scores": bare_scores_runner}


def serve(kind: str, package_dir: Path, articles_json: Path) -> None:
    """Child process: load once, then time one pass over the articles per line on stdin."""
    articles = json.loads(articles_json.read_text(encoding="utf-8"))
    run = RUNNERS[kind](package_dir, articles)
    print(json.dumps({"ready": True}), flush=True)
    for _line in sys.stdin:
        start, cpu = time.perf_counter(), time.process_time()
        extra = run()
        print(json.dumps({"seconds": time.perf_counter() - start,
                          "cpu_seconds": time.process_time() - cpu, **extra}), flush=True)


class Child:
    """A long-lived benchmark child process speaking one JSON line per request."""

    def __init__(self, kind: str, package_dir: Path, articles_json: Path, env: dict) -> None:
        command = [sys.executable, __file__, "--serve", kind, str(package_dir), str(articles_json)]
        self.process = subprocess.Popen(
            command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.read()

    def read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"benchmark child exited with {self.process.wait()}")
        return json.loads(line)

    def time(self) -> dict:
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        return self.read()

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


def start_children(
    root: Path, package_dir: Path, articles_json: Path, best: dict[str, str],
    systems: tuple[str, ...] = SYSTEMS,
) -> dict[str, Child]:
    """One child per system; argostranslate's settings are read at import, hence the env."""
    home = root / "argos-home"
    argos_env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "ARGOS_PACKAGES_DIR": str(package_dir.parent),
    }
    how = {
        "argos_defaults": ("argos", argos_env),
        "argos_best": ("argos", {**argos_env, **best}),
        "audarma": ("audarma", dict(os.environ)),
        "bare": ("bare", dict(os.environ)),
        "bare_scores": ("bare_scores", dict(os.environ)),
    }
    return {name: Child(how[name][0], package_dir, articles_json, how[name][1])
            for name in systems}


def loadavg() -> str:
    """The 1-minute load average (the VM is shared; it says how much the figures are depressed)."""
    return Path("/proc/loadavg").read_text().split()[0]


def spread(values: list[float]) -> str:
    """min–max as a string."""
    return f"{min(values):.2f}–{max(values):.2f}"


def report(seconds: dict[str, list[float]], segments: int, extras: dict[str, dict],
           cpu: dict[str, list[float]] | None = None) -> None:
    """Per-system medians, per-round ratios, and the headline lines; ``cpu``: the same in CPU
    seconds of each system's process (all its threads), which a shared machine's load disturbs
    far less than wall time."""
    rate = {name: [segments / s for s in values] for name, values in seconds.items()}
    for name in seconds:
        print(
            f"{name}: median {statistics.median(seconds[name]):.2f} s "
            f"({statistics.median(rate[name]):.2f} segments/s), "
            f"rounds {' '.join(f'{s:.2f}' for s in seconds[name])} s"
        )
    for name in (cpu or {}):
        print(f"{name}: median {statistics.median(cpu[name]):.2f} CPU s, rounds "
              f"{' '.join(f'{s:.2f}' for s in cpu[name])}")
    if "bare" in extras:
        tokens_report(extras)
    for name in ("audarma", "bare"):
        if name in extras:
            print(f"{name}: segments per engine call in the last round {extras[name]['calls']}")
    for unit, figures in (("time", seconds), ("CPU", cpu or {})):
        ratios(unit, figures)


def ratios(unit: str, figures: dict[str, list[float]]) -> None:
    """Side-by-side ratios of one measure: per round (same round, adjacent runs) and of the
    medians."""
    median = {name: statistics.median(values) for name, values in figures.items()}

    def ratio(slower: str, faster: str, label: str) -> None:
        if slower in figures and faster in figures:
            rounds = [a / b for a, b in zip(figures[slower], figures[faster], strict=True)]
            print(f"{unit} {label}: per round {spread(rounds)} (median "
                  f"{statistics.median(rounds):.3f}), of the medians "
                  f"{median[slower] / median[faster]:.3f}")

    ratio("bare_scores", "bare", "bare with scores / bare (what scoring costs)")
    ratio("audarma", "bare_scores", "Audarma / bare with scores (the engine around it)")
    ratio("audarma", "bare", "Audarma (with confidence) / bare without scores")
    for base, label in (("argos_defaults", "defaults"), ("argos_best", "best threads")):
        ratio(base, "audarma", f"speed-up of Audarma over argostranslate ({label})")


def tokens_report(extras: dict[str, dict]) -> None:
    """How long the outputs were (the random base model stops near the source's length)."""
    out, src = extras["bare"]["output_tokens"], extras["bare"]["source_tokens"]
    print(
        f"output tokens per segment: median {statistics.median(out)}, mean "
        f"{statistics.mean(out):.1f}, min {min(out)}, max {max(out)} (source median "
        f"{statistics.median(src)}); segments hitting max_decoding_length 256: "
        f"{sum(n >= 256 for n in out)}"
    )


def main() -> None:
    """Build the package, start one child per system, time interleaved rounds, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path, nargs="?")
    parser.add_argument("--articles", type=int, default=4)
    parser.add_argument("--skip", type=int, default=0, help="start after this many articles")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--systems", default=",".join(SYSTEMS),
                        help="comma-separated, of " + ", ".join(SYSTEMS))
    parser.add_argument(
        "--argos-best",
        default="ARGOS_INTRA_THREADS=1",
        help="argostranslate's best thread setting as VAR=VALUE[,VAR=VALUE] "
        "(default ARGOS_INTRA_THREADS=1; find it with --argos-best on each candidate)",
    )
    parser.add_argument("--serve", nargs=3, metavar=("KIND", "PACKAGE_DIR", "ARTICLES_JSON"))
    args = parser.parse_args()
    if args.serve:
        kind, package_dir, articles_json = args.serve
        serve(kind, Path(package_dir), Path(articles_json))
        return
    if args.data_dir is None:
        parser.error("DATA_DIR is required (the shared data folder with flores-kk-ru-en/)")
    if args.articles < 2:
        # argostranslate caches the last call's paragraphs: one article would hit it every round.
        parser.error("--articles must be at least 2")
    systems = tuple(name for name in args.systems.split(",") if name)
    if not systems or set(systems) - set(SYSTEMS):
        parser.error(f"--systems: choose from {', '.join(SYSTEMS)}")
    articles = load_articles(args.data_dir, args.articles, args.skip)
    segments = sum(len(a) for a in articles)
    with tempfile.TemporaryDirectory(prefix="audarma-bench-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        package = build_random_package(root / "en_kk.argosmodel", "en", "kk", size="base")
        store = PackageStore(root / "packages")
        package_dir = store.install(package).path
        print(f"package: base en→kk built in {time.perf_counter() - started:.1f} s")
        articles_json = root / "articles.json"
        articles_json.write_text(json.dumps(articles), encoding="utf-8")
        print(
            f"articles: {len(articles)} NTREX-128 en, {segments} segments; cpus: "
            f"{os.cpu_count()}; rounds: {args.rounds}, order {' '.join(systems)}, rotated "
            "by one each round"
        )
        best = dict(item.split("=", 1) for item in args.argos_best.split(",") if item)
        print(f"argos best threads: {best}")
        children = start_children(root, package_dir, articles_json, best, systems)
        seconds: dict[str, list[float]] = {name: [] for name in systems}
        cpu: dict[str, list[float]] = {name: [] for name in systems}
        extras: dict[str, dict] = {}
        loads = [loadavg()]
        for number in range(args.rounds):
            shift = number % len(systems)  # each system takes each place in turn
            for name in systems[shift:] + systems[:shift]:
                result = children[name].time()
                seconds[name].append(result.pop("seconds"))
                cpu[name].append(result.pop("cpu_seconds"))
                extras[name] = result
            loads.append(loadavg())
        for child in children.values():
            child.close()
    report(seconds, segments, extras, cpu)
    print(f"1-minute load average at start and after each round: {' '.join(loads)}")


if __name__ == "__main__":
    main()
