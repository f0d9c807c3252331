"""False-alarm rate of every post-translation check on human kk/ru/en translations.

Usage: python bench/check_false_alarms.py DATA_DIR [--show CODE] [--pair SRC-TGT] [--defects]

DATA_DIR holds ``ntrex128-kk-ru-en/`` (newstest2019-src.eng.txt, -ref.kaz.txt, -ref.rus.txt) and
``flores-kk-ru-en/`` (aligned_kk_ru_en.tsv). Every sentence is checked as a target against each
of its other-language versions as the source: all six directions. The translations are
professional and correct, so every flag is a false alarm. Prints one Markdown table: the share
of segments flagged per check and direction, and the goal each check is held to.

With ``--defects`` it then breaks the same human translations on purpose and reports the share
the checks catch: a number dropped or changed, the source pasted with a ``[KK] `` prefix, the
third language's translation pasted instead, the second half left in the source language.
"""

from __future__ import annotations

import argparse
import csv
import re
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


_DIGITS = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")


def defects(source: str, target: str, other: str, target_language: str) -> dict[str, str]:
    """Broken versions of a correct target, each a defect a check exists to catch."""
    broken = {"[KK] + source": f"[{target_language.upper()}] {source}",
              "other language pasted": other}
    if match := _DIGITS.search(target):
        broken["number dropped"] = target[:match.start()] + target[match.end():]
        first = re.match(r"\d+", match.group(0)).group(0)
        changed = str(int(first) + 1) if int(first) < 9 else str(int(first) * 2 + 1)
        broken["number changed"] = target[:match.start()] + changed + target[
            match.start() + len(first):]
    target_words, source_words = target.split(), source.split()
    if len(target_words) >= 8 and len(source_words) >= 8:
        half = len(target_words) // 2
        broken["second half untranslated"] = " ".join(
            target_words[:half] + source_words[len(source_words) // 2:])
    return broken


EXPECTED = {"number dropped": "numbers", "number changed": "numbers",
            "[KK] + source": "wrong_language", "other language pasted": "wrong_language",
            "second half untranslated": "wrong_language"}


def catch_rates(rows: list[dict[str, str]], pairs: list[tuple[str, str]]) -> None:
    """Print the share of broken targets that the expected check flags, per defect and pair."""
    caught: dict[tuple[str, tuple[str, str]], list[int]] = {}
    for source_language, target_language in pairs:
        third = next(lang for lang in LANGUAGES if lang not in (source_language, target_language))
        for row in rows:
            broken = defects(row[source_language], row[target_language], row[third],
                             target_language)
            for name, text in broken.items():
                found = run_checks(row[source_language], text, target_language,
                                   source_language=source_language)
                tally = caught.setdefault((name, (source_language, target_language)), [0, 0])
                tally[0] += any(c.code == EXPECTED[name] for c in found)
                tally[1] += 1
    print("\n| defect (expected check) | " + " | ".join(f"{s}→{t}" for s, t in pairs) + " |")
    print("|---|" + "---|" * len(pairs))
    for name, code in EXPECTED.items():
        cells = []
        for pair in pairs:
            hit, total = caught.get((name, pair), [0, 0])
            cells.append(f"{hit / total:.1%} of {total}" if total else "—")
        print(f"| {name} (`{code}`) | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--show", help="print the flagged segments of this check code")
    parser.add_argument("--pair", help="only this direction, e.g. en-kk")
    parser.add_argument("--defects", action="store_true",
                        help="also report how many deliberately broken targets are caught")
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
    if args.defects:
        catch_rates(rows, pairs)


if __name__ == "__main__":
    main()
