"""Build real, deterministic Argos packages with random weights for tests, demos and benchmarks."""

from __future__ import annotations

import io
import random
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translations.errors import TranslationError
from translations.packages import write_package

LANGUAGE_NAMES = {"en": "English", "kk": "Kazakh", "ru": "Russian"}

# A few plain words per language, written for this builder, so SentencePiece learns each script.
_WORDS = {
    "en": "the president said on monday that talks with the government will continue in "
    "the capital after the election news report minister water price city people year "
    "snake_case file_name world trade agreement",
    "kk": "президент дүйсенбі күні үкімет келіссөздер астанада жалғасатынын айтты сайлаудан "
    "кейін жаңалықтар министр су бағасы қала адамдар жыл әлем сауда келісімі өңір ұлттық "
    "үлкен һәм",
    "ru": "президент заявил в понедельник что переговоры с правительством продолжатся в "
    "столице после выборов новости министр вода цена город люди год мир торговое "
    "соглашение объявил щедрый ёлка",
}


@dataclass(frozen=True)
class ModelSize:
    """Transformer dimensions and vocabulary size of a random package."""

    layers: int
    d_model: int
    heads: int
    ffn: int
    vocab: int
    stops: bool  # wire the length circuit (EOS after about the source's length)
    quantization: str | None  # weights as stored on disk (Argos's own packages ship int8)


SIZES = {
    # tiny decodes to max_decoding_length, as plain random weights do: tests keep their outputs.
    "tiny": ModelSize(
        layers=1, d_model=32, heads=2, ffn=64, vocab=400, stops=False, quantization=None
    ),
    "base": ModelSize(
        layers=6, d_model=512, heads=8, ffn=2048, vocab=8000, stops=True, quantization="int8"
    ),
}


def build_random_package(
    out_path: Path, source: str, target: str, *, size: str = "tiny", seed: int = 0,
    licence: str | None = None,
) -> Path:
    """Write a bilingual source→target .argosmodel with random weights; deterministic per seed.
    ``licence`` is recorded as a converted model's would be (tests of the licence rule)."""
    metadata: dict[str, Any] = {
        "type": "translate",
        "package_version": "1.0",
        "argos_version": "1.9",
        "from_code": source,
        "from_name": LANGUAGE_NAMES.get(source, source),
        "to_code": target,
        "to_name": LANGUAGE_NAMES.get(target, target),
        "name": f"Random {source}→{target} ({size}, seed {seed})",
        **({"licence": licence} if licence else {}),
    }
    folder = f"translate-{source}_{target}-1_0"
    return _build(Path(out_path), folder, metadata, [source, target], [], size, seed)


def build_random_multilingual_package(
    out_path: Path,
    languages: Sequence[str] = ("kk", "ru", "en"),
    *,
    size: str = "tiny",
    seed: int = 0,
) -> Path:
    """Write one multilingual .argosmodel whose model serves every direction via __xx__ tokens."""
    tokens = {code: f"__{code}__" for code in languages}
    metadata = {
        "type": "translate",
        "package_version": "1.0",
        "argos_version": "1.9",
        "from_codes": list(languages),
        "to_codes": list(languages),
        "languages": [
            {"code": c, "name": LANGUAGE_NAMES.get(c, c), "token": tokens[c]} for c in languages
        ],
        "source_prefix_token": True,
        "source_suffix_tokens": ["</s>"],
        "name": f"Random multilingual {'/'.join(languages)} ({size}, seed {seed})",
    }
    folder = f"translate-{'_'.join(languages)}-1_0"
    return _build(
        Path(out_path), folder, metadata, list(languages), list(tokens.values()), size, seed
    )


def _build(
    out_path: Path,
    folder: str,
    metadata: dict,
    languages: list[str],
    special_tokens: list[str],
    size: str,
    seed: int,
) -> Path:
    """Train SentencePiece, write a seeded CTranslate2 Transformer and zip both with metadata."""
    if size not in SIZES:
        raise TranslationError(f"size must be one of {sorted(SIZES)}, not {size!r}")
    dims = SIZES[size]
    sp_bytes = _train_sentencepiece(languages, special_tokens, dims.vocab, seed)
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = Path(tmp) / "model"
        vocabulary = _pieces(sp_bytes)
        _write_model(model_dir, vocabulary, dims, seed)
        write_package(out_path, folder, metadata, sp_bytes, model_dir, _readme(metadata))
    return out_path


