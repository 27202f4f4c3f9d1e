"""Pilot tests of the teacher dashboard against a real server on loopback."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.widgets import DataTable, Static

from quiz.classroom.dashboard import DashboardApp, DistributionBars, bars
from quiz.classroom.models import DistributionRow, Phase, TeacherState
from quiz.classroom.report_view import ReportScreen
from tests.classroom.support import Served, wait_for


def text_of(app: DashboardApp, selector: str) -> str:
    return str(app.query_one(selector, Static).render())


def cells(table: DataTable[object], row: int) -> list[str]:
    return [str(c) for c in table.get_row_at(row)]


def state_of(app: DashboardApp) -> TeacherState:
    """The dashboard's latest state (callers first wait for one to arrive)."""
    assert app.state is not None
    return app.state


def phase_of(served: Served) -> Phase:
    """The server session's phase, read afresh: key presses in the app change it."""
    return served.session.phase


@pytest.mark.parametrize("width", [20, 34, 47, 72, 120])
def test_each_bar_fits_on_one_line(width: int) -> None:
    rows = [
        DistributionRow(label="Heart", count=1, correct=True),
        DistributionRow(
            label="A very long distractor that goes on and on", count=12, correct=False
        ),
        DistributionRow(label="[bold]Lung[/]", count=0, correct=False),
    ]
    lines = bars(rows, reveal=True, width=width).plain.split("\n")
    assert len(lines) == 3
    for line, row in zip(lines, rows, strict=True):
        assert len(line) <= width, line
        assert line.endswith(f" {row.count}"), line  # the count is on the bar's line
    assert lines[0].startswith("✓ Heart") and "█" in lines[0]
    assert "[bold]Lung[/]" in lines[2] or width < 34  # literal; cut only when narrow


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
async def test_dashboard_runs_a_live_question(served: Served, size: tuple[int, int]) -> None:
    app = DashboardApp(api_url=served.url, join_url=served.url, teacher_token=served.teacher)
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: app.state is not None)
        assert " ".join(served.session.code) in text_of(app, "#code")
        assert f"--code {served.session.code}" in text_of(app, "#join")
        tokens = [served.join(n) for n in ("Ada", "[bold]Bo[/]", "Cy")]
        await wait_for(pilot, lambda: len(state_of(app).roster) == 3)
        table = app.query_one("#leaderboard", DataTable)
        names = {str(table.get_row_at(i)[1]) for i in range(table.row_count)}
        assert names == {"Ada", "[bold]Bo[/]", "Cy"}

        await pilot.press("n")
        await wait_for(pilot, lambda: state_of(app).phase == "open")
        assert "Which organ pumps blood?" in text_of(app, "#prompt")
        for token, choice in zip(tokens, (0, 1, 1), strict=True):
            served.answer(token, "mc", choice)
        await wait_for(pilot, lambda: state_of(app).answers_in == 3)
        assert "Answers in: 3/3" in text_of(app, "#counts")
        dist = app.query_one("#dist", DistributionBars)
        assert dist.plain == ""  # nothing shown before the reveal

        await pilot.press("r")
        await wait_for(pilot, lambda: state_of(app).phase == "revealed")
        await pilot.pause()
        lines = dist.plain.split("\n")
        # The bars in the order the projected question lists the choices.
        projected = [c.text for c in state_of(app).public.choices or []]  # type: ignore[union-attr]
        assert [line[2:].split()[0] for line in lines] == projected
        heart, liver = lines[projected.index("Heart")], lines[projected.index("Liver")]
        assert heart.startswith("✓ Heart") and heart.endswith(" 1")
        assert liver.startswith("  Liver") and liver.endswith(" 2")
        # One screen line per choice: label, bar and count never wrap in the panel.
        assert dist.size.height == 4
        assert all(len(line) <= dist.content_size.width for line in lines)
        assert "Right answer: Heart" in text_of(app, "#counts")
        assert str(table.get_row_at(0)[1]) == "Ada"  # leader: the only right answer

        await pilot.press("e")
        assert phase_of(served) == "revealed"  # one press only arms it
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ReportScreen))
        screen = app.screen
        students = screen.query_one("#report-students", DataTable)
        assert [cells(students, i)[1] for i in range(3)] == ["Ada", "[bold]Bo[/]", "Cy"]
        ada = cells(students, 0)
        assert ada[2:4] == ["1/1", "100%"] and ada[4].endswith(" s") and ada[5] == "1/1"
        assert all(isinstance(c, Text) for c in students.get_row_at(1)[1:2])
        questions = screen.query_one("#report-questions", DataTable)
        assert cells(questions, 0)[:4] == ["mc", "3", "0.33", "+1.00"]
        assert cells(questions, 1)[:2] == ["ms", "not asked"]
        choices = screen.query_one("#report-choices", DataTable)
        assert [cells(choices, i)[1:] for i in range(4)] == [
            ["✓", "Heart", "1"],
            ["", "Liver", "2"],
            ["", "Lung", "0"],
            ["", "Skin", "0"],
        ]
        legend = str(screen.query_one("#report-legend", Static).render())
        assert "facility = mean score over all 3 students; unanswered = 0" in legend
        # The tables fit the screen's width: no horizontal scrolling needed for the scores.
        assert students.virtual_size.width <= size[0]

        await pilot.press("escape")
        assert not isinstance(app.screen, ReportScreen)
        await pilot.press("v")
        assert isinstance(app.screen, ReportScreen)
    assert phase_of(served) == "ended"


async def test_dashboard_shows_refusals(served: Served) -> None:
    app = DashboardApp(api_url=served.url, join_url=served.url, teacher_token=served.teacher)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.state is not None)
        await pilot.press("r")
        await wait_for(pilot, lambda: len(app._notifications) > 0)
        note = next(iter(app._notifications))
        assert "open a question before revealing it" in note.message
        assert phase_of(served) == "lobby"
