"""Segments/s of Audarma's engine vs argostranslate.translate vs a bare CTranslate2 call.

Usage: .venv/bin/python bench/mt_throughput.py DATA_DIR [--articles 2] [--size base]

All systems translate the same English NTREX-128 articles (read from DATA_DIR at run time) with
the same random-weight transformer-base en→kk package built here. argostranslate runs in child
processes (its settings are read at import) with HOME/XDG pointed into the temp directory and its
sentence splitter swapped for one that returns the article's own segments (MiniSBD/stanza would
download models); stanza/minisbd are stubbed because only that splitter uses them.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from translations.builder import build_random_package  # noqa: E402
from translations.engine import ArgosEngine  # noqa: E402
from translations.packages import PackageStore  # noqa: E402


def load_articles(data_dir: Path, count: int) -> list[list[str]]:
    """The first `count` English NTREX-128 articles, one list of sentence segments each."""
    path = data_dir / "ntrex128-kk-ru-en" / "articles_kk_ru_en.jsonl"
    articles = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            articles.append(json.loads(line)["en"])
            if len(articles) == count:
                break
    return articles


def time_audarma(store: PackageStore, articles: list[list[str]]) -> float:
    """Seconds for Audarma's engine (defaults) to translate each article in one call."""
    engine = ArgosEngine(store)
    engine.translate(["Warm-up sentence."], "en", "kk")
    start = time.perf_counter()
    for article in articles:
        engine.translate(article, "en", "kk")
    return time.perf_counter() - start


def time_bare(store: PackageStore, articles: list[list[str]]) -> float:
    """Seconds for one translate_batch per article with the engine's options, pre-tokenised."""
    import ctranslate2
    import sentencepiece

    info = store.installed()[0]
    processor = sentencepiece.SentencePieceProcessor(
        model_file=str(info.path / "sentencepiece.model")
    )
    translator = ctranslate2.Translator(
        str(info.path / "model"), compute_type="auto", inter_threads=2, intra_threads=1
    )
    batches = [[processor.encode(s, out_type=str) for s in article] for article in articles]
    translator.translate_batch([processor.encode("Warm-up sentence.", out_type=str)], beam_size=4)
    start = time.perf_counter()
    for batch in batches:
        translator.translate_batch(
            batch,
            beam_size=4,
            max_batch_size=min(64, math.ceil(len(batch) / 2)),
            length_penalty=0.2,
            replace_unknowns=True,
        )
    return time.perf_counter() - start


def argos_worker(package_dir: Path, articles: list[list[str]]) -> float:
    """Run inside a child process: seconds for argostranslate.translate over the articles."""
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
    start = time.perf_counter()
    for article in articles:
        translate.translate(" ".join(article), "en", "kk")
    return time.perf_counter() - start


def time_argos(root: Path, store: PackageStore, articles_file: Path, threads: dict) -> float:
    """Seconds for argostranslate in a child process with the given ARGOS_* settings."""
    home = root / "argos-home"
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "ARGOS_PACKAGES_DIR": str(store.directory),
        **{k: str(v) for k, v in threads.items()},
    }
    package_dir = store.installed()[0].path
    done = subprocess.run(
        [sys.executable, __file__, "--argos-worker", str(package_dir), str(articles_file)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Build the package, time each system on the same articles, print one line per figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path, nargs="?")
    parser.add_argument("--articles", type=int, default=2)
    parser.add_argument("--size", default="base", choices=["tiny", "base"])
    parser.add_argument("--argos-worker", nargs=2, metavar=("PACKAGE_DIR", "ARTICLES_JSON"))
    args = parser.parse_args()
    if args.argos_worker:
        package_dir, articles_json = args.argos_worker
        articles = json.loads(Path(articles_json).read_text(encoding="utf-8"))
        print(argos_worker(Path(package_dir), articles))
        return
    if args.data_dir is None:
        parser.error("DATA_DIR is required (e.g. /work/shared/data)")
    articles = load_articles(args.data_dir, args.articles)
    segments = sum(len(a) for a in articles)
    with tempfile.TemporaryDirectory(prefix="audarma-bench-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        package = build_random_package(root / "en_kk.argosmodel", "en", "kk", size=args.size)
        store = PackageStore(root / "packages")
        store.install(package)
        print(f"package: {args.size} en→kk built in {time.perf_counter() - started:.1f} s")
        articles_file = root / "articles.json"
        articles_file.write_text(json.dumps(articles), encoding="utf-8")
        print(
            f"articles: {len(articles)} NTREX-128 en, {segments} segments; cpus: {os.cpu_count()}"
        )
        seconds = {
            "audarma": time_audarma(store, articles),
            "bare": time_bare(store, articles),
            "argos_defaults": time_argos(root, store, articles_file, {}),
            "argos_best": time_argos(root, store, articles_file, {"ARGOS_INTRA_THREADS": 1}),
        }
    rate = {name: segments / value for name, value in seconds.items()}
    for name, value in seconds.items():
        print(f"{name}: {value:.1f} s, {rate[name]:.2f} segments/s")
    print(f"Audarma {rate['audarma'] / rate['argos_defaults']:.1f}x argostranslate (defaults)")
    print(f"Audarma {rate['audarma'] / rate['argos_best']:.1f}x argostranslate (best threads)")
    print(f"Audarma {rate['audarma'] / rate['bare']:.2f}x bare CTranslate2 translate_batch")


if __name__ == "__main__":
    main()
