"""Numbers as people read them: scores, points and percentages, formatted in one place.

Used by the study header, Results, Stats, `quiz stats` and the class dashboard, so that
the same score never reads two ways on two screens. Pure: no Textual, no I/O.
"""

from __future__ import annotations

import math

#: Fractions a reader recognises at a glance, by their value; others show one decimal.
FRACTIONS: dict[tuple[int, int], str] = {
    (1, 2): "½",
    (1, 3): "⅓",
    (2, 3): "⅔",
    (1, 4): "¼",
    (3, 4): "¾",
}

#: How close a value must be to a whole number or a fraction to be shown as one (the
#: store keeps partial credit as floats such as 0.666667).
TOLERANCE = 0.005

#: Shown where there is no number yet (nothing answered).
DASH = "–"


def format_points(points: float, *, ascii_only: bool = False) -> str:
    """Points as a person writes them: `3`, `2⅔`, `½`, `8.8` (`2 2/3` with `ascii_only`).

    Whole numbers without decimals; halves, thirds and quarters as fractions; anything
    else to one decimal.
    """
    if math.isnan(points):
        return DASH
    sign = "-" if points < 0 else ""
    value = abs(points)
    whole = math.floor(value + TOLERANCE)
    rest = value - whole
    if abs(rest) < TOLERANCE:
        return f"{sign}{whole}"
    for (num, den), glyph in FRACTIONS.items():
        if abs(rest - num / den) < TOLERANCE:
            if ascii_only:
                return f"{sign}{whole} {num}/{den}" if whole else f"{sign}{num}/{den}"
            return f"{sign}{whole or ''}{glyph}"
    return f"{sign}{value:.1f}"


def format_percent(fraction: float | None) -> str:
    """A 0..1 fraction as a whole percentage (`67%`), or a dash when there is none.

    Never rounds up to 100% or down to 0%: a score short of full marks does not read as
    full marks, and some credit does not read as none.
    """
    if fraction is None or math.isnan(fraction):
        return DASH
    percent = round(100 * fraction)
    if percent == 100 and fraction < 1:
        return "99%"
    if percent == 0 and fraction > 0:
        return "1%"
    return f"{percent}%"


#: Units for intervals, largest first: (seconds, singular, plural).
_UNITS = (
    (365 * 86400, "year", "years"),
    (30 * 86400, "month", "months"),
    (7 * 86400, "week", "weeks"),
    (86400, "day", "days"),
    (3600, "hour", "hours"),
    (60, "minute", "minutes"),
)


def format_interval(seconds: float) -> str:
    """A wait as a person says it, in its largest whole unit: `1 minute`, `10 minutes`,
    `3 days`, `2 months` (under a minute: `1 minute`; an FSRS step is never shorter)."""
    seconds = max(seconds, 60.0)
    for size, one, many in _UNITS:
        if seconds >= size:
            n = round(seconds / size)
            return f"{n} {one if n == 1 else many}"
    return "1 minute"


def format_score(points: float, out_of: int, *, ascii_only: bool = False) -> str:
    """A score out of a number of questions: `2⅔/3`; a dash before the first answer."""
    if out_of <= 0:
        return DASH
    return f"{format_points(points, ascii_only=ascii_only)}/{out_of}"


def format_score_percent(points: float, out_of: int, *, ascii_only: bool = False) -> str:
    """`2⅔/3 · 89%`: the score and its percentage, as the study header and Results show it."""
    if out_of <= 0:
        return DASH
    score = format_score(points, out_of, ascii_only=ascii_only)
    return f"{score} · {format_percent(points / out_of)}"
