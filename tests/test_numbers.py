"""Scores and percentages read the same on every screen (quiz.numbers)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from quiz.numbers import format_percent, format_points, format_score, format_score_percent


def test_partial_credit_reads_as_a_fraction_not_a_float() -> None:
    # What the store keeps for two of three gaps right, and what the header showed before.
    assert format_points(0.666667) == "⅔"
    assert format_points(4.66667) == "4⅔"
    assert format_score(2 + 2 / 3, 3) == "2⅔/3"
    assert format_points(2.5) == "2½"
    assert format_points(0.25) == "¼"


def test_whole_and_other_scores() -> None:
    assert format_points(3.0) == "3"
    assert format_points(0.0) == "0"
    assert format_points(8.8) == "8.8"
    assert format_points(2.9999999) == "3"
    assert format_points(1 / 3, ascii_only=True) == "1/3"
    assert format_points(2 + 1 / 3, ascii_only=True) == "2 1/3"


def test_percentages_never_overstate_or_erase() -> None:
    assert format_percent(None) == "–"
    assert format_percent(2 / 3) == "67%"
    assert format_percent(1.0) == "100%"
    assert format_percent(0.996) == "99%"
    assert format_percent(0.003) == "1%"
    assert format_percent(0.0) == "0%"


def test_score_with_percent_and_nothing_answered() -> None:
    assert format_score_percent(8.8, 17) == "8.8/17 · 52%"
    assert format_score_percent(0, 0) == "–"


@given(st.floats(min_value=0, max_value=500, allow_nan=False))
def test_points_are_short_and_close_to_the_value(points: float) -> None:
    text = format_points(points)
    assert len(text) <= 6
    glyphs = {"½": 0.5, "⅓": 1 / 3, "⅔": 2 / 3, "¼": 0.25, "¾": 0.75}
    tail = text[-1]
    value = (float(text[:-1] or 0) + glyphs[tail]) if tail in glyphs else float(text)
    assert abs(value - points) <= 0.05 + 1e-9
