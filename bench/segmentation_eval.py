"""Evaluate sentence segmentation and language detection on NTREX-128 and FLORES+ (kk, ru, en).

Usage: python bench/segmentation_eval.py DATA_DIR [--errors N]

DATA_DIR is the folder holding ntrex128-kk-ru-en/ and flores-kk-ru-en/.

Segmentation: each NTREX article becomes its headline on one line plus its body sentences joined
by one space into a single paragraph; each FLORES+ story becomes its consecutive sentences of the
same URL joined by one space. The gold boundaries are exactly the places where aligned lines were
joined. Scoring is strict: a split the segmenter makes inside one aligned line is a false
positive, even when that line really holds two sentences (the script counts and shows those so a
reader can judge them). The headline line break is not scored: line breaks are hard boundaries.

Language detection: accuracy on every single FLORES+ sentence and on every whole NTREX article
(headline + body). An answer of None ("unsure") counts as wrong; the script also reports how
often it happened.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from translations.langid import detect_language  # noqa: E402
from translations.segmentation import split_sentences  # noqa: E402

LANGUAGES = ("kk", "ru", "en")
Splitter = Callable[[str, str], list[int]]


@dataclass
class Document:
    """One rebuilt text with the offsets where gold sentences start (except the first)."""

    name: str
    text: str
    gold: set[int]
    lines: list[tuple[int, int]]  # spans of the aligned lines inside text


@dataclass
class Score:
    """Boundary counts for one segmenter on one language."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    sentences: int = 0
    seconds: float = 0.0
    examples: list[str] = field(default_factory=list)

    def prf(self) -> tuple[float, float, float]:
        """Return precision, recall and F1."""
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def build(name: str, headline: str | None, sentences: list[str]) -> Document:
    """Join sentences into one paragraph (after an optional headline line) and note boundaries."""
    text, gold, lines = "", set(), []
    if headline is not None:
        text = headline + "\n"
        lines.append((0, len(headline)))
    for i, sentence in enumerate(sentences):
        if i:
            text += " "
            gold.add(len(text))
        lines.append((len(text), len(text) + len(sentence)))
        text += sentence
    return Document(name, text, gold, lines)


