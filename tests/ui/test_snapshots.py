"""Screenshots of Home, feedback, Results and Stats at 100x30 (pytest-textual-snapshot).

Time is fixed (a frozen clock and `now`) and the quiz order seeded, so each run draws the
same screen. Update with `pytest tests/ui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from quiz.scheduler import Settings
from quiz.store import Store
from quiz.ui.app import QuizApp, StartRequest
from quiz.ui.screens.results import ResultsScreen
from quiz.ui.screens.study import StudyScreen
from tests.ui.helpers import answer_keys, ready

SIZE = (100, 30)
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


def frozen_app(make_app: Callable[..., QuizApp], **kw: Any) -> QuizApp:
    return make_app(clock=lambda: 0.0, now=lambda: NOW, **kw)


def study_app(make_app: Callable[..., QuizApp]) -> QuizApp:
    start = StartRequest(kind="study", bank_id="every-type", seed=4)
    return frozen_app(make_app, start=start)


def test_home(make_app: Callable[..., QuizApp], snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)

    assert snap_compare(frozen_app(make_app), run_before=run_before, terminal_size=SIZE)


def test_feedback(make_app: Callable[..., QuizApp], snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        app = pilot.app
        assert isinstance(app, QuizApp) and isinstance(app.screen, StudyScreen)
        await pilot.press(*answer_keys(app, right=True))  # first question
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*answer_keys(app, right=False))  # second: wrong, with feedback
        await pilot.pause()

    assert snap_compare(study_app(make_app), run_before=run_before, terminal_size=SIZE)


def test_results(make_app: Callable[..., QuizApp], snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        app = pilot.app
        assert isinstance(app, QuizApp)
        n = 0
        while isinstance(app.screen, StudyScreen):
            await pilot.press(*answer_keys(app, right=n % 3 != 1))
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            n += 1
        assert isinstance(app.screen, ResultsScreen)

    assert snap_compare(study_app(make_app), run_before=run_before, terminal_size=SIZE)


def test_stats(make_app: Callable[..., QuizApp], db_path: Path, snap_compare: Any) -> None:
    with Store.open(db_path) as store:
        # No random fuzz in the intervals: the forecast must be the same every run.
        store.save_settings("tester", Settings(enable_fuzzing=False))
        # A few weeks of answers before NOW, some missed.
        for day in range(20, 0, -1):
            moment = NOW - timedelta(days=day, hours=2)
            for i, qid in enumerate(["mc", "tf", "sa", "num"]):
                if (day + i) % 3 == 0:
                    continue
                ok = (day * (i + 1)) % 4 != 0
                store.record_attempt(
                    None,
                    "tester",
                    "every-type",
                    qid,
                    answer=None,
                    outcome="correct" if ok else "incorrect",
                    score=float(ok),
                    now=moment,
                )

    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await pilot.press("s")
        await pilot.pause()

    assert snap_compare(frozen_app(make_app), run_before=run_before, terminal_size=SIZE)
