"""Evaluate sentence segmentation and language detection on NTREX-128 and FLORES+ (kk, ru, en).

Usage: python bench/segmentation_eval.py DATA_DIR [--errors N] [--gold DIR]

DATA_DIR holds ntrex128-kk-ru-en/ and flores-kk-ru-en/. Every figure below is computed the same
way for Audarma's segmenter and for pysbd alone (run per line, like Audarma).

Rebuilt documents. NTREX: each of the 123 articles is its headline on one line, then the body.
FLORES+: consecutive rows with the same URL form a story. Two rebuilds:
- paragraph: every body line joined to the next by one space (no paragraph breaks at all);
- blocks: the same, except that an NTREX body line whose English (source) text has no final
  punctuation (a sub-heading, bullet or caption) stays on a line of its own, as it does in the
  product, where ingest makes headings and bullets separate blocks. FLORES is not changed.
Line breaks are hard boundaries in Audarma; boundaries at line breaks are never scored.

Metrics (a boundary is the start offset of every sentence but the first of a line):
- strict (paragraph): gold = the joins of aligned lines; every split inside a line is a false
  positive, even where that line really holds two sentences.
- lenient (paragraph): as strict, but a split inside a line is not counted when kk, ru and en
  all split that line into the same number of pieces.
- adjudicated (paragraph and blocks; the headline figure is blocks): gold = the joins of
  aligned lines plus the in-line positions labelled "real boundary" in GOLD/<lang>.tsv
  (line id, offset in the line, label). Those files hold every in-line position after
  . ! ? or … (+ closing quotes) and a space, plus every in-line split made by Audarma or pysbd
  when they were written, each labelled by hand. A split at a position with no label counts
  as a false positive and is reported in the 'unlab' column (label it, do not ignore it).
- single (paragraph): strict scoring restricted to documents whose English (source) lines hold
  no labelled in-line boundary, i.e. one sentence per aligned line in the original language.

Language detection: accuracy on every single FLORES+ sentence and on every whole NTREX article
(headline + body). An answer of None ("unsure") counts as wrong; the script also reports how
often it happened.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from translations.langid import detect_language  # noqa: E402
from translations.segmentation import split_sentences  # noqa: E402

LANGUAGES = ("kk", "ru", "en")
GOLD_DIR = Path(__file__).resolve().parent / "segmentation_gold"
Splitter = Callable[[str, str], list[int]]
_FINAL = re.compile(r"[.!?…:;][\"”»’')\]]*$|[\"”»]$")


@dataclass
class Document:
    """One rebuilt text with the offsets where gold sentences start at scored joins."""

    name: str
    text: str
    gold: set[int]
    lines: list[tuple[int, int]]  # spans of the aligned lines inside text
    line_ids: list[str]


@dataclass
class Score:
    """Boundary counts for one segmenter on one language."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    unlabeled: int = 0

    def prf(self) -> tuple[float, float, float]:
        """Return precision, recall and F1."""
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def build(name: str, ids: list[str], lines: list[str], breaks: set[int]) -> Document:
    """Join lines (a line break before each index in breaks, else a space); note joins."""
    text, gold, spans = "", set(), []
    for i, line in enumerate(lines):
        if i:
            text += "\n" if i in breaks else " "
            if i not in breaks:
                gold.add(len(text))
        spans.append((len(text), len(text) + len(line)))
        text += line
    return Document(name, text, gold, spans, ids)


