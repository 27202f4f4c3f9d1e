"""Screenshots at 80x24 (issue 17): Home, every question type before and after answering,
Results, Stats and Help, each with nothing clipped and the footer's Help and Quit in view.

Time is frozen and the order seeded, as in test_snapshots.py. Update with
`pytest tests/ui/test_snapshots_80.py --snapshot-update`, then look at every changed SVG
as an image before committing it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

import tests.ui.test_snapshots as at_100
from quiz.ui.app import QuizApp
from quiz.ui.screens.results import ResultsScreen
from quiz.ui.screens.study import StudyScreen
from tests.ui.helpers import answer_keys, ready, study_screen
from tests.ui.test_snapshots import frozen_app, study_app

SIZE = (80, 24)
TYPES = ["mc", "ms", "tf", "sa", "num", "cloze", "order", "match", "card"]


def test_home_80(make_app: Callable[..., QuizApp], snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)

    assert snap_compare(frozen_app(make_app), run_before=run_before, terminal_size=SIZE)


async def _to_question(pilot: Pilot[None], qid: str) -> None:
    """Answer (rightly) the questions before `qid`."""
    app = pilot.app
    assert isinstance(app, QuizApp)
    while True:
        item = study_screen(app).session.current
        assert item is not None
        if item.question.id == qid:
            return
        await pilot.press(*answer_keys(app, right=True))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()


@pytest.mark.parametrize("answered", [False, True], ids=["before", "after"])
@pytest.mark.parametrize("qid", TYPES)
def test_question_80(
    make_app: Callable[..., QuizApp], snap_compare: Any, qid: str, answered: bool
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await _to_question(pilot, qid)
        if answered:
            app = pilot.app
            assert isinstance(app, QuizApp)
            # Wrong answers show the most: the right answer, the choice's feedback.
            await pilot.press(*answer_keys(app, right=False))
        await pilot.pause()
        assert isinstance(pilot.app.screen, StudyScreen)

    assert snap_compare(study_app(make_app), run_before=run_before, terminal_size=SIZE)


def test_results_80(make_app: Callable[..., QuizApp], snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        app = pilot.app
        assert isinstance(app, QuizApp)
        n = 0
        while isinstance(app.screen, StudyScreen):
            keys = ["1", "enter"] if app.screen.session.current.question.id == "ms" else None  # type: ignore[union-attr]
            await pilot.press(*(keys or answer_keys(app, right=n % 3 != 1)))
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            n += 1
        assert isinstance(app.screen, ResultsScreen)

    assert snap_compare(study_app(make_app), run_before=run_before, terminal_size=SIZE)


def test_stats_80(
    make_app: Callable[..., QuizApp], db_path: Path, snap_compare: Any, monkeypatch: Any
) -> None:
    # The same history as the 100x30 Stats snapshot, at 80x24.
    monkeypatch.setattr(at_100, "SIZE", SIZE)
    at_100.test_stats(make_app, db_path, snap_compare)


def test_help_80(make_app: Callable[..., QuizApp], snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(study_app(make_app), run_before=run_before, terminal_size=SIZE)
