"""Issue 17: what the screens say reads as a person would write it, and agrees across screens."""

from __future__ import annotations

from collections.abc import Callable

from quiz.numbers import format_score_percent
from quiz.ui.app import QuizApp, StartRequest
from quiz.ui.screens.results import ResultsScreen
from tests.ui.helpers import answer_keys, ready, study_screen


async def test_header_and_results_show_the_same_partial_score(
    make_app: Callable[..., QuizApp],
) -> None:
    app = make_app(start=StartRequest(kind="study", bank_id="every-type", seed=4))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        header = ""
        partial_seen = False
        while not isinstance(app.screen, ResultsScreen):
            screen = study_screen(app)
            item = screen.session.current
            assert item is not None
            # Multiple select half right: one of its two right choices only.
            keys = ["1", "enter"] if item.question.id == "ms" else answer_keys(app)
            await pilot.press(*keys)
            await pilot.pause()
            header = str(screen.query_one("#study-score").render())
            if screen.session.score != int(screen.session.score):
                partial_seen = True
                # Never a float such as 0.666667 or 4.5: a fraction.
                assert "." not in header.split()[1], header
            await pilot.press("enter")
            await pilot.pause()
        assert partial_seen
        session = app.screen.session
        expected = format_score_percent(session.score, len(session.records))
        assert header == f"Score {expected}"
        assert f"Score {expected}" in str(app.screen.query_one("#results-summary").render())
