"""Tiny Hugging Face translation models with random weights (Marian as OPUS-MT ships them, T5 with
MADLAD-400's ``<2xx>`` tokens), saved with ``save_pretrained``: what ``models convert`` reads,
built here so tests and demos convert real models without a download. Output is meaningless."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from translations.convert import INSTALL_HINT, OPUS_CODES
from translations.errors import TranslationError

SENTENCES = {
    "en": ["the president said on monday that talks will continue",
           "water prices in the capital rose after the election"],
    "kk": ["президент дүйсенбі күні келіссөздер жалғасатынын айтты",
           "сайлаудан кейін астанада су бағасы өсті"],
    "ru": ["президент заявил в понедельник что переговоры продолжатся",
           "после выборов цены на воду в столице выросли"],
}
CARD = "---\nlanguage:\n{languages}license: {licence}\ntags:\n- translation\n---\n# {title}\n\n" \
       "Random weights, built by Audarma for tests and demos: the output is not a translation.\n"
_TINY = {"d_model": 16, "encoder_layers": 1, "decoder_layers": 1, "encoder_attention_heads": 2,
         "decoder_attention_heads": 2, "encoder_ffn_dim": 32, "decoder_ffn_dim": 32}


def _libraries() -> tuple[Any, Any, Any]:
    try:
        import sentencepiece
        import torch
        import transformers
    except ImportError as exc:
        raise TranslationError(f"building a Hugging Face model needs {INSTALL_HINT}") from exc
    return sentencepiece, torch, transformers


def _train(lines: list[str], prefix: Path, size: int, **options: object) -> Path:
    sentencepiece, _, _ = _libraries()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(lines * 20), model_prefix=str(prefix), vocab_size=size,
        hard_vocab_limit=False, num_threads=1, minloglevel=2, **options)
    return prefix.with_suffix(".model")


def _pieces(path: Path) -> list[str]:
    sentencepiece, _, _ = _libraries()
    processor = sentencepiece.SentencePieceProcessor(model_file=str(path))
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _card(out_dir: Path, languages: Sequence[str], licence: str) -> None:
    listed = "".join(f"- {code}\n" for code in languages)
    (out_dir / "README.md").write_text(
        CARD.format(languages=listed, licence=licence, title=out_dir.name), encoding="utf-8")


def _lines(codes: Sequence[str]) -> list[str]:
    return [line for code in codes for line in SENTENCES.get(code, SENTENCES["en"])]


def opus_token(code: str) -> str:
    """The plain OPUS-MT target token of a language: >>kaz<< for kk."""
    return f">>{next(c for c in (*OPUS_CODES.get(code, ()), code) if '_' not in c)}<<"


def build_random_marian(out_dir: Path, source: str = "en", targets: Sequence[str] = ("kk", "ru"),
                        *, licence: str = "apache-2.0", seed: int = 0) -> Path:
    """A one-layer Marian model from ``source`` into ``targets``, chosen by >>xxx<< tokens, with
    a SentencePiece model per side and a shared vocabulary, as OPUS-MT models come."""
    _, torch, transformers = _libraries()
    out_dir = Path(out_dir)
    with tempfile.TemporaryDirectory() as tmp:
        source_spm = _train(_lines([source]), Path(tmp) / "source", 40)
        target_spm = _train(_lines(targets), Path(tmp) / "target", 60)
        vocab = {"</s>": 0, "<unk>": 1}
        tokens = [opus_token(code) for code in targets] if len(targets) > 1 else []
        for piece in [*_pieces(source_spm), *_pieces(target_spm), *tokens, "<pad>"]:
            vocab.setdefault(piece, len(vocab))
        (Path(tmp) / "vocab.json").write_text(json.dumps(vocab))
        tokenizer = transformers.MarianTokenizer(
            source_spm=str(source_spm), target_spm=str(target_spm),
            vocab=str(Path(tmp) / "vocab.json"))
        torch.manual_seed(seed)
        config = transformers.MarianConfig(
            vocab_size=len(vocab), max_position_embeddings=512, pad_token_id=vocab["<pad>"],
            decoder_start_token_id=vocab["<pad>"], eos_token_id=0, **_TINY)
        transformers.MarianMTModel(config).save_pretrained(out_dir)
        tokenizer.save_pretrained(out_dir)
    _card(out_dir, [source, *targets], licence)
    return out_dir


def build_random_t5(out_dir: Path, languages: Sequence[str] = ("kk", "ru", "en"), *,
                    licence: str = "apache-2.0", seed: int = 0) -> Path:
    """A one-layer T5 model whose SentencePiece model has MADLAD-400's <2kk>-style tokens."""
    _, torch, transformers = _libraries()
    out_dir = Path(out_dir)
    with tempfile.TemporaryDirectory() as tmp:
        spm = _train(_lines(languages), Path(tmp) / "spiece", 90, pad_id=0, eos_id=1, unk_id=2,
                     bos_id=-1, user_defined_symbols=[f"<2{code}>" for code in languages])
        tokenizer = transformers.T5Tokenizer(vocab_file=str(spm), extra_ids=0, legacy=True)
        torch.manual_seed(seed)
        config = transformers.T5Config(
            vocab_size=len(tokenizer), d_model=16, d_kv=8, d_ff=32, num_layers=1,
            num_decoder_layers=1, num_heads=2, decoder_start_token_id=0, pad_token_id=0,
            eos_token_id=1)
        transformers.T5ForConditionalGeneration(config).save_pretrained(out_dir)
        tokenizer.save_pretrained(out_dir)
    _card(out_dir, languages, licence)
    return out_dir