def ntrex_articles(data: Path) -> Iterator[dict]:
    """Yield NTREX-128 article records."""
    with open(data / "ntrex128-kk-ru-en" / "articles_kk_ru_en.jsonl", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def flores_stories(data: Path) -> dict[str, list[list[str]]]:
    """Group consecutive FLORES+ rows of the same URL into stories, per language."""
    stories: dict[str, list[list[str]]] = {lang: [] for lang in LANGUAGES}
    previous = None
    with open(data / "flores-kk-ru-en" / "aligned_kk_ru_en.tsv", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            new = row["url"] != previous
            previous = row["url"]
            for lang in LANGUAGES:
                if new:
                    stories[lang].append([])
                stories[lang][-1].append(row[lang])
    return stories


def documents(data: Path, lang: str) -> list[Document]:
    """All evaluation documents for one language."""
    docs = [build(a["doc_id"], a[lang][0], a[lang][1:]) for a in ntrex_articles(data)]
    for i, story in enumerate(flores_stories(data)[lang]):
        docs.append(build(f"flores-{i}", None, story))
    return docs


def audarma(text: str, lang: str) -> list[int]:
    """Sentence start offsets from Audarma's segmenter."""
    return [s.start for s in split_sentences(text, lang)]


def pysbd_alone(text: str, lang: str) -> list[int]:
    """Sentence start offsets from pysbd alone (char spans), run per line like Audarma."""
    import pysbd

    segmenter = pysbd.Segmenter(language=lang, clean=False, char_span=True)
    starts, offset = [], 0
    for line in text.split("\n"):
        for span in segmenter.segment(line):
            start = offset + span.start
            while start < len(text) and text[start].isspace():
                start += 1
            starts.append(start)
        offset += len(line) + 1
    return starts


@dataclass
class Run:
    """One splitter's predicted boundaries on every document of one language."""

    predicted: list[set[int]]
    sentences: int
    seconds: float


def run(docs: list[Document], splitter: Splitter, lang: str) -> Run:
    """Split every document; line breaks are hard boundaries, so only in-line starts count."""
    predicted, sentences, seconds = [], 0, 0.0
    for doc in docs:
        began = time.perf_counter()
        starts = splitter(doc.text, lang)
        seconds += time.perf_counter() - began
        sentences += len(starts)
        predicted.append({s for s in starts if s > 0 and doc.text[s - 1] != "\n"})
    return Run(predicted, sentences, seconds)


def inline_splits(doc: Document, predicted: set[int]) -> dict[int, int]:
    """Count, per aligned line index, the predicted boundaries strictly inside that line."""
    counts: dict[int, int] = {}
    for i, (start, end) in enumerate(doc.lines):
        n = sum(1 for s in predicted if start < s < end)
        if n:
            counts[i] = n
    return counts


def consensus(docs: dict[str, list[Document]], runs: dict[str, Run]) -> list[set[int]]:
    """Lines that all three translations split into the same number of sentences.

    kk, ru and en are independent translations of one line; when the segmenter finds the same
    number of extra sentences inside that line in all three, the line most likely does hold
    several sentences (translators keep sentence structure; abbreviation mistakes are
    language-specific). Used only for the 'lenient' figure; the strict one ignores it.
    """
    agreed = []
    for k in range(len(docs["en"])):
        per_lang = [inline_splits(docs[lang][k], runs[lang].predicted[k]) for lang in LANGUAGES]
        agreed.append({i for i, n in per_lang[0].items() if all(c.get(i) == n for c in per_lang)})
    return agreed


def score(docs: list[Document], result: Run, agreed: list[set[int]] | None, keep: int) -> Score:
    """Score predictions strictly (agreed=None) or leniently (excusing consensus lines)."""
    out = Score(sentences=result.sentences, seconds=result.seconds)
    for k, (doc, predicted) in enumerate(zip(docs, result.predicted, strict=True)):
        wrong = predicted - doc.gold
        if agreed is not None:
            lines = [doc.lines[i] for i in agreed[k]]
            wrong = {s for s in wrong if not any(a < s < b for a, b in lines)}
        out.tp += len(predicted & doc.gold)
        out.fn += len(doc.gold - predicted)
        out.fp += len(wrong)
        for s in sorted(wrong | (doc.gold - predicted)):
            kind = "extra split" if s in wrong else "missed"
            out.examples.append(
                f"  {kind} in {doc.name}: …{doc.text[max(0, s - 60) : s]}|{doc.text[s : s + 40]}…"
            )
    if keep and len(out.examples) > keep:
        out.examples = random.Random(0).sample(out.examples, keep)
    elif not keep:
        out.examples = []
    return out


def detection(data: Path) -> dict[str, dict[str, tuple[int, int, int, int]]]:
    """Return {corpus: {lang: (correct, unsure, total)}} for FLORES sentences and NTREX articles."""
    results: dict[str, dict[str, tuple[int, int, int, int]]] = {
        "flores-sentences": {},
        "ntrex-articles": {},
    }
    for lang in LANGUAGES:
        texts = [s for story in flores_stories(data)[lang] for s in story]
        articles = ["\n".join(a[lang]) for a in ntrex_articles(data)]
        for corpus, items in (("flores-sentences", texts), ("ntrex-articles", articles)):
            answers = [detect_language(t) for t in items]
            results[corpus][lang] = (
                sum(a.language == lang for a in answers),
                sum(a.language is None for a in answers),
                sum(a.language == lang and a.is_confident for a in answers),
                len(items),
            )
    return results


def main(argv: list[str] | None = None) -> int:
    """Run both evaluations and print a report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--errors", type=int, default=0, help="show N boundary errors per run")
    args = parser.parse_args(argv)

    docs = {lang: documents(args.data_dir, lang) for lang in LANGUAGES}
    splitters = {"audarma": audarma, "pysbd": pysbd_alone}
    runs = {
        name: {lang: run(docs[lang], f, lang) for lang in LANGUAGES}
        for name, f in splitters.items()
    }
    agreed = {name: consensus(docs, runs[name]) for name in splitters}
    print("## Sentence boundaries (gold = joins of aligned lines; line breaks not scored)")
    print("strict: every split inside an aligned line is a false positive")
    print("lenient: splits inside lines that kk, ru and en all split alike are not counted")
    header = f"{'corpus':6} {'lang':4} {'segmenter':9} {'gold':>5}"
    print(
        f"{header} {'P':>7} {'R':>7} {'F1':>7} {'FP':>4} {'FN':>4} {'lenP':>7} {'lenF1':>7} "
        f"{'sent/s':>7}"
    )
    for corpus in ("all", "ntrex", "flores"):
        for lang in LANGUAGES:
            chosen = [
                k
                for k, d in enumerate(docs[lang])
                if corpus == "all" or d.name.startswith("flores") == (corpus == "flores")
            ]
            subset = [docs[lang][k] for k in chosen]
            gold = sum(len(d.gold) for d in subset)
            for name in splitters:
                r = runs[name][lang]
                part = Run([r.predicted[k] for k in chosen], r.sentences, r.seconds)
                keep = args.errors if corpus == "all" and name == "audarma" else 0
                strict = score(subset, part, None, keep)
                lenient = score(subset, part, [agreed[name][k] for k in chosen], 0)
                p, rec, f1 = strict.prf()
                lp, _, lf1 = lenient.prf()
                rate = r.sentences / r.seconds if r.seconds else 0.0
                print(
                    f"{corpus:6} {lang:4} {name:9} {gold:5d} {p:7.4f} {rec:7.4f} {f1:7.4f} "
                    f"{strict.fp:4d} {strict.fn:4d} {lp:7.4f} {lf1:7.4f} {rate:7.0f}"
                )
                for line in strict.examples:
                    print(line)

    print("\n## Language detection (None = unsure, counted as wrong)")
    print(
        f"{'corpus':17} {'lang':4} {'accuracy':>8} {'unsure':>6} {'confident+right':>15} {'n':>5}"
    )
    for corpus, by_lang in detection(args.data_dir).items():
        for lang, (correct, unsure, sure, total) in by_lang.items():
            print(
                f"{corpus:17} {lang:4} {correct / total:8.4f} {unsure:6d} {sure / total:15.4f} "
                f"{total:5d}"
            )
    latin = args.data_dir / "kazinform-kk-latn" / "articles_kk_latn.jsonl"
    if latin.exists():
        with open(latin, encoding="utf-8") as f:
            found = [detect_language(json.loads(line)["text"]) for line in f]
        print(f"kazinform-kk-latn: {[(d.language, round(d.confidence, 3)) for d in found]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
