"""Convert a Hugging Face translation model (NLLB-200, M2M-100, Marian/OPUS-MT, T5/MADLAD-400)
into an Argos-format package, recording how the engine selects each language and the licence."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translations.errors import InvalidPackage, TranslationError
from translations.packages import write_package

# NLLB-200 language tokens (FLORES-200 codes); M2M-100 uses __xx__ instead.
NLLB_TOKENS = {
    "en": "eng_Latn",
    "kk": "kaz_Cyrl",
    "ru": "rus_Cyrl",
    "uz": "uzn_Latn",
    "ky": "kir_Cyrl",
    "tr": "tur_Latn",
    "uk": "ukr_Cyrl",
    "de": "deu_Latn",
    "fr": "fra_Latn",
    "zh": "zho_Hans",
    "ar": "arb_Arab",
}
# OPUS-MT target tokens (>>kaz_Cyrl<<, >>kaz<<): ISO 639-3 codes, some with a script.
OPUS_CODES = {
    "en": ("eng",), "kk": ("kaz_Cyrl", "kaz"), "ru": ("rus",), "uz": ("uzb_Latn", "uzb", "uzn"),
    "ky": ("kir_Cyrl", "kir"), "tr": ("tur",), "uk": ("ukr",), "de": ("deu",), "fr": ("fra",),
    "zh": ("zho", "cmn_Hans"), "ar": ("ara", "arb"),
}
LANGUAGE_NAMES = {"en": "English", "kk": "Kazakh", "ru": "Russian"}
QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "int16", "float16", "bfloat16")
FAMILIES = ("nllb", "m2m100", "marian", "madlad")
KINDS = ("auto", *FAMILIES)
INSTALL_HINT = "pip install 'audarma[convert]' (transformers and a CPU build of torch)"
_ARCHITECTURES = {"m2m_100": ("nllb", "m2m100"), "marian": ("marian",), "t5": ("madlad",),
                  "mt5": ("madlad",)}
_OPUS_TOKEN = re.compile(r"\A>>[A-Za-z_]+<<\Z")
_CODE = re.compile(r"\A[a-z]{2,3}\Z")


@dataclass(frozen=True)
class Languages:
    """What a package will translate: from every source to every other target."""

    sources: tuple[str, ...]
    targets: tuple[str, ...]

    @classmethod
    def parse(cls, text: str | Sequence[str]) -> Languages:
        """``kk,ru,en`` (every direction among them) or ``en:kk,ru`` (from en to kk and ru)."""
        raw = text if isinstance(text, str) else ",".join(text)
        left, colon, right = raw.partition(":")
        sources = _codes(left)
        targets = _codes(right) if colon else sources
        if not sources or not targets or not any(s != t for s in sources for t in targets):
            raise TranslationError(
                "--languages needs at least two languages, e.g. kk,ru,en or en:kk")
        return cls(sources, targets)

    @property
    def all(self) -> list[str]:
        """Every language, sources first."""
        return list(dict.fromkeys([*self.sources, *self.targets]))

    @property
    def one_way(self) -> bool:
        """True when given as SOURCES:TARGETS rather than one list for every direction."""
        return self.sources != self.targets


def _codes(text: str) -> tuple[str, ...]:
    codes = tuple(dict.fromkeys(c.strip() for c in text.split(",") if c.strip()))
    for code in codes:
        if not _CODE.match(code):
            raise TranslationError(f"{code!r} is not a language code such as kk")
    return codes


def convert_model(
    source: str | Path,
    out_path: Path,
    languages: str | Sequence[str],
    *,
    kind: str = "auto",
    quantization: str | None = None,
    licence: str | None = None,
    revision: str | None = None,
    package_version: str = "1.0",
) -> Path:
    """Convert SOURCE (hub name or local directory) with CTranslate2's Transformers converter
    and write an .argosmodel that ``PackageStore.install`` accepts."""
    wanted = Languages.parse(languages)
    if kind not in KINDS:
        raise TranslationError(f"--kind must be one of {', '.join(KINDS)}")
    if quantization is not None and quantization not in QUANTIZATIONS:
        raise TranslationError(f"quantization must be one of {', '.join(QUANTIZATIONS)}")
    try:
        import transformers
        from ctranslate2.converters import TransformersConverter
    except ImportError as exc:
        raise TranslationError(f"converting needs optional dependencies: {INSTALL_HINT}") from exc

    name = str(source)
    try:
        config = transformers.AutoConfig.from_pretrained(name, revision=revision)
        # T5's non-legacy slow tokenizer needs protobuf; only the vocabulary is read from it
        legacy = {"legacy": True} if config.model_type in ("t5", "mt5") else {}
        tokenizer = transformers.AutoTokenizer.from_pretrained(
            name, revision=revision, use_fast=False, **legacy)
    except (OSError, ValueError, ImportError) as exc:
        raise InvalidPackage(
            f"{source}: cannot load its configuration or tokenizer ({exc})") from exc
    family = _family(kind, config, tokenizer, name)

    class SlowTokenizerConverter(TransformersConverter):
        """The SentencePiece ("slow") tokenizer: the fast one needs protobuf to convert."""

        def load_tokenizer(self, tokenizer_class: Any, model: str, **kwargs: Any) -> Any:
            return tokenizer

    with tempfile.TemporaryDirectory() as tmp:
        model_dir = Path(tmp) / "model"
        try:
            SlowTokenizerConverter(name, revision=revision).convert(
                str(model_dir), quantization=quantization, force=True)
        except (OSError, ValueError, NotImplementedError, KeyError) as exc:
            raise InvalidPackage(f"{source}: CTranslate2 cannot convert it ({exc})") from exc
        vocabulary = _vocabulary(model_dir)
        selection, files = _selection(family, tokenizer, vocabulary, wanted, name)
        model_id = Path(name).name if Path(name).is_dir() else name
        metadata: dict[str, Any] = {
            "type": "translate",
            "package_version": package_version,
            "argos_version": "1.9",
            "name": f"{model_id} ({'/'.join(wanted.all)})",
            "from_codes": list(wanted.sources),
            "to_codes": list(wanted.targets),
            **selection,
            "model_family": family,
            "architecture": str(config.model_type),
            "source_model": model_id,
            "source_revision": revision or getattr(config, "_commit_hash", None),
            "licence": licence or model_card_licence(name, revision) or "unknown",
            "quantization": quantization,
        }
        folder = f"translate-{'_'.join(wanted.all)}-{package_version.replace('.', '_')}"
        readme = (
            f"# {metadata['name']}\n\nConverted from `{model_id}` ({family}) with CTranslate2 "
            f"(quantization: {quantization or 'none'}). Licence of the original weights: "
            f"{metadata['licence']}.\n"
        )
        source_spm, target_spm = files
        extra = {"target_sentencepiece.model": target_spm} if target_spm else None
        return write_package(Path(out_path), folder, metadata, source_spm, model_dir, readme,
                             extra_files=extra)


def convert_nllb(
    source: str | Path,
    out_path: Path,
    languages: Sequence[str],
    quantization: str | None = None,
    *,
    package_version: str = "1.0",
) -> Path:
    """``models convert-nllb``: an NLLB-200 or M2M-100 model, one package for every direction."""
    return convert_model(source, out_path, list(languages), quantization=quantization,
                         package_version=package_version)


def _family(kind: str, config: Any, tokenizer: Any, source: str) -> str:
    """The family ``kind`` names, or the one the model's architecture and tokenizer say."""
    candidates = _ARCHITECTURES.get(str(getattr(config, "model_type", "")), ())
    if not candidates:
        raise InvalidPackage(f"{source}: a {getattr(config, 'model_type', '?')!r} model is not "
                             f"one of the families Audarma converts ({', '.join(FAMILIES)})")
    if kind == "auto":
        if candidates == ("nllb", "m2m100"):
            return "nllb" if "Nllb" in type(tokenizer).__name__ else "m2m100"
        return candidates[0]
    if kind not in candidates:
        raise InvalidPackage(f"{source}: --kind {kind} does not match its architecture "
                             f"{config.model_type!r} (use --kind {candidates[0]} or auto)")
    return kind


