"""Language detection on Latin-script Kazakh and on Latin text with diacritics.

Usage: python bench/langid_eval.py [DATA_DIR]

Always: the sentences in bench/langid_gold/ (written for Audarma): 40 Kazakh sentences written in
Cyrillic and, through translations.transliteration, in the 2021, 2018 and 2017 Latin alphabets;
40 English (with Spanish, Czech, Turkish, Nordic names), Spanish, Czech, Turkish, Azerbaijani,
Uzbek, German, French and Polish sentences that must never be detected as Kazakh.
With DATA_DIR: every FLORES+ Kazakh sentence (flores-kk-ru-en) in both Latin alphabets, every
FLORES+ English sentence with a non-ASCII letter, FLORES+ ru/kk/en as they are, and the
Kazinform Latin articles (kazinform-kk-latn, 2018 alphabet) whole and line by line (lines of 20
letters or more).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from translations.langid import detect_language  # noqa: E402
from translations.transliteration import to_latin  # noqa: E402

GOLD = Path(__file__).resolve().parent / "langid_gold"


def report(name: str, texts: Iterable[str], expected: str | None, tag: str | None = None) -> None:
    """Print how often texts are detected as expected (or, with expected None, as Kazakh)."""
    found = [detect_language(t) for t in texts]
    n = len(found)
    if expected is None:
        kazakh = sum(d.language == "kk" for d in found)
        print(f"{name:34} {n:5d}  detected as kk: {kazakh}")
        return
    right = sum(d.language == expected and (tag is None or d.tag == tag) for d in found)
    unsure = sum(d.language is None for d in found)
    confident = sum(d.language == expected and d.is_confident for d in found)
    print(
        f"{name:34} {n:5d}  {expected if tag is None else tag:7} {right / n:.4f}  "
        f"unsure {unsure:4d}  confident {confident / n:.4f}"
    )


def main(argv: list[str] | None = None) -> int:
    """Run every set and print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path, nargs="?")
    args = parser.parse_args(argv)
    kazakh = [line.strip() for line in open(GOLD / "kk.txt", encoding="utf-8") if line.strip()]
    with open(GOLD / "other.tsv", encoding="utf-8") as f:
        other = [row for row in list(csv.reader(f, delimiter="\t"))[1:]]
    print(f"{'set':34} {'n':>5}  result")
    report("own kk Cyrillic", kazakh, "kk")
    for alphabet in ("2021", "2018", "2017"):
        report(f"own kk Latin {alphabet}", (to_latin(t, alphabet) for t in kazakh), "kk", "kk-Latn")
    report("own diacritics (all languages)", (t for _, t in other), None)
    report("own diacritics, English", (t for lang, t in other if lang == "en"), "en")
    if args.data_dir is None:
        return 0
    flores = args.data_dir / "flores-kk-ru-en" / "aligned_kk_ru_en.tsv"
    with open(flores, encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    for alphabet in ("2021", "2018"):
        texts = (to_latin(r["kk"], alphabet) for r in rows)
        report(f"FLORES+ kk in Latin {alphabet}", texts, "kk", "kk-Latn")
    accented = [r["en"] for r in rows if any(ch.isalpha() and not ch.isascii() for ch in r["en"])]
    report("FLORES+ en with diacritics", accented, None)
    report("FLORES+ en with diacritics", accented, "en")
    for lang in ("kk", "ru", "en"):
        report(f"FLORES+ {lang}", (r[lang] for r in rows), lang)
    path = args.data_dir / "kazinform-kk-latn" / "articles_kk_latn.jsonl"
    with open(path, encoding="utf-8") as f:
        articles = [json.loads(line)["text"] for line in f]
    report("Kazinform Latin articles", articles, "kk", "kk-Latn")
    lines = [
        line for a in articles for line in a.split("\n") if sum(c.isalpha() for c in line) >= 20
    ]
    report("Kazinform Latin lines", lines, "kk", "kk-Latn")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
