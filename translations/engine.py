"""The Argos engine: memory first, then one batched CTranslate2 call per package on the route."""

from __future__ import annotations

import ctypes
import math
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from translations.checks import Check, run_checks
from translations.confidence import mean_log_prob, pivot_confidence
from translations.errors import EngineUnavailable, InvalidPackage, ModelMissing
from translations.glossary import Glossary
from translations.interface import Translation
from translations.markup import PLACEHOLDER_PATTERN, Protected, protect, restore, tag_spans
from translations.memory import FUZZY_THRESHOLD, MemoryLookup, MemorySuggestion
from translations.model_input import selection_tokens, source_pieces, target_processor
from translations.packages import PackageInfo, PackageStore
from translations.routes import Route, RouteStep, plan_route
from translations.transliteration import guess_alphabet, is_latin, to_cyrillic

# Intel MKL, CTranslate2's GEMM backend on Intel CPUs, keeps freed buffers in per-thread pools
# that malloc_trim cannot give back: on the Intel VM a worker's RSS after 200 articles was 284 MB
# with them and 226 MB without, no faster either way (docs/benchmarks.md, "Worker memory").
# MKL reads this when it initialises, at the first model load; an explicit setting wins.
os.environ.setdefault("MKL_DISABLE_FAST_MM", "1")

# Measured on the 2-core VM (docs/benchmarks.md): two single-threaded replicas beat one
# two-threaded replica; beam 4 and length penalty 0.2 match Argos Translate's own settings.
DEFAULT_BEAM_SIZE = 4
DEFAULT_INTER_THREADS = 2
DEFAULT_INTRA_THREADS = 1
DEFAULT_COMPUTE_TYPE = "auto"
# How CTranslate2 cuts each replica's chunk (sorted by length) into batches: by source tokens,
# at most MAX_BATCH_TOKENS a batch. A batch's beam caches grow with its tokens, not its
# sentences, so a token budget bounds the worker's peak memory whatever the sentence lengths,
# while short sentences still share a batch. Intel VM, 200 articles on the worker's path
# (bench/worker_memory.py, docs/benchmarks.md): 8 examples a batch peaked at 470 MB (VmHWM) in
# 151 s, 4 examples at 344 MB in 115 s, 256 tokens at 271 MB in 116 s, 384 tokens at 306 MB in
# 121 s. (AMD EPYC VM, oneDNN: one thread, 4 pooled articles, beam 4: 22.3 s CPU one sentence
# at a time, 14.1 s at 4 examples, 10.7 s at 8 and 16, 11.5 s at 64.)
DEFAULT_BATCH_TYPE = "tokens"
MAX_BATCH_TOKENS = 256
MAX_BATCH_SIZE = 8  # examples a batch, with batch_type="examples"
SPECIAL_TOKENS = frozenset({"<s>", "</s>", "<pad>", "<blank>"})


@dataclass
class EngineStats:
    """Counters that let callers and tests see how much work the models did."""

    model_calls: int = 0
    segments_translated: int = 0
    memory_hits: int = 0
    models_loaded: int = 0


@dataclass(frozen=True)
class LoadedModel:
    """A package's CTranslate2 translator and SentencePiece processor, loaded once."""

    package: PackageInfo
    translator: Any
    processor: Any
    decoder: Any = None  # the target side's SentencePiece model, when it has its own (Marian)


