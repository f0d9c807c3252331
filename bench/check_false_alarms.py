"""False-alarm rate of every post-translation check on human kk/ru/en translations.

Usage: python bench/check_false_alarms.py DATA_DIR [--show CODE] [--pair SRC-TGT]

DATA_DIR holds ``ntrex128-kk-ru-en/`` (newstest2019-src.eng.txt, -ref.kaz.txt, -ref.rus.txt) and
``flores-kk-ru-en/`` (aligned_kk_ru_en.tsv). Every sentence is checked as a target against each
of its other-language versions as the source: all six directions. The translations are
professional and correct, so every flag is a false alarm. Prints one Markdown table: the share
of segments flagged per check and direction, and the goal each check is held to.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from translations.checks import CHECK_KINDS, run_checks  # noqa: E402

LANGUAGES = ("kk", "ru", "en")
PAIRS = [(s, t) for s in LANGUAGES for t in LANGUAGES if s != t]
GOALS = {"warning": 0.02, "blocking": 0.002, "wrong_language": 0.005}
# Raised by the engine on machine output, or needing a newsroom glossary: not measured here.
NOT_MEASURED = {"tag_lost", "term_lost", "placeholder", "glossary"}


def load(data: Path) -> list[dict[str, str]]:
    """Aligned kk/ru/en sentences from NTREX-128 and FLORES+ (dev + devtest)."""
    rows: list[dict[str, str]] = []
    ntrex = data / "ntrex128-kk-ru-en"
    files = {"en": "newstest2019-src.eng.txt", "kk": "newstest2019-ref.kaz.txt",
             "ru": "newstest2019-ref.rus.txt"}
    columns = {lang: (ntrex / name).read_text(encoding="utf-8").splitlines()
               for lang, name in files.items()}
    rows += [dict(zip(LANGUAGES, (columns[lang][i] for lang in LANGUAGES), strict=True))
             for i in range(len(columns["en"]))]
    with (data / "flores-kk-ru-en" / "aligned_kk_ru_en.tsv").open(encoding="utf-8") as fh:
        rows += [{lang: row[lang] for lang in LANGUAGES}
                 for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]
    return [r for r in rows if all(r[lang].strip() for lang in LANGUAGES)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--show", help="print the flagged segments of this check code")
    parser.add_argument("--pair", help="only this direction, e.g. en-kk")
    args = parser.parse_args()
    rows = load(args.data)
    codes = [c for c in CHECK_KINDS if c not in NOT_MEASURED]
    flagged: dict[tuple[str, str], Counter[str]] = {}
    blocking: dict[tuple[str, str], int] = {}
    started = time.perf_counter()
    for source_language, target_language in PAIRS:
        pair = f"{source_language}-{target_language}"
        if args.pair and args.pair != pair:
            continue
        counts: Counter[str] = Counter()
        any_blocking = 0
        for row in rows:
            source, target = row[source_language], row[target_language]
            checks = run_checks(source, target, target_language, source_language=source_language)
            for code in {c.code for c in checks}:
                counts[code] += 1
                if args.show == code:
                    message = next(c.message for c in checks if c.code == code)
                    print(f"[{pair}] {message}\n  S: {source}\n  T: {target}\n")
            any_blocking += any(c.severity == "blocking" for c in checks)
        flagged[(source_language, target_language)] = counts
        blocking[(source_language, target_language)] = any_blocking
    elapsed = time.perf_counter() - started
    pairs = list(flagged)
    total = len(rows)
    print(f"{total} aligned sentences (NTREX-128 {1997}, FLORES+ dev+devtest) × {len(pairs)} "
          f"directions, {elapsed:.0f} s\n")
    print("| check | severity | goal | " + " | ".join(f"{s}→{t}" for s, t in pairs) + " | worst |")
    print("|---|---|---|" + "---|" * len(pairs) + "---|")
    for code in codes:
        severity = CHECK_KINDS[code].severity
        goal = GOALS.get(code, GOALS[severity])
        shares = [flagged[p][code] / total for p in pairs]
        worst = max(shares) if shares else 0.0
        mark = "" if worst <= goal else " ✗"
        cells = " | ".join(f"{share:.2%}" for share in shares)
        print(f"| `{code}` | {severity} | ≤ {goal:.1%} | {cells} | {worst:.2%}{mark} |")
    cells = " | ".join(f"{blocking[p] / total:.2%}" for p in pairs)
    print(f"| any blocking | — | — | {cells} | |")


if __name__ == "__main__":
    main()
