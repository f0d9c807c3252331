"""The checks take any text a translator can type: no exception, bounded time."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from translations.checks import run_checks

PIECES = st.sampled_from(["1", "0", "9" * 5000, "14.30", "14:30", "2:30 p.m.", "30.01.2025",
                          "1,5 млн", " ", ",", ".", "-", "/", ":", "«", "»", '"', "жыл",
                          "қаңтар", "January", "miles", "градус", "XIX", "NASA-ның", "[KK] ",
                          "the", "және", "Қазақстан", "тысяч", "m", "bn", "%"])


@settings(max_examples=200, deadline=None)
@given(st.lists(PIECES, max_size=40), st.lists(PIECES, max_size=40),
       st.sampled_from(["kk", "ru", "en"]), st.sampled_from(["kk", "ru", "en"]))
def test_checks_never_raise_on_odd_text(source, target, source_language, target_language):
    found = run_checks("".join(source), "".join(target), target_language,
                       source_language=source_language)
    assert all(c.severity in ("warning", "blocking") for c in found)


def test_checks_stay_fast_on_a_long_repetitive_segment():
    text = " ".join(["1,5 млн the 14.30 қаңтар"] * 400)
    started = time.perf_counter()
    run_checks(text, text + " 7", "kk", source_language="en")
    assert time.perf_counter() - started < 10
