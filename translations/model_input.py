"""What a package's model reads and writes: the source tokens of one step, the output's tokenizer.

NLLB-200/M2M-100 put the source language's token first and the target's as the decoder prefix;
Marian (OPUS-MT) puts the target's ``>>kaz<<`` token first; T5/MADLAD-400 writes ``<2kk> ``
before the source text. Every family ends the source with ``</s>``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from translations.packages import TARGET_SENTENCEPIECE, PackageInfo


def source_pieces(info: PackageInfo, processor: Any, text: str, source: str,
                  target: str) -> list[str]:
    """The tokens CTranslate2 translates for ``text`` on a ``source``→``target`` step."""
    head = [info.source_tokens[source]] if source in info.source_tokens else []
    if target in info.source_target_tokens:
        head.append(info.source_target_tokens[target])
    pieces = processor.encode(info.source_prefix.get(target, "") + text, out_type=str)
    return head + pieces + list(info.source_suffix)


def selection_tokens(info: PackageInfo) -> set[str]:
    """Language-selecting tokens, never part of a translation's text."""
    return {*info.target_tokens.values(), *info.source_tokens.values(),
            *info.source_target_tokens.values()}


def target_processor(directory: Path) -> Any | None:
    """The target side's own SentencePiece model (Marian), or None when both sides share one."""
    import sentencepiece

    path = Path(directory) / TARGET_SENTENCEPIECE
    if not path.is_file():
        return None
    return sentencepiece.SentencePieceProcessor(model_file=str(path))
