"""Problems found by walking the app as a learner, each pinned by a test."""

from __future__ import annotations

from datetime import date, timedelta

from quiz.ui.screens.stats import heatmap_text


def _days(last: date, n: int, reviews: int = 1) -> list[dict[str, object]]:
    return [
        {"date": (last - timedelta(days=n - 1 - i)).isoformat(), "reviews": reviews}
        for i in range(n)
    ]


def test_heatmap_rows_start_in_the_same_column() -> None:
    # 2026-03-04 is a Wednesday: the 26-week window then starts on a Thursday, and rows
    # Mon..Wed used to begin with a blank cell.
    for last in (date(2026, 3, 4), date(2026, 3, 8), date(2026, 3, 9)):
        rows = heatmap_text(_days(last, 365)).plain.splitlines()[:7]
        assert [r[:4] for r in rows] == ["Mon ", "    ", "Wed ", "    ", "Fri ", "    ", "Sun "]
        assert all(r[4] != " " for r in rows), rows
        # Every row has a cell for each week but the current one's days not yet come.
        widths = [len(r.rstrip()) for r in rows]
        assert max(widths) - min(widths) <= 2


def test_heatmap_keeps_the_newest_day() -> None:
    days = _days(date(2026, 3, 4), 365, reviews=0)
    days[-1]["reviews"] = 5
    rows = heatmap_text(days).plain.splitlines()
    wed = rows[2]
    assert wed.rstrip().endswith("█") and "max 5 reviews" in rows[-1]