class ArgosEngine:
    """Translate segments with installed Argos-format packages (an ``Engine``)."""

    def __init__(
        self,
        store: PackageStore,
        *,
        beam_size: int = DEFAULT_BEAM_SIZE,
        compute_type: str = DEFAULT_COMPUTE_TYPE,
        device: str = "cpu",
        inter_threads: int = DEFAULT_INTER_THREADS,
        intra_threads: int = DEFAULT_INTRA_THREADS,
        cache_size: int = 2,
        max_batch_size: int | None = None,
        batch_type: str = DEFAULT_BATCH_TYPE,
        max_decoding_length: int = 256,
        length_penalty: float = 0.2,
        fuzzy_threshold: float = FUZZY_THRESHOLD,
        fuzzy_limit: int = 3,
        release_memory: bool = True,
    ) -> None:
        self.store = store
        self.beam_size = beam_size
        self.compute_type = compute_type
        self.device = device  # resolved already: translations.device.choose_device
        self.inter_threads = inter_threads
        self.intra_threads = intra_threads
        self.cache_size = max(1, cache_size)
        self.max_batch_size = max_batch_size
        self.batch_type = batch_type
        self.max_decoding_length = max_decoding_length
        self.length_penalty = length_penalty
        self.fuzzy_threshold = fuzzy_threshold
        self.fuzzy_limit = fuzzy_limit
        self.release_memory = release_memory
        self.stats = EngineStats()
        self._models: OrderedDict[tuple[str, str], LoadedModel] = OrderedDict()
        self._lock = threading.Lock()

    def route(self, source: str, target: str) -> Route:
        """The route translate() would take now (NoRoute if none)."""
        return plan_route(self.store.installed(), source, target)

    def translate(
        self,
        texts: Sequence[str],
        source: str,
        target: str,
        *,
        glossary: Glossary | None = None,
        memory: MemoryLookup | None = None,
    ) -> list[Translation]:
        """Translate an article's segments: memory hits verbatim, the rest batched per package."""
        results: list[Translation | None] = [None] * len(texts)
        pending: list[int] = []
        for index, text in enumerate(texts):
            remembered = memory.exact(text) if memory is not None else None
            if remembered is not None:
                self.stats.memory_hits += 1
                checks = run_checks(text, remembered, target, glossary, source_language=source)
                results[index] = Translation(remembered, "memory", None, checks)
            else:
                pending.append(index)
        if pending:
            packages = {p.code: p for p in self.store.installed()}
            route = plan_route(list(packages.values()), source, target)
            protected = [self._protect(texts[i], source, target, glossary) for i in pending]
            outputs = [p.text for p in protected]
            if source == "kk":
                outputs = kazakh_in_cyrillic(outputs)
            legs: list[list[float | None]] = [[] for _ in pending]
            for step in route.steps:
                outputs, scores = self._run_step(packages, step, outputs)
                for leg, score in zip(legs, scores, strict=True):
                    leg.append(score)
            self.stats.segments_translated += sum(1 for p in protected if p.text.strip())
            for index, shielded, output, leg in zip(pending, protected, outputs, legs,
                                                    strict=True):
                results[index] = self._finish(
                    texts[index], shielded, output, route, source, target, glossary, memory,
                    pivot_confidence(leg),
                )
            if self.release_memory:
                release_free_memory()
        return [r for r in results if r is not None]

    def _protect(self, text: str, source: str, target: str, glossary: Glossary | None) -> Protected:
        """Hide inline tags and glossary terms behind placeholders."""
        spans = tag_spans(text)
        if glossary is not None:
            spans += glossary.spans(text, source, target)
        return protect(text, spans)

    def _finish(
        self,
        text: str,
        shielded: Protected,
        output: str,
        route: Route,
        source: str,
        target: str,
        glossary: Glossary | None,
        memory: MemoryLookup | None,
        confidence: float | None = None,
    ) -> Translation:
        """Restore placeholders, run the checks and attach memory suggestions."""
        restored = restore(output, shielded)
        checks = run_checks(text, restored.text, target, glossary, source_language=source)
        for replacement, kind in restored.reattached:
            if kind == "tag":
                message = f"The model lost inline tag {replacement}; it was re-attached at the end."
                checks.append(Check("tag_lost", "warning", message))
            else:
                message = f"The model lost glossary term {replacement!r}; it was appended."
                checks.append(Check("term_lost", "blocking", message))
        for placeholder in restored.unknown:
            checks.append(
                Check("placeholder", "warning", f"Removed an invented placeholder {placeholder}.")
            )
        suggestions = []
        if memory is not None:
            suggestions = [
                MemorySuggestion(src, tgt, similarity)
                for src, tgt, similarity in memory.fuzzy(text, self.fuzzy_limit)
                if similarity >= self.fuzzy_threshold
            ]
        return Translation(restored.text, "machine", route, checks, suggestions, confidence)

    def _run_step(
        self, packages: dict[str, PackageInfo], step: RouteStep, texts: list[str]
    ) -> tuple[list[str], list[float | None]]:
        """One translate_batch call for every non-empty text on one route step: the outputs and
        each one's confidence (None for a text left empty)."""
        if step.package_code not in packages:
            raise ModelMissing(step.package_code)
        model = self._model(packages[step.package_code])
        work = [i for i, text in enumerate(texts) if text.strip()]
        scores: list[float | None] = [None] * len(texts)
        if not work:
            return list(texts), scores
        info = model.package
        batch = [source_pieces(info, model.processor, texts[i], step.source, step.target)
                 for i in work]
        target_token = info.target_tokens.get(step.target)
        options = batch_options(
            batch,
            self.inter_threads,
            beam_size=self.beam_size,
            max_batch_size=self.max_batch_size,
            batch_type=self.batch_type,
            max_decoding_length=self.max_decoding_length,
            length_penalty=self.length_penalty,
        )
        options["max_batch_size"] = self.max_batch_size  # per chunk, in translate_on_replicas
        options["return_scores"] = True
        try:
            results = translate_on_replicas(
                model.translator,
                batch,
                self.inter_threads,
                target_prefix=[target_token] if target_token else None,
                **options,
            )
        except (RuntimeError, MemoryError) as exc:
            raise EngineUnavailable(f"{info.code}: translation failed ({exc})") from exc
        self.stats.model_calls += 1
        strip = SPECIAL_TOKENS | selection_tokens(info)
        decoder = model.decoder or model.processor
        outputs = list(texts)
        for i, result in zip(work, results, strict=True):
            outputs[i] = decode_pieces(decoder, result.hypotheses[0], strip)
            scores[i] = self._confidence(result)
        return outputs, scores

    def _confidence(self, result: Any) -> float | None:
        """The best hypothesis' mean log-probability per token (a hypothesis as long as
        max_decoding_length was cut there, so no end-of-sentence token was scored)."""
        if not result.scores:
            return None
        tokens = len(result.hypotheses[0])
        return mean_log_prob(result.scores[0], tokens, tokens < self.max_decoding_length,
                             self.length_penalty)

    def _model(self, package: PackageInfo) -> LoadedModel:
        """The loaded model for a package, from the bounded LRU cache or freshly loaded."""
        key = (package.code, str(package.path))
        with self._lock:
            if key in self._models:
                self._models.move_to_end(key)
                return self._models[key]
            loaded = self._load(package)
            self._models[key] = loaded
            self.stats.models_loaded += 1
            while len(self._models) > self.cache_size:
                self._models.popitem(last=False)
            return loaded

    def _load(self, package: PackageInfo) -> LoadedModel:
        """Load a package's model and tokenizer (InvalidPackage if they do not load)."""
        import ctranslate2
        import sentencepiece

        try:
            processor = sentencepiece.SentencePieceProcessor(
                model_file=str(package.path / "sentencepiece.model")
            )
            decoder = target_processor(package.path)
            translator = ctranslate2.Translator(
                str(package.path / "model"),
                device=self.device,
                compute_type=self.compute_type,
                inter_threads=self.inter_threads,
                intra_threads=self.intra_threads,
            )
        except MemoryError as exc:
            raise EngineUnavailable(f"{package.code}: not enough memory to load") from exc
        except (RuntimeError, OSError, ValueError) as exc:
            raise InvalidPackage(f"{package.code}: the model does not load ({exc})") from exc
        return LoadedModel(package, translator, processor, decoder)