def _selection(family: str, tokenizer: Any, vocabulary: set[str], wanted: Languages,
               source: str) -> tuple[dict[str, Any], tuple[bytes, bytes | None]]:
    """Metadata saying how each language is selected, and the SentencePiece files to ship."""
    names = {c: LANGUAGE_NAMES.get(c, c) for c in wanted.all}
    if family in ("nllb", "m2m100"):
        tokens = _language_tokens(vocabulary, wanted.all, source)
        return ({"languages": [{"code": c, "name": names[c], "token": tokens[c]}
                               for c in wanted.all],
                 "source_prefix_token": True, "source_suffix_tokens": ["</s>"]},
                (_read_spm(getattr(tokenizer, "spm_file", None)
                           or getattr(tokenizer, "vocab_file", None), source), None))
    languages = [{"code": c, "name": names[c]} for c in wanted.all]
    if family == "marian":
        spm_files = list(getattr(tokenizer, "spm_files", None) or [])
        if len(spm_files) != 2:
            raise InvalidPackage(f"{source}: the Marian tokenizer has no source/target.spm")
        if not wanted.one_way:
            raise TranslationError(
                "a Marian model translates one way: give --languages SOURCES:TARGETS, "
                "e.g. en:kk or en:kk,ru")
        return ({"languages": languages, "source_suffix_tokens": ["</s>"],
                 "source_target_tokens": _opus_tokens(vocabulary, wanted.targets, source)},
                (_read_spm(spm_files[0], source), _read_spm(spm_files[1], source)))
    return ({"languages": languages, "source_suffix_tokens": ["</s>"],
             "source_prefix": _madlad_prefixes(tokenizer, vocabulary, wanted.targets, source)},
            (_read_spm(getattr(tokenizer, "vocab_file", None), source), None))


