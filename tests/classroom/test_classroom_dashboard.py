"""Pilot tests of the teacher dashboard against a real server on loopback."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from quiz.classroom.dashboard import DashboardApp
from tests.classroom.support import Served, wait_for


def text_of(app: DashboardApp, selector: str) -> str:
    return str(app.query_one(selector, Static).render())


async def test_dashboard_runs_a_live_question(served: Served) -> None:
    app = DashboardApp(api_url=served.url, join_url=served.url, teacher_token=served.teacher)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.state is not None)
        assert " ".join(served.session.code) in text_of(app, "#code")
        assert f"--code {served.session.code}" in text_of(app, "#join")
        tokens = [served.join(n) for n in ("Ada", "[bold]Bo[/]", "Cy")]
        await wait_for(pilot, lambda: len(app.state.roster) == 3)  # type: ignore[union-attr]
        table = app.query_one("#leaderboard", DataTable)
        names = {str(table.get_row_at(i)[1]) for i in range(table.row_count)}
        assert names == {"Ada", "[bold]Bo[/]", "Cy"}

        await pilot.press("n")
        await wait_for(pilot, lambda: app.state.phase == "open")  # type: ignore[union-attr]
        assert "Which organ pumps blood?" in text_of(app, "#prompt")
        for token, choice in zip(tokens, (0, 1, 1), strict=True):
            served.answer(token, "mc", choice)
        await wait_for(pilot, lambda: app.state.answers_in == 3)  # type: ignore[union-attr]
        assert "Answers in: 3/3" in text_of(app, "#counts")
        assert text_of(app, "#dist") == ""  # nothing shown before the reveal

        await pilot.press("r")
        await wait_for(pilot, lambda: app.state.phase == "revealed")  # type: ignore[union-attr]
        dist = text_of(app, "#dist")
        assert "✓ Heart" in dist and dist.count("█") > 0
        assert "Liver" in dist and " 2" in dist
        assert "Right answer: Heart" in text_of(app, "#counts")
        assert str(table.get_row_at(0)[1]) == "Ada"  # leader: the only right answer

        await pilot.press("e")
        assert served.session.phase == "revealed"  # one press only arms it
        await pilot.press("e")
        await wait_for(pilot, lambda: app.report is not None)
        report = text_of(app, "#report")
        assert "facility" in report and "[bold]Bo[/]" in report
    assert served.session.phase == "ended"


async def test_dashboard_shows_refusals(served: Served) -> None:
    app = DashboardApp(api_url=served.url, join_url=served.url, teacher_token=served.teacher)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.state is not None)
        await pilot.press("r")
        await wait_for(pilot, lambda: len(app._notifications) > 0)
        note = next(iter(app._notifications))
        assert "open a question before revealing it" in note.message
        assert served.session.phase == "lobby"