def batch_limit(chunk_size: int, batch_type: str = DEFAULT_BATCH_TYPE,
                max_batch_size: int | None = None) -> int:
    """translate_batch's max_batch_size for a chunk of ``chunk_size`` sentences."""
    if max_batch_size:
        return max_batch_size
    return MAX_BATCH_TOKENS if batch_type == "tokens" else min(MAX_BATCH_SIZE, max(1, chunk_size))


def batch_options(
    batch: Sequence[Sequence[str]],
    inter_threads: int,
    *,
    beam_size: int = DEFAULT_BEAM_SIZE,
    max_batch_size: int | None = None,
    batch_type: str = DEFAULT_BATCH_TYPE,
    max_decoding_length: int = 256,
    length_penalty: float = 0.2,
) -> dict[str, Any]:
    """translate_batch options for one call: the whole batch, split so every replica works."""
    return {
        "beam_size": beam_size,
        "max_batch_size": batch_limit(math.ceil(len(batch) / inter_threads), batch_type,
                                      max_batch_size),
        "batch_type": batch_type,
        "max_decoding_length": max_decoding_length,
        "length_penalty": length_penalty,
        "replace_unknowns": True,
    }


def split_for_replicas(batch: Sequence[Sequence[str]], replicas: int) -> list[list[int]]:
    """Batch indices in `replicas` chunks of about equal source tokens: longest first, each to the
    chunk with the fewest tokens so far. Handing CTranslate2 the whole batch with max_batch_size
    = half would give one replica the short half (sorted by length) and leave it idle."""
    chunks: list[list[int]] = [[] for _ in range(max(1, min(replicas, len(batch))))]
    load = [0] * len(chunks)
    for index in sorted(range(len(batch)), key=lambda i: -len(batch[i])):
        lightest = load.index(min(load))
        chunks[lightest].append(index)
        load[lightest] += len(batch[index]) + 1
    return [sorted(chunk) for chunk in chunks if chunk]


