"""Round-trip Kazakh Latin text through Cyrillic and report the character error rate.

Usage: python bench/transliteration_roundtrip.py DATA_DIR [--alphabet 2018] [--show N]

DATA_DIR holds kazinform-kk-latn/articles_kk_latn.jsonl (Kazinform's Latin site, 2018 acute
alphabet). Every article text is written in Cyrillic with translations.transliteration and back
in the same Latin alphabet; CER = character edit distance / characters of the original. The words
that changed are counted, so the letters the Latin alphabets merge (и/й, х/һ, ц) show up. When
DATA_DIR also holds flores-kk-ru-en/, every FLORES+ Kazakh sentence goes the other way round
(Cyrillic -> each Latin alphabet -> Cyrillic).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from translations.transliteration import to_cyrillic, to_latin  # noqa: E402


def distance(a: str, b: str) -> int:
    """Levenshtein distance between two strings."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def main(argv: list[str] | None = None) -> int:
    """Print CER per article and overall, and the words most often changed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--alphabet", default="2018")
    parser.add_argument("--show", type=int, default=15, help="most frequent changed words")
    args = parser.parse_args(argv)
    path = args.data_dir / "kazinform-kk-latn" / "articles_kk_latn.jsonl"
    errors = chars = 0
    changed: Counter[tuple[str, str]] = Counter()
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            text = json.loads(line)["text"]
            cyrillic = to_cyrillic(text, args.alphabet)
            back = to_latin(cyrillic, args.alphabet)
            e = sum(distance(a, b) for a, b in zip(text.split("\n"), back.split("\n"), strict=True))
            errors, chars = errors + e, chars + len(text)
            print(f"article {n}: {len(text)} chars, {e} edits, CER {e / len(text):.4f}")
            for a, b in zip(text.split(), back.split(), strict=False):
                if a != b:
                    changed[(a, b)] += 1
    print(f"all: {chars} chars, {errors} edits, CER {errors / chars:.4f}")
    for (a, b), count in changed.most_common(args.show):
        print(f"  {count} x {a} -> {b}")
    flores = args.data_dir / "flores-kk-ru-en" / "aligned_kk_ru_en.tsv"
    if flores.exists():
        with open(flores, encoding="utf-8") as f:
            kazakh = [
                row["kk"] for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            ]
        for alphabet in ("2021", "2018", "2017"):
            edits = sum(distance(t, to_cyrillic(to_latin(t, alphabet), alphabet)) for t in kazakh)
            total = sum(len(t) for t in kazakh)
            print(
                f"FLORES+ kk Cyrillic -> {alphabet} -> Cyrillic: {len(kazakh)} sentences, "
                f"{total} chars, {edits} edits, CER {edits / total:.4f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