def ntrex_articles(data: Path) -> Iterator[dict]:
    """Yield NTREX-128 article records."""
    with open(data / "ntrex128-kk-ru-en" / "articles_kk_ru_en.jsonl", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def flores_stories(data: Path) -> dict[str, list[list[tuple[str, str]]]]:
    """Group consecutive FLORES+ rows of the same URL into stories of (row id, text)."""
    stories: dict[str, list[list[tuple[str, str]]]] = {lang: [] for lang in LANGUAGES}
    previous = None
    with open(data / "flores-kk-ru-en" / "aligned_kk_ru_en.tsv", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            new = row["url"] != previous
            previous = row["url"]
            for lang in LANGUAGES:
                if new:
                    stories[lang].append([])
                stories[lang][-1].append((f"flores:{row['id']}", row[lang]))
    return stories


def documents(data: Path, lang: str, blocks: bool) -> list[Document]:
    """All evaluation documents for one language, in the paragraph or the blocks rebuild."""
    docs = []
    for a in ntrex_articles(data):
        breaks = {1}
        if blocks:
            for i, source in enumerate(a["en"][1:], 1):
                if not _FINAL.search(source.strip()):
                    breaks |= {i, i + 1}
        ids = [f"{a['doc_id']}:{i}" for i in range(len(a[lang]))]
        docs.append(build(a["doc_id"], ids, a[lang], breaks))
    for i, story in enumerate(flores_stories(data)[lang]):
        docs.append(build(f"flores-{i}", [k for k, _ in story], [t for _, t in story], set()))
    return docs


def load_labels(gold_dir: Path, lang: str) -> dict[tuple[str, int], bool]:
    """Read hand labels: (line id, offset in line) -> True for a real boundary."""
    labels: dict[tuple[str, int], bool] = {}
    path = gold_dir / f"{lang}.tsv"
    if path.exists():
        with open(path, encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                labels[(row["line_id"], int(row["offset"]))] = row["label"] == "real boundary"
    return labels


def judged(doc: Document, labels: dict[tuple[str, int], bool]) -> dict[int, bool]:
    """Map the labels of a document's lines onto offsets of its text."""
    out = {}
    for lid, (start, end) in zip(doc.line_ids, doc.lines, strict=True):
        for off in range(1, end - start):
            if (lid, off) in labels:
                out[start + off] = labels[(lid, off)]
    return out


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
    """Lines that all three translations split into the same number of sentences (lenient)."""
    agreed = []
    for k in range(len(docs["en"])):
        per_lang = [inline_splits(docs[lang][k], runs[lang].predicted[k]) for lang in LANGUAGES]
        agreed.append({i for i, n in per_lang[0].items() if all(c.get(i) == n for c in per_lang)})
    return agreed


def score_strict(doc: Document, predicted: set[int], excused: set[int], out: Score) -> None:
    """Strict (excused empty) or lenient scoring of one document into out."""
    lines = [doc.lines[i] for i in excused]
    wrong = {s for s in predicted - doc.gold if not any(a < s < b for a, b in lines)}
    out.tp += len(predicted & doc.gold)
    out.fn += len(doc.gold - predicted)
    out.fp += len(wrong)


def score_adjudicated(doc: Document, predicted: set[int], labels: dict[int, bool]) -> Score:
    """Score one document against joins plus hand-labelled in-line boundaries."""
    gold = doc.gold | {s for s, real in labels.items() if real}
    wrong = predicted - gold
    return Score(
        tp=len(predicted & gold),
        fp=len(wrong),
        fn=len(gold - predicted),
        unlabeled=len({s for s in wrong if s not in labels}),
    )


def adjudicated_errors(doc: Document, predicted: set[int], labels: dict[int, bool]) -> list[str]:
    """Describe every adjudicated error of one document (for --errors)."""
    gold = doc.gold | {s for s, real in labels.items() if real}
    out = []
    for s in sorted((predicted - gold) | (gold - predicted)):
        line = next(i for i, (a, b) in enumerate(doc.lines) if a <= s <= b)
        where = f"{doc.line_ids[line]}@{s - doc.lines[line][0]}"
        if s in predicted:
            kind = "false split" if s in labels else "UNLABELED split"
        else:
            kind = "missed" if s in doc.gold else "missed in-line"
        out.append(f"  {kind} {where}: …{doc.text[max(0, s - 60) : s]}|{doc.text[s : s + 40]}…")
    return out


def evaluate(data: Path, gold_dir: Path, errors: int) -> None:
    """Run both segmenters on both rebuilds and print every metric."""
    splitters = {"audarma": audarma, "pysbd": pysbd_alone}
    modes = ("paragraph", "blocks")
    docs = {m: {lang: documents(data, lang, m == "blocks") for lang in LANGUAGES} for m in modes}
    labels = {lang: load_labels(gold_dir, lang) for lang in LANGUAGES}
    judged_at = {
        m: {lang: [judged(d, labels[lang]) for d in docs[m][lang]] for lang in LANGUAGES}
        for m in modes
    }
    runs = {
        (m, name): {lang: run(docs[m][lang], f, lang) for lang in LANGUAGES}
        for m in modes
        for name, f in splitters.items()
    }
    agreed = {name: consensus(docs["paragraph"], runs[("paragraph", name)]) for name in splitters}
    single = {
        k for k, j in enumerate(judged_at["paragraph"]["en"]) if not any(j.values())
    }  # documents whose English lines hold no labelled in-line boundary
    print("## Sentence boundaries (line breaks never scored; see the docstring for every metric)")
    print(f"gold labels: {gold_dir} ({', '.join(f'{k} {len(v)}' for k, v in labels.items())})")
    print(f"single-sentence-source documents: {len(single)} of {len(docs['paragraph']['en'])}")
    print(
        f"{'corpus':6} {'lang':4} {'segmenter':9} | {'strict P':>8} {'R':>6} {'F1':>6} "
        f"{'lenF1':>6} | {'adjP':>6} {'R':>6} {'F1':>6} | {'blockP':>6} {'R':>6} {'F1':>6} "
        f"{'FP':>4} {'FN':>4} {'unlab':>5} | {'singF1':>6} {'sent/s':>7}"
    )
    for corpus in ("all", "ntrex", "flores"):
        for lang in LANGUAGES:
            chosen = [
                k
                for k, d in enumerate(docs["paragraph"][lang])
                if corpus == "all" or d.name.startswith("flores") == (corpus == "flores")
            ]
            for name in splitters:
                par, blk = runs[("paragraph", name)][lang], runs[("blocks", name)][lang]
                strict, lenient, one = Score(), Score(), Score()
                adj, block = Score(), Score()
                for k in chosen:
                    doc = docs["paragraph"][lang][k]
                    score_strict(doc, par.predicted[k], set(), strict)
                    score_strict(doc, par.predicted[k], agreed[name][k], lenient)
                    if k in single:
                        score_strict(doc, par.predicted[k], set(), one)
                    for total, m, r in ((adj, "paragraph", par), (block, "blocks", blk)):
                        s = score_adjudicated(
                            docs[m][lang][k], r.predicted[k], judged_at[m][lang][k]
                        )
                        total.tp, total.fp = total.tp + s.tp, total.fp + s.fp
                        total.fn, total.unlabeled = total.fn + s.fn, total.unlabeled + s.unlabeled
                sp, sr, sf = strict.prf()
                ap, ar, af = adj.prf()
                bp, br, bf = block.prf()
                rate = par.sentences / par.seconds if par.seconds else 0.0
                print(
                    f"{corpus:6} {lang:4} {name:9} | {sp:8.4f} {sr:6.4f} {sf:6.4f} "
                    f"{lenient.prf()[2]:6.4f} | {ap:6.4f} {ar:6.4f} {af:6.4f} | {bp:6.4f} "
                    f"{br:6.4f} {bf:6.4f} {block.fp:4d} {block.fn:4d} {block.unlabeled:5d} | "
                    f"{one.prf()[2]:6.4f} {rate if corpus == 'all' else 0:7.0f}"
                )
    if errors:
        for lang in LANGUAGES:
            print(f"\n### Audarma adjudicated errors, blocks rebuild, {lang} (first {errors})")
            found = []
            for k, doc in enumerate(docs["blocks"][lang]):
                predicted = runs[("blocks", "audarma")][lang].predicted[k]
                found += adjudicated_errors(doc, predicted, judged_at["blocks"][lang][k])
            print("\n".join(found[:errors]))


def class_material(gold_dir: Path) -> list[tuple[str, str, str, set[int]]]:
    """Read GOLD/classes.tsv: (class, language, text, gold sentence starts); ‖ marks a boundary."""
    items = []
    with open(gold_dir / "classes.tsv", encoding="utf-8") as f:
        for row in list(csv.reader(f, delimiter="\t"))[1:]:
            kind, lang, marked = row
            text, gold = "", set()
            for i, piece in enumerate(marked.split("‖")):
                if i:
                    gold.add(len(text))
                text += piece
            items.append((kind, lang, text, gold))
    return items


def evaluate_classes(gold_dir: Path) -> None:
    """Score both segmenters on hand-written sentences, per error class (one line per class)."""
    splitters = {"audarma": audarma, "pysbd": pysbd_alone}
    items = class_material(gold_dir)
    print("## Error classes (bench/segmentation_gold/classes.tsv, text written for Audarma)")
    print(f"{'class':14} {'segmenter':9} {'items':>5} {'exact':>5} {'TP':>4} {'FP':>4} {'FN':>4}")
    for kind in dict.fromkeys(k for k, *_ in items):
        for name, splitter in splitters.items():
            exact, total = 0, Score()
            for _, lang, text, gold in (item for item in items if item[0] == kind):
                predicted = {s for s in splitter(text, lang) if s > 0}
                exact += predicted == gold
                total.tp += len(predicted & gold)
                total.fp += len(predicted - gold)
                total.fn += len(gold - predicted)
            n = sum(1 for item in items if item[0] == kind)
            print(f"{kind:14} {name:9} {n:5d} {exact:5d} {total.tp:4d} {total.fp:4d} {total.fn:4d}")
    print()


def independent_documents(data: Path) -> dict[str, list[Document]]:
    """Kazakh originals with one sentence per line (WMT19 kk-en, KazNERD), in 10-line paragraphs.

    A join after a line without final punctuation (a headline) stays a line break, unscored.
    """
    sources = {
        "wmt19-kk": data / "wmt19-newstest-kk-en" / "kk-en" / "newstest2019.kk",
        "kaznerd-kk": data / "kaznerd-kk-tvnews" / "sample_sentences_detok.txt",
    }
    out: dict[str, list[Document]] = {}
    for name, path in sources.items():
        if not path.exists():
            continue
        lines = [line.strip().replace("\u00ad", "") for line in path.read_text("utf-8").split("\n")]
        lines = [line for line in lines if line]
        docs = []
        for k in range(0, len(lines), 10):
            chunk = lines[k : k + 10]
            breaks = {i for i in range(1, len(chunk)) if not _FINAL.search(chunk[i - 1])}
            ids = [f"{name}:{k + i}" for i in range(len(chunk))]
            docs.append(build(f"{name}-{k}", ids, chunk, breaks))
        out[name] = docs
    return out


def evaluate_independent(data: Path, gold_dir: Path, errors: int) -> None:
    """Score both segmenters on Kazakh originals the rules were not written from."""
    corpora = independent_documents(data)
    if not corpora:
        return
    labels = load_labels(gold_dir, "kk")
    print("\n## Kazakh originals, one sentence per line, joined in 10-line paragraphs")
    print(f"{'corpus':11} {'segmenter':9} | {'P':>6} {'R':>6} {'F1':>6} {'FP':>4} {'FN':>4}")
    for name, docs in corpora.items():
        for seg_name, splitter in {"audarma": audarma, "pysbd": pysbd_alone}.items():
            result, total, shown = run(docs, splitter, "kk"), Score(), []
            for doc, predicted in zip(docs, result.predicted, strict=True):
                marks = judged(doc, labels)
                s = score_adjudicated(doc, predicted, marks)
                total.tp, total.fp, total.fn = total.tp + s.tp, total.fp + s.fp, total.fn + s.fn
                if seg_name == "audarma":
                    shown += adjudicated_errors(doc, predicted, marks)
            p, r, f = total.prf()
            print(
                f"{name:11} {seg_name:9} | {p:6.4f} {r:6.4f} {f:6.4f} {total.fp:4d} {total.fn:4d}"
            )
            if shown and errors:
                print("\n".join(shown[:errors]))


def detection(data: Path) -> dict[str, dict[str, tuple[int, int, int, int]]]:
    """Return {corpus: {lang: (correct, unsure, total)}} for FLORES sentences and NTREX articles."""
    results: dict[str, dict[str, tuple[int, int, int, int]]] = {
        "flores-sentences": {},
        "ntrex-articles": {},
    }
    for lang in LANGUAGES:
        texts = [t for story in flores_stories(data)[lang] for _, t in story]
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
    parser.add_argument("--errors", type=int, default=0, help="show N errors per language")
    parser.add_argument("--gold", type=Path, default=GOLD_DIR, help="hand-label directory")
    parser.add_argument("--no-langid", action="store_true", help="skip language detection")
    args = parser.parse_args(argv)
    evaluate_classes(args.gold)
    evaluate(args.data_dir, args.gold, args.errors)
    evaluate_independent(args.data_dir, args.gold, args.errors)
    if args.no_langid:
        return 0

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