def _opus_tokens(vocabulary: set[str], targets: Sequence[str], source: str) -> dict[str, str]:
    """The >>xxx<< token of each target; none when the model has a single, implied target."""
    if not any(_OPUS_TOKEN.match(token) for token in vocabulary):
        if len(targets) > 1:
            raise InvalidPackage(f"{source}: the model has no >>xxx<< target tokens, so it "
                                 "serves one target language; name only that one")
        return {}
    tokens = {}
    for code in targets:
        candidates = [f">>{c}<<" for c in (*OPUS_CODES.get(code, ()), code)]
        found = next((token for token in candidates if token in vocabulary), None)
        if found is None:
            raise InvalidPackage(f"{source}: the vocabulary has no target token for {code!r} "
                                 f"(looked for {', '.join(candidates)})")
        tokens[code] = found
    return tokens


def _madlad_prefixes(tokenizer: Any, vocabulary: set[str], targets: Sequence[str],
                     source: str) -> dict[str, str]:
    """MADLAD-400's rule: ``<2kk> `` before the source text selects Kazakh output."""
    prefixes = {}
    for code in targets:
        token = f"<2{code}>"
        if token not in vocabulary or token not in tokenizer.tokenize(f"{token} x"):
            raise InvalidPackage(f"{source}: the tokenizer has no single {token} token, so "
                                 f"it cannot be told to write {code!r}")
        prefixes[code] = f"{token} "
    return prefixes


def _read_spm(path: str | None, source: str) -> bytes:
    if not path or not Path(path).is_file():
        raise InvalidPackage(f"{source}: the tokenizer has no SentencePiece model file")
    return Path(path).read_bytes()


def model_card_licence(source: str, revision: str | None = None) -> str | None:
    """The ``license:`` of a model card's front matter (local README.md, else the hub's)."""
    card = Path(source) / "README.md"
    if not Path(source).is_dir():
        try:
            import huggingface_hub

            card = Path(huggingface_hub.hf_hub_download(source, "README.md", revision=revision))
        except Exception:  # noqa: BLE001 - no card is "unknown", never a failed conversion
            return None
    if not card.is_file():
        return None
    return front_matter_licence(card.read_text(encoding="utf-8", errors="replace"))


def front_matter_licence(text: str) -> str | None:
    """``license:`` (or ``license_name:`` when it is ``other``) from YAML front matter."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return None
    fields: dict[str, str] = {}
    for line in lines[1:]:
        if line.strip() == "---":
            break
        key, colon, value = line.partition(":")
        if colon and not line[:1].isspace():
            fields[key.strip()] = value.strip().strip("'\"")
    found = fields.get("license") or None
    if found == "other" and fields.get("license_name"):
        return fields["license_name"]
    return found


def _vocabulary(model_dir: Path) -> set[str]:
    """Tokens of a converted CTranslate2 model, source and target (JSON or text files)."""
    tokens: set[str] = set()
    for side in ("shared", "source", "target"):
        if (model_dir / f"{side}_vocabulary.json").is_file():
            path = model_dir / f"{side}_vocabulary.json"
            tokens.update(json.loads(path.read_text(encoding="utf-8")))
        elif (model_dir / f"{side}_vocabulary.txt").is_file():
            path = model_dir / f"{side}_vocabulary.txt"
            tokens.update(path.read_text(encoding="utf-8").splitlines())
    if not tokens:
        raise InvalidPackage("the converted model has no vocabulary file")
    return tokens


def _language_tokens(vocabulary: set[str], languages: list[str], source: str) -> dict[str, str]:
    """The NLLB (kaz_Cyrl) or M2M-100 (__kk__) token of each language, as the model knows it."""
    tokens = {}
    for code in languages:
        candidates = [NLLB_TOKENS.get(code, ""), f"__{code}__"]
        found = next((token for token in candidates if token in vocabulary), None)
        if found is None:
            raise InvalidPackage(
                f"{source}: the converted vocabulary has no language token for {code!r} "
                "(CTranslate2 4.x's converter loses them with transformers 5; use transformers<5)"
            )
        tokens[code] = found
    return tokens