def kazakh_in_cyrillic(texts: list[str]) -> list[str]:
    """Write Latin-script Kazakh segments in Cyrillic, the script the Kazakh models know.

    Placeholders ([X1X]) are kept; the alphabet is guessed per segment, else from all of them.
    """
    latin = [is_latin(text) for text in texts]
    if not any(latin):
        return texts
    common = guess_alphabet(" ".join(t for t, flag in zip(texts, latin, strict=True) if flag))
    out = []
    for text, flag in zip(texts, latin, strict=True):
        if not flag:
            out.append(text)
            continue
        alphabet = guess_alphabet(PLACEHOLDER_PATTERN.sub(" ", text)) or common
        pieces, last = [], 0
        for m in PLACEHOLDER_PATTERN.finditer(text):
            pieces += [to_cyrillic(text[last : m.start()], alphabet), m.group()]
            last = m.end()
        out.append("".join(pieces) + to_cyrillic(text[last:], alphabet))
    return out


def translate_on_replicas(
    translator: Any,
    batch: Sequence[Sequence[str]],
    replicas: int,
    *,
    target_prefix: list[str] | None = None,
    max_batch_size: int | None = None,
    batch_type: str = DEFAULT_BATCH_TYPE,
    **options: Any,
) -> list[Any]:
    """One translate_batch per chunk of split_for_replicas, asynchronous when there are several,
    so each replica decodes an equal share of the tokens; results in the batch's order."""
    chunks = split_for_replicas(batch, replicas)
    parallel = len(chunks) > 1
    pending = [
        translator.translate_batch(
            [batch[i] for i in chunk],
            target_prefix=[target_prefix] * len(chunk) if target_prefix else None,
            max_batch_size=batch_limit(len(chunk), batch_type, max_batch_size),
            batch_type=batch_type,
            asynchronous=parallel,
            **options,
        )
        for chunk in chunks
    ]
    results: list[Any] = [None] * len(batch)
    for chunk, outputs in zip(chunks, pending, strict=True):
        for index, output in zip(chunk, outputs, strict=True):
            results[index] = output.result() if parallel else output
    return results


def _load_malloc_trim() -> Any:
    """glibc's malloc_trim from the running process's C library, or None where there is none."""
    try:
        return getattr(ctypes.CDLL(None), "malloc_trim", None)
    except OSError:
        return None


_MALLOC_TRIM = _load_malloc_trim()


def release_free_memory() -> None:
    """Give the C heap's free pages back to the system (glibc malloc_trim; no-op elsewhere).
    CTranslate2's per-batch buffers are freed into each replica thread's malloc arena and stay
    resident otherwise: measured, a worker with two base models grew from 180 MB to 510 MB over
    20 articles without this and stayed under 200 MB with it (docs/benchmarks.md)."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def decode_pieces(processor: Any, pieces: Sequence[str], strip: frozenset[str] | set[str]) -> str:
    """SentencePiece pieces → text, keeping underscores (Argos's decode turns '_' into spaces) and
    dropping language and special tokens: those listed, and any the tokenizer does not know
    (NLLB/M2M-100 language codes such as kaz_Cyrl or __it__, madeupword fillers)."""
    unk_id = processor.unk_id()
    unk_piece = processor.id_to_piece(unk_id)
    kept = [
        piece
        for piece in pieces
        if piece not in strip and (piece == unk_piece or processor.piece_to_id(piece) != unk_id)
    ]
    return processor.decode_pieces(kept).strip()
