"""Convert a Hugging Face NLLB-200 / M2M-100 model into a multilingual Argos-format package."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path

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
LANGUAGE_NAMES = {"en": "English", "kk": "Kazakh", "ru": "Russian"}
QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "int16", "float16", "bfloat16")
INSTALL_HINT = "pip install 'audarma[convert]' (transformers and a CPU build of torch)"


def convert_nllb(
    source: str | Path,
    out_path: Path,
    languages: Sequence[str],
    quantization: str | None = None,
    *,
    package_version: str = "1.0",
) -> Path:
    """Convert SOURCE (hub name or local directory) with CTranslate2's Transformers converter
    and write an .argosmodel that `PackageStore.install` accepts; one model, every direction."""
    languages = list(dict.fromkeys(languages))
    if len(languages) < 2:
        raise TranslationError("convert-nllb needs at least two languages, e.g. kk,ru,en")
    if quantization is not None and quantization not in QUANTIZATIONS:
        raise TranslationError(f"quantization must be one of {', '.join(QUANTIZATIONS)}")
    try:
        import transformers
        from ctranslate2.converters import TransformersConverter
    except ImportError as exc:
        raise TranslationError(f"convert-nllb needs optional dependencies: {INSTALL_HINT}") from exc

    out_path = Path(out_path)
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(str(source), use_fast=False)
    except (OSError, ValueError) as exc:
        raise InvalidPackage(f"{source}: cannot load its tokenizer ({exc})") from exc
    sp_path = getattr(tokenizer, "spm_file", None) or getattr(tokenizer, "vocab_file", None)
    if not sp_path or not Path(sp_path).is_file():
        raise InvalidPackage(f"{source}: the tokenizer has no SentencePiece model file")
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = Path(tmp) / "model"
        try:
            TransformersConverter(str(source)).convert(
                str(model_dir), quantization=quantization, force=True
            )
        except (OSError, ValueError, NotImplementedError) as exc:
            raise InvalidPackage(f"{source}: CTranslate2 cannot convert it ({exc})") from exc
        tokens = _language_tokens(_vocabulary(model_dir), languages, str(source))
        metadata = {
            "type": "translate",
            "package_version": package_version,
            "argos_version": "1.9",
            "name": f"{Path(str(source)).name} ({'/'.join(languages)})",
            "from_codes": languages,
            "to_codes": languages,
            "languages": [
                {"code": c, "name": LANGUAGE_NAMES.get(c, c), "token": tokens[c]} for c in languages
            ],
            "source_prefix_token": True,
            "source_suffix_tokens": ["</s>"],
            "converted_from": str(source),
            "quantization": quantization,
        }
        folder = f"translate-{'_'.join(languages)}-{package_version.replace('.', '_')}"
        readme = (
            f"# {metadata['name']}\n\nConverted from `{source}` with CTranslate2 "
            f"(quantization: {quantization or 'none'}). Check the original model's licence "
            "(NLLB-200 weights are CC-BY-NC 4.0).\n"
        )
        return write_package(
            out_path, folder, metadata, Path(sp_path).read_bytes(), model_dir, readme
        )


def _vocabulary(model_dir: Path) -> set[str]:
    """Tokens of a converted CTranslate2 model (JSON or text vocabulary file)."""
    for name in ("shared_vocabulary.json", "target_vocabulary.json"):
        if (model_dir / name).is_file():
            return set(json.loads((model_dir / name).read_text(encoding="utf-8")))
    for name in ("shared_vocabulary.txt", "target_vocabulary.txt"):
        if (model_dir / name).is_file():
            return set((model_dir / name).read_text(encoding="utf-8").splitlines())
    raise InvalidPackage("the converted model has no vocabulary file")


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
