"""``audarma models``: install, list, remove, build and convert translation packages."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask

from translations.convert import KINDS, QUANTIZATIONS


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
        """List installed packages: languages, family, size, licence and evaluation scores."""
        from flask import current_app
        from sqlalchemy.exc import SQLAlchemyError

        from workflow import model_licences

        installed = _store().installed()
        try:
            with current_app.extensions["audarma.db"].transaction() as session:
                lines = model_licences.catalogue(session, installed)
                described = [(line, line.to_json()) for line in lines]
        except SQLAlchemyError:  # no database yet: the packages without their scores
            lines = [model_licences.ModelLine(p) for p in installed]
            described = [(line, line.to_json()) for line in lines]
        if as_json:
            click.echo(json.dumps([d for _, d in described], ensure_ascii=False))
            return
        from tasks.engine import device_choice

        click.echo(f"Device: {device_choice().label}")
        if not installed:
            click.echo("No translation package installed (see docs/models.md).")
        for line, d in described:
            p = line.package
            mark = "  NON-COMMERCIAL" if line.noncommercial else ""
            click.echo(f"{p.code}\t{p.version}\t{','.join(p.from_codes)} → {','.join(p.to_codes)}"
                       f"\t{p.size_bytes / 1e6:.1f} MB\t{p.family or '-'}"
                       f"\tlicence {p.licence or 'not recorded'}{mark}")
            for score in d["evaluations"]:  # type: ignore[attr-defined]
                click.echo(f"\t{score['source']}→{score['target']}\tchrF++ {score['chrf']:.2f}"
                           f"\tBLEU {score['bleu']:.2f}\t{score['data']}")

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

    @models_group.command("build-random-hf")
    @click.argument("out", type=click.Path(file_okay=False, path_type=Path))
    @click.option("--kind", type=click.Choice(["marian", "madlad"]), required=True)
    @click.option("--languages", default=None,
                  help="marian: SOURCE:TARGETS (default en:kk,ru); madlad: kk,ru,en.")
    @click.option("--licence", default="apache-2.0", show_default=True,
                  help="Written into the model card's front matter.")
    @click.option("--seed", default=0, show_default=True, type=int)
    def build_random_hf(out: Path, kind: str, languages: str | None, licence: str,
                        seed: int) -> None:
        """Save a tiny random Hugging Face model (Marian or T5) to convert: demos and tests."""
        from translations.convert import Languages
        from translations.errors import TranslationError
        from translations.hf_random import build_random_marian, build_random_t5

        try:
            if kind == "marian":
                wanted = Languages.parse(languages or "en:kk,ru")
                if len(wanted.sources) != 1 or not wanted.one_way:
                    raise click.UsageError("--languages for marian: one source, e.g. en:kk,ru")
                build_random_marian(out, wanted.sources[0], wanted.targets, licence=licence,
                                    seed=seed)
            else:
                build_random_t5(out, Languages.parse(languages or "kk,ru,en").all,
                                licence=licence, seed=seed)
        except TranslationError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"saved {out} (random weights: output is not a translation)")

    def convert_options(command):
        for option in reversed([
            click.argument("source"),
            click.argument("out", type=click.Path(dir_okay=False, path_type=Path)),
            click.option("--languages", default="kk,ru,en", show_default=True,
                         help="Every direction among them (kk,ru,en), or SOURCES:TARGETS "
                              "(en:kk,ru) for a one-way model such as OPUS-MT."),
            click.option("--kind", type=click.Choice(KINDS), default="auto", show_default=True,
                         help="Model family (auto: from its architecture and tokenizer)."),
            click.option("--quantization", type=click.Choice(QUANTIZATIONS), default=None),
            click.option("--licence", default=None,
                         help="Licence of the weights (default: the model card's license:)."),
            click.option("--revision", default=None, help="Hub revision (branch, tag, commit)."),
        ]):
            command = option(command)
        return command

    def run_convert(source: str, out: Path, languages: str, kind: str,
                    quantization: str | None, licence: str | None, revision: str | None) -> None:
        from translations.convert import convert_model
        from translations.errors import TranslationError
        from translations.packages import forbids_commercial_use, read_metadata

        try:
            path = convert_model(source, out, languages, kind=kind, quantization=quantization,
                                 licence=licence, revision=revision)
        except TranslationError as exc:
            raise click.ClickException(str(exc)) from None
        metadata = read_metadata(path)
        click.echo(f"wrote {path} ({metadata['model_family']}, licence {metadata['licence']}); "
                   f"install it with: audarma models install {path}")
        if forbids_commercial_use(metadata["licence"]):
            click.echo("its licence forbids commercial use: editions translated with it are "
                       "published only once an admin allows it on the Models page")

    @models_group.command("convert")
    @convert_options
    def convert(**options: str | None) -> None:
        """Convert a Hugging Face NLLB-200, M2M-100, Marian (OPUS-MT) or T5 (MADLAD-400) model
        (hub name or directory) into a package."""
        run_convert(**options)  # type: ignore[arg-type]

    @models_group.command("convert-nllb")
    @convert_options
    def convert_nllb(**options: str | None) -> None:
        """Same as ``models convert`` (kept for scripts written for NLLB-200)."""
        run_convert(**options)  # type: ignore[arg-type]

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
