"""Segmenter speed on long one-line paragraphs (pysbd alone is worse than linear in length).

Usage: python bench/segmentation_speed.py [--sentences 10 70 100] [--flores DATA_DIR]

By default the paragraph is built from Russian news sentences written for this benchmark,
repeated in order until it holds the asked number of sentences; with --flores it is the first
N Russian sentences of FLORES+ (DATA_DIR/flores-kk-ru-en). Figures are sentences per second of
this process's CPU time (the best of five runs), so other load on the machine does not count.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from translations.segmentation import split_sentences  # noqa: E402

SENTENCES = [
    "Правительство утвердило новую программу развития сельских дорог.",
    "На её реализацию в 2025 г. выделят 40 млрд тенге.",
    "По словам министра, ремонт охватит более 3 тыс. км дорог.",
    "- Работы начнутся весной и завершатся до конца года, - сказал он.",
    "Подрядчиков выберут на открытом конкурсе, т. е. без исключений.",
    "Особое внимание уделят мостам, переправам, водоотводам и т. п.",
    "В прошлом году отремонтировали 1,2 тыс. км, что на 15 % больше плана.",
    "Жители Алматинской обл. жалуются на ямы и отсутствие освещения.",
    "«Мы ездим в райцентр по бездорожью», — рассказала жительница села.",
    "Аким района пообещал решить вопрос до осени.",
    "Экономисты считают, что вложения окупятся за счёт торговли.",
    "Проф. А. С. Ермеков назвал программу своевременной.",
    "Он напомнил, что первые дороги здесь проложили ещё в XIX в.",
    "Тогда они связывали города Великого шёлкового пути.",
    "Сегодня по ним перевозят зерно, скот, уголь и т. д.",
    "Грузооборот вырос почти вдвое за пять лет.",
    "Почему же ремонт откладывали так долго?",
    "Ответа на этот вопрос в ведомстве не дали.",
    "Общественники намерены следить за качеством работ.",
    "Итоги подведут в декабре на расширенном заседании.",
]


def paragraph(n: int, flores: Path | None) -> str:
    """One line of n sentences: the benchmark's own, or FLORES+ Russian ones."""
    if flores is None:
        return " ".join(SENTENCES[i % len(SENTENCES)] for i in range(n))
    path = flores / "flores-kk-ru-en" / "aligned_kk_ru_en.tsv"
    with open(path, encoding="utf-8") as f:
        rows = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        return " ".join(row["ru"] for _, row in zip(range(n), rows, strict=False))


def main(argv: list[str] | None = None) -> int:
    """Print sentences per CPU second for each paragraph length."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, nargs="+", default=[10, 70, 100])
    parser.add_argument("--flores", type=Path, help="data directory holding flores-kk-ru-en/")
    args = parser.parse_args(argv)
    print(f"{'sentences':>9} {'chars':>6} {'found':>5} {'sent/s (CPU)':>12}")
    for n in args.sentences:
        text = paragraph(n, args.flores)
        split_sentences(text, "ru")  # warm up: pysbd and regex compilation
        best = 0.0
        for _ in range(5):
            began = time.process_time()
            found = len(split_sentences(text, "ru"))
            best = max(best, found / max(time.process_time() - began, 1e-9))
        print(f"{n:9d} {len(text):6d} {found:5d} {best:12.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
