"""Problems found by walking the app as a learner, each pinned by a test."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Input
from textual.widgets._footer import FooterKey

from quiz.ui.app import QuizApp, StartRequest
from quiz.ui.screens.help import HelpScreen
from quiz.ui.screens.stats import heatmap_text
from tests.ui.helpers import answer_keys, ready, study_screen


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


#: The longest shipped bank title: it was cut at 40 characters even at 100 columns.
LONG_TITLE = "Autoimmune disease and the limits of current treatment"


def _add_long_bank(bank_dir: Path) -> None:
    (bank_dir / "long.toml").write_text(
        f'schema = 1\nid = "long"\ntitle = "{LONG_TITLE}"\n\n'
        '[[questions]]\nid = "q"\ntype = "true_false"\nprompt = "Yes?"\nanswer = true\n'
        'explanation = "Yes."\n',
        encoding="utf-8",
    )


def _title_cell(app: QuizApp, key: str) -> str:
    table = app.screen.query_one("#banks", DataTable)
    return str(table.get_cell(key, "title"))


async def test_home_shows_whole_titles_when_there_is_room(
    make_app: Callable[..., QuizApp], bank_dir: Path
) -> None:
    _add_long_bank(bank_dir)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert _title_cell(app, "long") == LONG_TITLE
        table = app.screen.query_one("#banks", DataTable)
        assert table.virtual_size.width <= table.size.width  # no sideways scrolling
        # Narrower: clipped with an ellipsis, and still no sideways scrolling.
        await pilot.resize_terminal(80, 30)
        await pilot.pause()
        clipped = _title_cell(app, "long")
        assert clipped.endswith("…") and LONG_TITLE.startswith(clipped[:-1])
        assert table.virtual_size.width <= table.size.width
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert _title_cell(app, "long") == LONG_TITLE


async def test_home_end_and_page_keys_move_the_bank_cursor(
    make_app: Callable[..., QuizApp], bank_dir: Path
) -> None:
    _add_long_bank(bank_dir)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        table = app.screen.query_one("#banks", DataTable)
        last = table.row_count - 1
        assert last >= 2 and table.cursor_row == 0
        for key, row in [("end", last), ("home", 0), ("pagedown", last), ("pageup", 0)]:
            await pilot.press(key)
            await pilot.pause()
            assert table.cursor_row == row, key


def _footer(app: QuizApp) -> dict[str, str]:
    """What the footer shows: description -> the key shown for it."""
    return {
        k.description: k.key_display
        for k in app.screen.query(FooterKey)
        if k.description and not k.has_class("-disabled")
    }


async def _to_a_typed_question(app: QuizApp, pilot: Pilot[None]) -> str:
    """Answer questions until a text-input one is asked, after at least one answer."""
    screen = study_screen(app)
    while True:
        item = screen.session.current
        assert item is not None
        if screen.session.records and item.question.id in ("sa", "num", "cloze"):
            await pilot.pause()
            return item.question.id
        await pilot.press(*answer_keys(app, right=True))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()


async def test_footer_shows_keys_that_work_while_typing(
    make_app: Callable[..., QuizApp],
) -> None:
    app = make_app(start=StartRequest(kind="study", bank_id="every-type", seed=4))
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press(*answer_keys(app, right=True))
        await pilot.pause()
        shown = _footer(app)
        assert shown["Undo"] == "u" and shown["Help"] == "?"
        await pilot.press("enter")
        await pilot.pause()
        await _to_a_typed_question(app, pilot)
        assert isinstance(app.focused, Input)
        shown = _footer(app)
        # u and ? are letters here: the footer must show the keys that act.
        assert shown["Undo"] == "^z" and shown["Help"] == "F1", shown
        before = len(study_screen(app).session.records)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        await pilot.pause()
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert len(study_screen(app).session.records) == before - 1


async def test_home_is_the_first_screen_not_pushed_over_a_blank_one(
    make_app: Callable[..., QuizApp],
) -> None:
    # A blank default screen composed, painted and covered by Home cost startup time.
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert [type(s).__name__ for s in app.screen_stack] == ["HomeScreen"]
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert [type(s).__name__ for s in app.screen_stack] == ["HomeScreen"]
        assert app.screen.query_one("#banks", DataTable).row_count >= 2
