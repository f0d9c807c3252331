"""``audarma models``: install, list, remove, build and convert translation packages."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask


def _store():
    from tasks.packages import package_store

    return package_store()


def _resume_jobs() -> int:
    """Re-queue jobs waiting for a model that an installed package now serves."""
    from tasks.packages import resume_waiting_jobs
    from web.commands import schema_ready

    return resume_waiting_jobs() if schema_ready() else 0


def register(app: Flask) -> None:
    """Add the ``models`` group."""

    @app.cli.group("models")
    def models_group() -> None:
        """Machine-translation packages (Argos .argosmodel files)."""

    @models_group.command("list")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    def list_models(as_json: bool) -> None:
        """List installed packages."""
        installed = _store().installed()
        if as_json:
            click.echo(json.dumps([p.to_json() for p in installed], ensure_ascii=False))
            return
        from tasks.engine import device_choice

        click.echo(f"Device: {device_choice().label}")
        if not installed:
            click.echo("No translation package installed (see docs/models.md).")
        for p in installed:
            click.echo(f"{p.code}\t{p.version}\t{','.join(p.from_codes)} → {','.join(p.to_codes)}"
                       f"\t{p.size_bytes / 1e6:.1f} MB")

    @models_group.command("install")
    @click.argument("source")
    def install(source: str) -> None:
        """Install SOURCE: a path to an .argosmodel file, or a package code from the Argos index."""
        from translations.errors import TranslationError

        store = _store()
        try:
            if Path(source).exists():
                info = store.install(Path(source))
            else:
                info = store.install_from_index(source)
        except TranslationError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"installed {info.code} {info.version} "
                   f"({','.join(info.from_codes)} → {','.join(info.to_codes)})")
        resumed = _resume_jobs()
        if resumed:
            click.echo(f"{resumed} waiting job(s) queued again")

    @models_group.command("remove")
    @click.argument("code")
    def remove(code: str) -> None:
        """Remove an installed package by its code."""
        from translations.errors import TranslationError

        try:
            _store().remove(code)
        except TranslationError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"removed {code}")

    @models_group.command("build-random")
    @click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--from", "source", help="Source language (one-direction package).")
    @click.option("--to", "target", help="Target language (one-direction package).")
    @click.option("--languages", help="Multilingual package serving every pair, e.g. kk,ru,en.")
    @click.option("--size", type=click.Choice(["tiny", "base"]), default="tiny", show_default=True)
    @click.option("--seed", default=0, show_default=True, type=int)
    def build_random(out: Path, source: str | None, target: str | None, languages: str | None,
                     size: str, seed: int) -> None:
        """Build a random-weight package: the real pipeline, gibberish output (demos, tests)."""
        from translations.builder import build_random_multilingual_package, build_random_package

        if languages:
            path = build_random_multilingual_package(
                out, [x.strip() for x in languages.split(",")], size=size, seed=seed)
        elif source and target:
            path = build_random_package(out, source, target, size=size, seed=seed)
        else:
            raise click.UsageError("give --from and --to, or --languages")
        click.echo(f"built {path} (random weights: output is not a translation)")

    @models_group.command("convert-nllb")
    @click.argument("source")
    @click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--languages", default="kk,ru,en", show_default=True)
    @click.option("--quantization", type=click.Choice(["int8", "int8_float32", "float16"]),
                  default=None)
    def convert_nllb(source: str, out: Path, languages: str, quantization: str | None) -> None:
        """Convert a Hugging Face NLLB/M2M-100 model (name or directory) into a package."""
        from translations.convert import convert_nllb as convert
        from translations.errors import TranslationError

        try:
            path = convert(source, out, [x.strip() for x in languages.split(",")],
                           quantization=quantization)
        except TranslationError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"wrote {path}; install it with: audarma models install {path}")

    @models_group.command("evaluate")
    @click.option("--data", "data_dir", type=click.Path(exists=True, file_okay=False,
                                                        path_type=Path),
                  envvar="AUDARMA_EVAL_DATA", required=True,
                  help="Folder of FLORES-style aligned files (devtest.eng_Latn, …).")
    @click.option("--split", default="devtest", show_default=True)
    @click.option("--pairs", default="", help="Directions, e.g. kk-ru,en-kk (default: all).")
    @click.option("--limit", type=int, default=None, help="First N sentences only.")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    def evaluate(data_dir: Path, split: str, pairs: str, limit: int | None,
                 as_json: bool) -> None:
        """chrF++ and BLEU of every installed route (direct and pivot) on aligned sentences."""
        from flask import current_app

        from tasks.engine import get_engine
        from translations.errors import TranslationError
        from translations.evaluation import evaluate as run
        from translations.evaluation import load_sentences
        from web.commands import schema_ready
        from workflow import evaluations

        wanted = []
        for item in filter(None, (p.strip() for p in pairs.split(","))):
            source, _, target = item.partition("-")
            if not source or not target:
                raise click.UsageError(f"{item!r} is not a direction such as kk-ru")
            wanted.append((source, target))
        try:
            sentences = load_sentences(data_dir, split, limit)
        except TranslationError as exc:
            raise click.ClickException(str(exc)) from None
        engine = get_engine()

        def translate(texts: list[str], source: str, target: str) -> tuple[list[str], str]:
            results = engine.translate(texts, source, target)
            route = next((r.route.label for r in results if r.route is not None), "")
            return [r.text for r in results], route

        scores = run(translate, sentences, wanted or None)
        label = f"{data_dir.name}/{split} ({len(next(iter(sentences.values())))})"
        if schema_ready():
            with current_app.extensions["audarma.db"].transaction() as session:
                evaluations.record(session, scores, label)
        if as_json:
            click.echo(json.dumps([s.to_json() for s in scores], ensure_ascii=False))
            return
        if not scores:
            click.echo("no installed route serves these directions")
            return
        click.echo(f"{'direction':<10} {'chrF++':>7} {'BLEU':>6} {'sent/s':>7}  route")
        for s in scores:
            click.echo(f"{s.source + '→' + s.target:<10} {s.chrf:>7.2f} {s.bleu:>6.2f} "
                       f"{s.sentences_per_second:>7.1f}  {s.route}")