def _readme(metadata: dict) -> str:
    """A README that says plainly the package translates nothing."""
    return (
        f"# {metadata['name']}\n\nRandom weights: this package exercises the translation path "
        "(tokenising, batching, routing) but its output is meaningless text.\n"
    )


def _corpus(languages: list[str], vocab: int, seed: int) -> list[str]:
    """Synthetic sentences: the word lists, digits, tags, underscores and invented words."""
    rng = random.Random(seed)
    words = [w for code in languages for w in _WORDS.get(code, _WORDS["en"]).split()]
    letters = "".join(sorted(set("".join(words))))
    invented = [
        "".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(vocab)
    ]
    lines = []
    for _ in range(max(300, vocab // 4)):
        sentence = [rng.choice(words if rng.random() < 0.6 else invented) for _ in range(12)]
        sentence.insert(rng.randint(0, 11), str(rng.randint(0, 2025)))
        sentence.insert(rng.randint(0, 12), f"[X{rng.randint(1, 9)}X]")
        lines.append(" ".join(sentence) + rng.choice([".", ",", "?", "!", ":"]))
    return lines


def _train_sentencepiece(
    languages: list[str], special_tokens: list[str], vocab: int, seed: int
) -> bytes:
    """Train a small unigram SentencePiece model in memory, single-threaded for determinism."""
    import sentencepiece

    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(_corpus(languages, vocab, seed)),
        model_writer=model,
        vocab_size=vocab,
        model_type="unigram",
        character_coverage=1.0,
        byte_fallback=False,
        hard_vocab_limit=False,
        user_defined_symbols=special_tokens,
        num_threads=1,
        shuffle_input_sentence=False,
        minloglevel=2,
    )
    return model.getvalue()


def _pieces(sp_bytes: bytes) -> list[str]:
    """The SentencePiece vocabulary, in id order, used as the model's vocabulary."""
    import sentencepiece

    processor = sentencepiece.SentencePieceProcessor(model_proto=sp_bytes)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _write_model(model_dir: Path, vocabulary: list[str], dims: ModelSize, seed: int) -> None:
    """Fill a CTranslate2 TransformerSpec with seeded normal weights and save it; base-size
    models also stop after about the source's length (_wire_length)."""
    import numpy as np
    from ctranslate2.specs import model_spec, transformer_spec

    spec = transformer_spec.TransformerSpec.from_config((dims.layers, dims.layers), dims.heads)
    rng = np.random.default_rng(seed)
    d, vocab = dims.d_model, len(vocabulary)
    scale = 1.0 / np.sqrt(d)

    def fill(layer: object, scoped_name: str, value: object) -> None:
        if value is not None:
            return
        attr = scoped_name.split("/")[-1]
        parent = scoped_name.split("/")[-2]
        array: np.ndarray
        if attr == "gamma":
            array = np.ones(d, dtype=np.float32)
        elif attr == "beta":
            array = np.zeros(d, dtype=np.float32)
        else:
            array = rng.normal(0.0, scale, _shape(scoped_name, parent, d, dims.ffn, vocab))
            if parent.startswith("embeddings"):
                array = array * np.sqrt(d) * 0.1
        setattr(layer, attr, array.astype(np.float32))

    model_spec.visit_spec(spec, fill)
    if dims.stops:
        _wire_length(spec, vocabulary.index("</s>"), dims)
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    # Quantised on disk, like the converter's --quantization int8 and Argos's published packages:
    # a quarter of float32's size, and loading skips the float32 copy and the conversion.
    spec.optimize(quantization=dims.quantization)
    model_dir.mkdir(parents=True)
    spec.save(str(model_dir))


# Residual-stream dimensions reserved for the length circuit, and its gains (tuned by measuring
# output lengths of the base package on NTREX sentences: EOS wins near the source's length).
CLOCK, SPAN = 0, 1
MAX_POSITIONS = 1024
CLOCK_STEP = 0.02
EOS_GAIN = 25.0
ENCODER_GAIN = 1.2
EOS_BIAS = -2.4


def _wire_length(spec: Any, eos: int, dims: ModelSize) -> None:
    """Give random weights a realistic output length: the EOS logit grows with the target position
    and shrinks with the source length, so beam search stops after roughly as many tokens as the
    source has, as a trained model does. Every other weight stays random.

    Encoder and decoder get learned position encodings whose CLOCK dimension is the position; no
    layer writes into CLOCK or SPAN. In the last decoder layer one cross-attention head attends
    uniformly (zero query) and copies the mean encoder CLOCK (∝ source length) into SPAN. The EOS
    row of the output projection reads CLOCK − SPAN; no other row reads either dimension."""
    import numpy as np

    d, dh = dims.d_model, dims.d_model // dims.heads
    reserved = [CLOCK, SPAN]
    for stack in (spec.encoder, spec.decoder):
        stack.position_encodings.encodings = _positions(d, CLOCK_STEP)
    spec.encoder.layer_norm.gamma[CLOCK] = ENCODER_GAIN
    writers = [spec.encoder.embeddings[0], spec.decoder.embeddings]
    for layer in spec.encoder.layer:
        writers += [layer.self_attention.linear[1], layer.ffn.linear_1]
    for layer in spec.decoder.layer:
        writers += [layer.self_attention.linear[1], layer.attention.linear[2], layer.ffn.linear_1]
    for writer in writers:
        # Zero-mean across the model dimension, so layer norm's mean subtraction adds no offset.
        axis = 1 if writer in writers[:2] else 0
        writer.weight -= writer.weight.mean(axis=axis, keepdims=True)
        if axis == 1:
            writer.weight[:, reserved] = 0.0
        else:
            writer.weight[reserved, :] = 0.0
    span = spec.decoder.layer[-1].attention
    span.linear[0].weight[:dh, :] = 0.0  # head 0: zero query → uniform over the source
    span.linear[1].weight[d : d + dh, :] = 0.0
    span.linear[1].weight[d, CLOCK] = 1.0  # head 0 value 0 = encoder CLOCK
    span.linear[2].weight[:, 0] = 0.0
    span.linear[2].weight[SPAN, 0] = 1.0  # → SPAN = mean encoder CLOCK
    projection = spec.decoder.projection
    projection.weight[:, reserved] = 0.0
    projection.weight[eos, :] = 0.0
    projection.weight[eos, CLOCK] = EOS_GAIN
    projection.weight[eos, SPAN] = -2.0 * EOS_GAIN
    projection.bias = np.zeros(projection.weight.shape[0], dtype=np.float32)
    projection.bias[eos] = EOS_BIAS


def _positions(d: int, step: float) -> Any:
    """Sinusoidal position encodings with the CLOCK dimension replaced by step × position."""
    import numpy as np

    positions = np.arange(MAX_POSITIONS, dtype=np.float32)[:, None]
    rates = np.exp(-np.log(10000.0) * np.arange(0, d, 2, dtype=np.float32) / d)
    table = np.zeros((MAX_POSITIONS, d), dtype=np.float32)
    table[:, 0::2] = np.sin(positions * rates)
    table[:, 1::2] = np.cos(positions * rates)
    table[:, SPAN] = 0.0
    table[:, CLOCK] = 0.0
    table -= table.mean(axis=1, keepdims=True)  # else layer norm turns the mean into an offset
    table[:, CLOCK] = step * positions[:, 0]
    return table


def _shape(name: str, parent: str, d: int, ffn: int, vocab: int) -> tuple[int, int]:
    """Weight shape for a TransformerSpec variable, from its scoped name."""
    if parent.startswith("embeddings") or parent == "projection":
        return (vocab, d)
    if "/ffn/" in name:
        return (ffn, d) if parent == "linear_0" else (d, ffn)
    if "/self_attention/" in name and parent == "linear_0":
        return (3 * d, d)
    if "/attention/" in name and parent == "linear_1":
        return (2 * d, d)
    return (d, d)
